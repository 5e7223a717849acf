import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

@Suite("JSON API")
struct APITests {
    static func token(_ client: any TestClientProtocol, _ username: String, password: String = WebHarness.password) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
    }

    @Test("health names the database", arguments: Backend.allCases)
    func health(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(try WebHarness.json(response) as NSDictionary == ["status": "ok", "database": backend.rawValue] as NSDictionary)
        }
    }

    @Test("a token opens the API; no token, a bad token or bad credentials do not", arguments: Backend.allCases)
    func tokens(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            let issued = try await Self.token(client, "demo-admin")
            #expect(issued.status == .ok)
            let body = try WebHarness.json(issued)
            let token = try #require(body["token"] as? String)
            #expect(body["expires_at"] is String)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(me.status == .ok)
            #expect(try WebHarness.json(me)["username"] as? String == "demo-admin")
            let users = try await client.execute(uri: "/api/v1/users", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect((try WebHarness.json(users)["users"] as? [Any])?.count == DemoSetup.users.count)

            for headers: HTTPFields in [[:], [.authorization: "Bearer nope"], [.authorization: "Basic abc"]] {
                let denied = try await client.execute(uri: "/api/v1/me", method: .get, headers: headers)
                #expect(denied.status == .unauthorized)
                #expect(denied.headers[.contentType] == "application/problem+json")
            }
            let bad = try await Self.token(client, "demo-admin", password: "wrong wrong wrong")
            #expect(bad.status == .unauthorized)
            #expect(try WebHarness.json(bad)["status"] as? Int == 401)
        }
    }

    @Test("repeated failures answer 429", arguments: Backend.allCases)
    func throttled(backend: Backend) async throws {
        var policy = SessionPolicy()
        policy.throttle.perAccountAndAddress = 2
        try await WebHarness.withApp(backend, policy: policy) { client, _ in
            for _ in 0..<2 { #expect(try await Self.token(client, "demo-clinician", password: "guess guess guess").status == .unauthorized) }
            let limited = try await Self.token(client, "demo-clinician")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test("malformed and oversized bodies get problem documents and create nothing", arguments: Backend.allCases)
    func badInput(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let token = try #require(try WebHarness.json(try await Self.token(client, "demo-admin"))["token"] as? String)
            let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let malformed = try await client.execute(uri: "/api/v1/users", method: .post, headers: auth, body: ByteBuffer(string: #"{"username": "#))
            #expect(malformed.status == .badRequest)
            #expect(try WebHarness.json(malformed)["detail"] as? String == "The body is not valid JSON.")
            let missing = try await client.execute(uri: "/api/v1/users", method: .post, headers: auth,
                                                   body: ByteBuffer(string: #"{"username": "abc-user", "role": "admin"}"#))
            #expect(missing.status == .badRequest)
            #expect((try WebHarness.json(missing)["detail"] as? String)?.contains("is required") == true)
            let huge = try await client.execute(uri: "/api/v1/users", method: .post, headers: auth,
                                                body: ByteBuffer(string: String(repeating: " ", count: 300 * 1024) + "{}"))
            #expect(huge.status == .contentTooLarge)
            let unknownRoute = try await client.execute(uri: "/api/v1/nothing-here", method: .get, headers: auth)
            #expect(unknownRoute.status == .notFound)
            #expect(unknownRoute.headers[.contentType] == "application/problem+json")
            let list = try await client.execute(uri: "/api/v1/users", method: .get, headers: auth)
            #expect((try WebHarness.json(list)["users"] as? [Any])?.count == DemoSetup.users.count)
        }
    }

    @Test("the OpenAPI document lists every API route the router serves", arguments: [Backend.sqlite])
    func openAPI(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try WebHarness.json(response)
            #expect(document["openapi"] as? String == "3.1.0")
            // Every method of every path the document lists, against the router's own table.
            var documented = Set<String>()
            for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
                for method in item.keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            let router = try await buildRouter(store: store, configuration: WebConfiguration())
            let served = Set(router.routes.map { "\($0.method) \($0.path)" }.filter {
                $0.contains(" /api/") || $0.contains(" /hsds") || $0.hasSuffix(" /healthz")
            })
            #expect(documented == served, "documented only: \(documented.subtracting(served)); served only: \(served.subtracting(documented))")
        }
    }

    @Test("a planted display name never appears in the logs", arguments: Backend.allCases)
    func logsStayClean(backend: Backend) async throws {
        let logs = CapturedLogs()
        let planted = "Okapi-Planted-Display-9932"
        let ran = try await WebHarness.withApp(backend, logs: logs) { client, _ in
            let token = try #require(try WebHarness.json(try await Self.token(client, "demo-admin"))["token"] as? String)
            let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let created = try await client.execute(uri: "/api/v1/users", method: .post, headers: auth, body: ByteBuffer(string:
                #"{"username":"planted-user","role":"clinician","display_name":"\#(planted)","password":"another long passphrase"}"#))
            #expect(created.status == .created)
            let list = try await client.execute(uri: "/api/v1/users", method: .get, headers: auth)
            #expect(String(buffer: list.body).contains(planted))
            _ = try await client.execute(uri: "/api/v1/users", method: .post, headers: auth, body: ByteBuffer(string: #"{"display_name":"\#(planted)"#))
        }
        guard ran else { return }
        #expect(logs.text.contains("request"), "the capture must see the request log")
        #expect(!logs.text.contains(planted))
        #expect(!logs.text.contains("another long passphrase") && !logs.text.contains(WebHarness.password))
    }
}

@Suite("Database failures")
struct DatabaseFailureTests {
    @Test("a database that is down gets a clear 503, for the API and for pages")
    func databaseDown() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("down-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try KeyRing.loadOrCreate(path: folder.appendingPathComponent("master.key").path)
        // Nothing listens on port 1.
        let database = try await Database.open(.postgres(url: "postgres://nobody:nothing@127.0.0.1:1/none"), logger: .init(label: "t"))
        let store = Store(database: database, keys: keys)
        // The router without the start-up migration, which would (rightly) refuse to start.
        let router = try await buildRouter(store: store, configuration: WebConfiguration())
        let standalone = Application(router: router, services: database.services)
        try await standalone.test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .serviceUnavailable)
            #expect(try WebHarness.json(health)["type"] as? String == "urn:waypoint:problem:error_database")
            let page = try await client.execute(uri: "/signin", method: .get, headers: [.cookie: "wp_session=abc"])
            #expect(page.status == .serviceUnavailable)
            #expect(String(buffer: page.body).contains("The database is not reachable right now. Nothing was saved"))
        }
    }
}
