import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
@testable import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

@Suite("Screening API")
struct ScreeningAPITests {
    static func bearer(_ client: any TestClientProtocol, _ username: String) async throws -> HTTPFields {
        let token = try #require(try WebHarness.json(try await APITests.token(client, username))["token"] as? String)
        return [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    static func post(_ client: any TestClientProtocol, _ headers: HTTPFields, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/screenings", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("a screening is scored, planned, stored, and replaying its key returns the same one", arguments: Backend.allCases)
    func createAndReplay(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let auth = try await Self.bearer(client, "demo-clinician")
            let body = #"{"instrument":"sscst","age":15,"answers":["yes","yes","no","no","no","no"],"state":"GA","concern":"sex","note":"Okapi-note-7731","idempotency_key":"k-1"}"#
            let created = try await Self.post(client, auth, body)
            #expect(created.status == .created)
            let json = try WebHarness.json(created)
            #expect(json["result"] as? String == "positive")
            let kinds = (json["actions"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.contains("mandated-report") && kinds.contains("further-assessment"))
            let id = try #require(json["id"] as? String)

            let replay = try await Self.post(client, auth, body)
            #expect(replay.status == .ok)
            #expect(try WebHarness.json(replay)["id"] as? String == id)

            let read = try await client.execute(uri: "/api/v1/screenings/\(id)", method: .get, headers: auth)
            #expect(try WebHarness.json(read)["note"] as? String == "Okapi-note-7731")
            let fhir = try await client.execute(uri: "/api/v1/screenings/\(id)?format=fhir", method: .get, headers: auth)
            #expect(fhir.headers[.contentType] == "application/fhir+json")
            let resource = try WebHarness.json(fhir)
            #expect(resource["resourceType"] as? String == "QuestionnaireResponse")
            let labels = ((resource["meta"] as? [String: Any])?["security"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(labels == ["SDV", "R"])

            // Stored once, sealed: neither the note nor the answers are readable in the table.
            let rows = try await store.database.withConnection { db in
                try await db.raw("SELECT details_sealed, note_sealed FROM screenings").all()
            }
            #expect(rows.count == 1)
            for row in rows {
                let text = try row.decode(column: "details_sealed", as: String.self) + (try row.decode(column: "note_sealed", as: String.self))
                #expect(!text.contains("Okapi") && !text.contains("sscst-1") && text.hasPrefix("v1:"))
            }
        }
    }

    @Test("answers keyed by linkId work too; bad answers and instruments are refused and nothing is stored", arguments: Backend.allCases)
    func badInput(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let auth = try await Self.bearer(client, "demo-clinician")
            let keyed = try await Self.post(client, auth, #"{"instrument":"qyit","age":20,"answers":{"qyit-3":"yes"},"idempotency_key":"k-2"}"#)
            #expect(keyed.status == .created)
            #expect(try WebHarness.json(keyed)["result"] as? String == "positive")
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"instrument":"sscst","age":15,"answers":["yes","perhaps","no","no","no","no"],"idempotency_key":"b1"}"#, .unprocessableContent, "perhaps"),
                (#"{"instrument":"sscst","age":15,"answers":["yes","no"],"idempotency_key":"b2"}"#, .unprocessableContent, "Expected 6 answers"),
                (#"{"instrument":"nope","age":15,"answers":[],"idempotency_key":"b3"}"#, .notFound, "no instrument"),
                (#"{"instrument":"raft","age":30,"answers":[],"idempotency_key":"b4"}"#, .conflict, "not available"),
                (#"{"instrument":"sscst","age":15,"answers":["yes","no","no","no","no","no"],"idempotency_key":""}"#, .badRequest, "idempotency_key is required"),
                (#"{"instrument":"sscst","age":15,"idempotency_key":"b6"}"#, .badRequest, "answers is required"),
                // The encounter is checked as the pages check it: a state that is not a postal code
                // would otherwise plan with the fallback reporting route instead of the state's own.
                (#"{"instrument":"sscst","age":15,"answers":["yes","no","no","no","no","no"],"state":"Texas","idempotency_key":"b7"}"#,
                 .unprocessableContent, "two-letter postal code"),
                (#"{"instrument":"sscst","age":15,"answers":["yes","no","no","no","no","no"],"language":"fr","idempotency_key":"b8"}"#,
                 .unprocessableContent, "language must be one of"),
                (#"{"instrument":"sscst","age":15,"answers":["yes","no","no","no","no","no"],"setting":"mall","idempotency_key":"b9"}"#,
                 .unprocessableContent, "setting must be one of"),
            ]
            for (body, status, detail) in cases {
                let response = try await Self.post(client, auth, body)
                #expect(response.status == status, "\(body)")
                #expect((try WebHarness.json(response)["detail"] as? String ?? "").contains(detail), "\(body) → \(String(buffer: response.body))")
            }
            // The detail is a catalog sentence: in Spanish for a Spanish reader.
            var spanish = auth
            spanish[.acceptLanguage] = "es"
            let translated = try await Self.post(client, spanish, #"{"instrument":"sscst","age":15,"answers":["yes","no"],"idempotency_key":"b10"}"#)
            #expect(try WebHarness.json(translated)["detail"] as? String == "Se esperaban 6 respuestas, una por pregunta y en orden; llegaron 2.")
            let count = try await store.database.withConnection { try await $0.raw("SELECT COUNT(*) AS n FROM screenings").first()?.decode(column: "n", as: Int.self) }
            #expect(count == 1)
        }
    }

    @Test("another clinician, an auditor or another organization cannot read a screening", arguments: Backend.allCases)
    func access(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let auth = try await Self.bearer(client, "demo-clinician")
            let id = try #require(try WebHarness.json(try await Self.post(client, auth,
                #"{"instrument":"sscst","age":15,"answers":["no","no","no","no","no","no"],"idempotency_key":"k-3"}"#))["id"] as? String)
            let admin = try await Self.bearer(client, "demo-admin")
            let other = try await client.execute(uri: "/api/v1/users", method: .post, headers: admin, body: ByteBuffer(string:
                #"{"username":"second-nurse","role":"clinician","display_name":"Second","password":"another long passphrase"}"#))
            #expect(other.status == .created)
            let second = try #require(try WebHarness.json(try await APITests.token(client, "second-nurse", password: "another long passphrase"))["token"] as? String)
            #expect(try await client.execute(uri: "/api/v1/screenings/\(id)", method: .get, headers: [.authorization: "Bearer \(second)"]).status == .notFound)
            let auditor = try await Self.bearer(client, "demo-auditor")
            #expect(try await client.execute(uri: "/api/v1/screenings/\(id)", method: .get, headers: auditor).status == .forbidden)
            let outsider = try await store.organizations.create(name: "Elsewhere", requestId: "t")
            _ = try await store.users.createAsOperator(NewUser(username: "outsider", role: .clinician, displayName: "O", password: "a passphrase from elsewhere"),
                                                       orgId: outsider.id, requestId: "t")
            let foreign = try #require(try WebHarness.json(try await APITests.token(client, "outsider", password: "a passphrase from elsewhere"))["token"] as? String)
            #expect(try await client.execute(uri: "/api/v1/screenings/\(id)", method: .get, headers: [.authorization: "Bearer \(foreign)"]).status == .notFound)
        }
    }

    @Test("instruments are listed with their status and served as FHIR Questionnaires", arguments: [Backend.sqlite])
    func instruments(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            let auth = try await Self.bearer(client, "demo-clinician")
            let list = try WebHarness.json(try await client.execute(uri: "/api/v1/instruments", method: .get, headers: auth))
            let instruments = list["instruments"] as? [[String: Any]] ?? []
            #expect(instruments.count == 6)
            #expect(instruments.first { $0["id"] as? String == "raft" }?["unavailable_reason"] is String)
            let sscst = try await client.execute(uri: "/api/v1/instruments/sscst", method: .get, headers: auth)
            #expect(sscst.headers[.contentType] == "application/fhir+json")
            #expect(try WebHarness.json(sscst)["resourceType"] as? String == "Questionnaire")
            #expect(try await client.execute(uri: "/api/v1/instruments/tvit-short", method: .get, headers: auth).status == .conflict)
        }
    }
}
