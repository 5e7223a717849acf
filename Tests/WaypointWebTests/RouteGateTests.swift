import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WaypointCore
import WaypointStore
@testable import WaypointWeb

/// The gate checks a route's declared access before its handler runs, whatever the handler does.
@Suite("Route gate")
struct RouteGateTests {
    @Test("a declared permission refuses a caller without it before the handler runs; an open route opens; an undeclared route is refused")
    func gateDecidesBeforeTheHandler() async throws {
        let table = RouteTable()
        let router = Router(context: WaypointRequestContext.self)
        router.add(middleware: RouteGate(table: table, kind: .pages))
        let routes = PageRoutes(base: router, prefix: "", gate: .pages, table: table, module: "test")
        // Handlers that check nothing: whatever protects them is the declaration.
        routes.get("/users-only", .permission(.manageUsers)) { _, _ in "secret" }
        routes.get("/anyone", .open) { _, _ in "public" }
        router.get("/undeclared") { _, _ in "forgotten" }  // added around the declarations, as a careless change would
        #expect(table.rule(.get, "/users-only")?.access == .permission(.manageUsers) && table.rule(.get, "/users-only")?.module == "test")
        try await Application(router: router).test(.router) { client in
            let refused = try await client.execute(uri: "/users-only", method: .get)
            #expect(refused.status != .ok && !String(buffer: refused.body).contains("secret"))
            #expect(try await client.execute(uri: "/anyone", method: .get).status == .ok)
            let forgotten = try await client.execute(uri: "/undeclared", method: .get)
            #expect(forgotten.status != .ok && !String(buffer: forgotten.body).contains("forgotten"))
        }
    }
}

@Suite("Feature modules")
struct FeatureModuleTests {
    @Test("the modules' client data is the map a purge walks, each place once")
    func clientDataComesFromTheModules() {
        let declared = FeatureModule.all.flatMap(\.clientData).map(\.table)
        #expect(declared.count == Set(declared).count)
        #expect(Set(declared) == Set(ClientDataMap.all.map(\.table)))
        #expect(Set(FeatureModule.all.map(\.name)).count == FeatureModule.all.count)
    }
}
