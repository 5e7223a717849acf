import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/housing/sites` (beds and today's occupancy; an address only on purpose, audited) and a
/// client's stays and transport vouchers under `/api/v1/clients/{id}`.
struct HousingAPI {
    let store: Store


    struct Sites: Encodable { let sites: [HousingSite] }
    struct Address: Encodable { let id: String, address: String }

    func register(on api: APIRoutes) {
        api.get("/housing/sites", .permission(.readHousingSites), use: sites)
        api.post("/housing/sites", .permission(.manageHousingSites), use: createSite)
        api.get("/housing/sites/:id/address", .permission(.readHousingSites), scope: .organization, use: address)
        api.post("/clients/:id/stays", .permission(.writeCase), scope: .organization, use: checkIn)
        api.post("/clients/:id/stays/:eid/check-out", .permission(.writeCase), scope: .organization, use: checkOut)
        api.post("/clients/:id/vouchers", .permission(.writeCase), scope: .organization, use: issueVoucher)
        api.post("/clients/:id/vouchers/:eid/used", .permission(.writeCase), scope: .organization, use: useVoucher)
    }

    @Sendable func sites(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(Sites(sites: try await store.housing.sites(in: tenant)))
    }

    @Sendable func createSite(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewHousingSite.self, from: request, context: context)
        return try JSONBody.response(try await store.housing.createSite(body, in: tenant), status: .created)
    }

    @Sendable func address(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        return try JSONBody.response(Address(id: id, address: try await store.housing.address(of: id, in: tenant)))
    }

    @Sendable func checkIn(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewStay.self, from: request, context: context)
        return try JSONBody.response(try await store.housing.checkIn(body, for: try context.parameters.require("id"), in: tenant), status: .created)
    }

    @Sendable func checkOut(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(StayCheckOut.self, from: request, context: context)
        return try JSONBody.response(try await store.housing.checkOut(try context.parameters.require("eid"), of: try context.parameters.require("id"),
                                                                      body, in: tenant))
    }

    @Sendable func issueVoucher(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewVoucher.self, from: request, context: context)
        return try JSONBody.response(try await store.housing.issueVoucher(body, for: try context.parameters.require("id"), in: tenant), status: .created)
    }

    @Sendable func useVoucher(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(VoucherUse.self, from: request, context: context)
        return try JSONBody.response(try await store.housing.useVoucher(try context.parameters.require("eid"), of: try context.parameters.require("id"),
                                                                        body, in: tenant))
    }
}
