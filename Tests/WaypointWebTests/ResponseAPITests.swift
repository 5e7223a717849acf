import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

@Suite("Recognize and respond API: coding suggestions, indicators")
struct ResponseAPITests {
    static func bearer(_ client: any TestClientProtocol, _ username: String) async throws -> HTTPFields {
        let token = try #require(try WebHarness.json(try await APITests.token(client, username))["token"] as? String)
        return [.authorization: "Bearer \(token)", .contentType: "application/json", .acceptLanguage: "es"]
    }

    @Test("a history code follows the age it happened at; a later encounter without that age is a 422 naming the field")
    func coding() async throws {
        try await WebHarness.withApp(.sqlite) { client, _ in
            let headers = try await Self.bearer(client, "demo-clinician")
            let history = try await client.execute(uri: "/api/v1/coding-suggestions", method: .post, headers: headers, body: ByteBuffer(
                string: #"{"type":"labor","status":"history","age":34,"age_at_exploitation":15,"encounter":"initial"}"#))
            #expect(history.status == .ok)
            let body = try WebHarness.json(history)
            #expect(body["code"] as? String == "Z62.813")
            #expect((body["safety_check"] as? [String])?.first?.hasPrefix("¿") == true, "worded in the reader's language")
            #expect((body["reminders"] as? [String])?.isEmpty == true)

            let confirmed = try WebHarness.json(try await client.execute(uri: "/api/v1/coding-suggestions", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"type":"sex","status":"confirmed","age":19,"encounter":"initial"}"#)))
            #expect(confirmed["code"] as? String == "T74.51XA")
            #expect((confirmed["reminders"] as? [String])?.count == 2)

            let later = try await client.execute(uri: "/api/v1/coding-suggestions", method: .post, headers: headers, body: ByteBuffer(
                string: #"{"type":"sex","status":"suspected","age":19,"encounter":"subsequent"}"#))
            #expect(later.status == .unprocessableContent)
            #expect(try WebHarness.json(later)["field"] as? String == "age_at_exploitation")

            let admin = try await client.execute(uri: "/api/v1/coding-suggestions", method: .post, headers: try await Self.bearer(client, "demo-admin"),
                                                 body: ByteBuffer(string: #"{"type":"sex","status":"history","age":40,"age_at_exploitation":12,"encounter":"initial"}"#))
            #expect(admin.status == .forbidden)
        }
    }

    @Test("the indicator library by age, in the reader's language, each sign with its source")
    func indicators() async throws {
        try await WebHarness.withApp(.sqlite) { client, _ in
            let headers = try await Self.bearer(client, "demo-admin")
            let minors = try await client.execute(uri: "/api/v1/indicators?age=15", method: .get, headers: headers)
            #expect(minors.status == .ok)
            let list = try #require(try WebHarness.json(minors)["indicators"] as? [[String: Any]])
            #expect(!list.isEmpty && list.allSatisfy { ($0["population"] as? String) != "adult" && ($0["source"] as? String)?.isEmpty == false })
            let construction = list.first { $0["id"] as? String == "door-to-door-crew" }
            #expect((construction?["text"] as? String)?.contains("puerta en puerta") == true, "Spanish for Accept-Language: es")
            let all = try WebHarness.json(try await client.execute(uri: "/api/v1/indicators", method: .get, headers: headers))
            #expect(((all["indicators"] as? [Any])?.count ?? 0) > list.count)
            let bad = try await client.execute(uri: "/api/v1/indicators?age=old", method: .get, headers: headers)
            #expect(bad.status == .unprocessableContent)
            let anonymous = try await client.execute(uri: "/api/v1/indicators", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }
}
