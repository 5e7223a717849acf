import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

/// The paths that send client data out, as the routes declare them (`OutboundPath`), each walked
/// through HTTP: no consent, a consent lacking a category, a withdrawn consent, a purged client.
@Suite("Outbound paths: consent on every path out")
struct OutboundTests {
    /// Kinds of outbound route that carry nothing about a client of the organization, and why.
    static let notAboutAClient: [OutboundPath: String] = [
        .leadPackage: "ads and missing-person posters name no client of the organization; investigators only, audited",
        .funderExport: "the funder's ledger names no client: a digest under the client's key, unlinkable once purged",
    ]

    struct Caller {
        let client: any TestClientProtocol
        let headers: HTTPFields

        func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> TestResponse {
            try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        }

        func json(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, expect status: HTTPResponse.Status) async throws -> [String: Any] {
            let response = try await send(method, uri, body)
            #expect(response.status == status, "\(method) \(uri): \(response.status) \(String(buffer: response.body).prefix(300))")
            return (try? WebHarness.json(response)) ?? [:]
        }
    }

    @Test("every kind of outbound route is walked here or carries nothing about a client; each refuses without consent, leaves out what the consent does not cover, and ends with a withdrawal or a purge",
          arguments: Backend.allCases)
    func walkEveryOutboundPath(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            let table = try await buildRoutes(store: store, configuration: WebConfiguration()).table
            let declared = Set(table.all.compactMap(\.outbound))
            var walked: Set<OutboundPath> = []
            let manager = Caller(client: client, headers: try await ScreeningAPITests.bearer(client, "demo-casemanager"))
            let supervisor = Caller(client: client, headers: try await ScreeningAPITests.bearer(client, "demo-supervisor"))
            let clinician = Caller(client: client, headers: try await ScreeningAPITests.bearer(client, "demo-clinician"))
            let anyone = Caller(client: client, headers: [:])
            let search = try await manager.json(.get, "/api/v1/directory/search?q=Casa+Puente", expect: .ok)
            let service = try #require((search["results"] as? [[String: Any]])?.first?["service_id"] as? String)
            let expiry = WebHarness.consentExpiry
            let safeTimes = "Quokka-Safe-Times-7702"

            let created = try await manager.json(.post, "/api/v1/clients", #"{"alias":"Plover","phase":"survive"}"#, expect: .created)
            let clientId = try #require(created["id"] as? String)
            _ = try await manager.json(.put, "/api/v1/clients/\(clientId)/contact-safety",
                                       #"{"version":1,"text":true,"call":false,"safe_times":"\#(safeTimes)"}"#, expect: .ok)
            _ = try await manager.json(.post, "/api/v1/clients/\(clientId)/goals",
                                       #"{"domain":"housing","text":"Quokka-Goal-1183","target_date":"\#(expiry)"}"#, expect: .created)
            func consent(_ categories: String, recipient: String = #""recipient_service_id":"\#(service)""#, part2: Bool = false) async throws -> String {
                let body = #"{"purpose":"referral",\#(recipient),"categories":[\#(categories)],"method":"written","given_by":"client","expires_on":"\#(expiry)","part2":\#(part2)}"#
                return try #require(try await manager.json(.post, "/api/v1/clients/\(clientId)/consents", body, expect: .created)["id"] as? String)
            }

            // Receiver link: refused without consent, and without consent to contact for a channel.
            walked.insert(.receiverLink)
            let needsOnly = try await consent(#""needs""#)
            let byText = #""service_id":"\#(service)","needs":["mental-health"],"contact_method":"text","contact_detail":"208-555-0107""#
            let refused = try await manager.send(.post, "/api/v1/clients/\(clientId)/referrals", "{\(byText)}")
            #expect(refused.status == .conflict || refused.status == .unprocessableContent)
            let noContact = try await manager.send(.post, "/api/v1/clients/\(clientId)/referrals", #"{\#(byText),"consent_id":"\#(needsOnly)"}"#)
            #expect(noContact.status == .conflict && String(buffer: noContact.body).contains("consent"))
            let sent = try await manager.json(.post, "/api/v1/clients/\(clientId)/referrals",
                                              #"{"service_id":"\#(service)","consent_id":"\#(needsOnly)","needs":["mental-health"],"do_not_contact":true}"#,
                                              expect: .created)
            let link = try #require(sent["receiver_link"] as? String)
            let referralId = try #require((sent["referral"] as? [String: Any])?["id"] as? String)
            let page = try await anyone.send(.get, link)
            #expect(page.status == .ok && !String(buffer: page.body).contains(safeTimes) && !String(buffer: page.body).contains("208-555-0107"))

            // The referral's FHIR export, while the consent is live; the case's, only what its consent covers.
            walked.insert(.referralExport)
            let bundle = try await manager.send(.get, "/api/v1/referrals/\(referralId)?format=fhir")
            #expect(bundle.status == .ok && !String(buffer: bundle.body).contains("42CFRPart2"))
            walked.insert(.clientExport)
            #expect(try await manager.send(.get, "/api/v1/clients/\(clientId)?format=fhir").status == .conflict)
            let underNeeds = String(buffer: try await manager.send(.get, "/api/v1/clients/\(clientId)?format=fhir&consent_id=\(needsOnly)").body)
            #expect(underNeeds.contains("ServiceRequest") && !underNeeds.contains("Quokka-Goal-1183") && !underNeeds.contains(safeTimes))
            let elsewhere = try await consent(#""needs","goals""#, recipient: #""recipient_org":"County health plan""#)
            let underElsewhere = String(buffer: try await manager.send(.get, "/api/v1/clients/\(clientId)?format=fhir&consent_id=\(elsewhere)").body)
            #expect(underElsewhere.contains("Quokka-Goal-1183") && !underElsewhere.contains("ServiceRequest") && !underElsewhere.contains("Casa Puente"))

            // Withdrawn: the link is gone at once and the exports are refused.
            _ = try await manager.json(.post, "/api/v1/clients/\(clientId)/consents/\(needsOnly)/revoke", #"{"reason":"changed her mind"}"#, expect: .ok)
            #expect(try await anyone.send(.get, link).status == .gone)
            #expect(try await manager.send(.get, "/api/v1/referrals/\(referralId)?format=fhir").status == .conflict)
            #expect(try await manager.send(.get, "/api/v1/clients/\(clientId)?format=fhir&consent_id=\(needsOnly)").status == .conflict)

            // Part 2: the receiver is told, and the export labelled.
            let part2 = try await consent(#""needs","substance_use""#, part2: true)
            let second = try await manager.json(.post, "/api/v1/clients/\(clientId)/referrals",
                                                #"{"service_id":"\#(service)","consent_id":"\#(part2)","needs":["mental-health"],"do_not_contact":true}"#,
                                                expect: .created)
            let secondLink = try #require(second["receiver_link"] as? String)
            let secondId = try #require((second["referral"] as? [String: Any])?["id"] as? String)
            #expect(String(buffer: try await anyone.send(.get, secondLink).body).contains("42 CFR part 2"))
            #expect(String(buffer: try await manager.send(.get, "/api/v1/referrals/\(secondId)?format=fhir").body).contains("42CFRPart2"))

            // Purged: every link of the case is gone and nothing of it opens.
            #expect(try await supervisor.send(.delete, "/api/v1/clients/\(clientId)", #"{"reason":"asked to be forgotten"}"#).status == .noContent)
            #expect(try await anyone.send(.get, secondLink).status == .gone)
            #expect(try await manager.send(.get, "/api/v1/referrals/\(secondId)").status == .notFound)

            // Hand-over: only with the person's agreement.
            walked.insert(.handover)
            let screening = try await clinician.json(.post, "/api/v1/screenings",
                                                     #"{"instrument":"sscst","age":15,"answers":["yes","yes","no","no","no","no"],"idempotency_key":"outbound-1"}"#,
                                                     expect: .created)
            let screeningId = try #require(screening["id"] as? String)
            let managerId = try #require(try await manager.json(.get, "/api/v1/me", expect: .ok)["id"] as? String)
            let declined = try await clinician.send(.post, "/api/v1/screenings/\(screeningId)/handover",
                                                    #"{"consent":false,"alias":"Tern","case_manager_id":"\#(managerId)"}"#)
            #expect(declined.status == .unprocessableContent)

            let unwalked = declared.subtracting(walked).subtracting(Self.notAboutAClient.keys)
            #expect(unwalked.isEmpty, "outbound routes of these kinds have no walk: \(unwalked.map(\.rawValue).sorted())")
        }
    }
}
