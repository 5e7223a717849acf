import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

@Suite("Trust: what a page, a cookie or a public API gives away")
struct TrustWebTests {
    @Test("an unknown path is never echoed into a link", arguments: [Backend.sqlite])
    func noEchoedPath(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            let response = try await client.execute(uri: "//evil.example/x", method: .get)
            let html = String(buffer: response.body)
            #expect(response.status == .notFound)
            #expect(!html.contains("evil.example"))
            #expect(html.contains(#"href="?lang=es""#))
        }
    }

    @Test("behind TLS: __Host- cookies, HSTS; sign-out clears the site", arguments: [Backend.sqlite])
    func secureCookies(backend: Backend) async throws {
        try await WebHarness.withApp(backend, configure: { $0.secureCookies = true }) { client, _ in
            var browser = Browser(client)
            let page = try await browser.get("/signin")
            #expect(page.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=63072000; includeSubDomains")
            let csrfCookie = page.headers[values: .setCookie].first ?? ""
            #expect(csrfCookie.hasPrefix("__Host-wp_csrf=") && csrfCookie.contains("Secure") && csrfCookie.contains("Path=/"))
            let signedIn = try await browser.post("/signin", form: ["_csrf": Browser.csrf(in: page), "username": "demo-admin",
                                                                    "password": WebHarness.password])
            #expect(signedIn.headers[values: .setCookie].contains { $0.hasPrefix("__Host-wp_session=") && $0.contains("Secure") })
            // A cookie without the prefix (as a sibling subdomain could plant) opens nothing.
            var planted = Browser(client)
            planted.cookies["wp_session"] = browser.cookies["__Host-wp_session"]
            #expect(try await planted.get("/home").status == .seeOther)
            let home = try await browser.get("/home")
            #expect(home.status == .ok)
            let out = try await browser.post("/signout", form: ["_csrf": Browser.csrf(in: home)])
            #expect(out.headers[HTTPField.Name("Clear-Site-Data")!] == #""cache", "cookies", "storage""#)
        }
        try await WebHarness.withApp(backend) { client, _ in
            let plain = try await client.execute(uri: "/signin", method: .get)
            #expect(plain.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }

    @Test("DELETE /api/v1/auth/token revokes the token it presents", arguments: Backend.allCases)
    func revokeToken(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            let auth = try await ScreeningAPITests.bearer(client, "demo-clinician")
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: auth).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/auth/token", method: .delete, headers: auth).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: auth).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/auth/token", method: .delete).status == .unauthorized)
        }
    }

    @Test("the public HSDS listing caps its depth and its rate", arguments: [Backend.sqlite])
    func publicLimits(backend: Backend) async throws {
        try await WebHarness.withApp(backend, configure: { $0.publicRequestsPerMinute = 5 }) { client, _ in
            let deep = try await client.execute(uri: "/hsds/services?page=100000", method: .get)
            #expect(deep.status == .unprocessableContent)
            #expect(try await client.execute(uri: "/hsds/services?page=100&per_page=100", method: .get).status == .ok)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 { statuses.append(try await client.execute(uri: "/hsds", method: .get).status) }
            #expect(statuses.prefix(3).allSatisfy { $0 == .ok } && statuses.last == .tooManyRequests)
        }
    }

    @Test("the audit page shows the viewer's organization only, without global sequence numbers", arguments: [Backend.sqlite])
    func auditPage(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let other = try await store.organizations.create(name: "Elsewhere Clinic", requestId: "t")
            try await store.audit.record(AuditEvent(orgId: other.id, actorId: "someone", action: "elsewhere.action", objectType: "x", objectId: "y",
                                                    requestId: "t"))
            var browser = Browser(client)
            _ = try await browser.signIn("demo-auditor")
            let html = String(buffer: try await browser.get("/audit").body)
            #expect(html.contains("audit-status") && !html.contains("elsewhere.action"))
            #expect(!html.contains("<th scope=\"col\">#</th>"))
        }
    }

    @Test("/metrics answers the operator's token in Prometheus format, with route patterns and outcomes only", arguments: [Backend.sqlite])
    func metrics(backend: Backend) async throws {
        try await WebHarness.withApp(backend, configure: { $0.metricsToken = "scrape-token-for-tests" }) { client, _ in
            let auth = try await ScreeningAPITests.bearer(client, "demo-clinician")
            let body = #"{"instrument":"sscst","age":15,"answers":["yes","yes","no","no","no","no"],"idempotency_key":"Okapi-MRN-77"}"#
            #expect(try await ScreeningAPITests.post(client, auth, body).status == .created)
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .forbidden)
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong"]).status == .forbidden)
            let scraped = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-token-for-tests"])
            let text = String(buffer: scraped.body)
            #expect(scraped.status == .ok && scraped.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(text.contains(#"waypoint_screenings_total{result="positive"}"#))
            #expect(text.contains("waypoint_audit_entries_chained_total") && text.contains("/api/v1/screenings"))
            #expect(!text.contains("Okapi-MRN-77"))
        }
    }

    @Test("an idempotency key is stored only as an organization-keyed digest; old digests are upgraded", arguments: Backend.allCases)
    func idempotencyDigest(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let auth = try await ScreeningAPITests.bearer(client, "demo-clinician")
            let body = #"{"instrument":"sscst","age":15,"answers":["yes","no","no","no","no","no"],"idempotency_key":"MRN-0042"}"#
            let first = try await client.execute(uri: "/api/v1/screenings", method: .post, headers: auth, body: ByteBuffer(string: body))
            #expect(first.status == .created)
            let stored = { () async throws -> [String] in
                try await store.database.withConnection { db in
                    try await db.raw("SELECT idempotency_key FROM screenings").all().map { try $0.decode(column: "idempotency_key", as: String.self) }
                }
            }
            let digest = try #require(try await stored().first)
            #expect(digest.hasPrefix("k1:") && !digest.contains(Tokens.digest("MRN-0042")))
            // A row in the old, unkeyed form is upgraded, and its replay still finds it.
            try await store.database.transaction { db in
                try await db.raw("UPDATE screenings SET idempotency_key = \(bind: Tokens.digest("MRN-0042"))").run()
            }
            try await store.screenings.upgradeIdempotencyDigests()
            #expect(try await stored() == [digest])
            let replay = try await client.execute(uri: "/api/v1/screenings", method: .post, headers: auth, body: ByteBuffer(string: body))
            #expect(replay.status == .ok)
        }
    }
}
