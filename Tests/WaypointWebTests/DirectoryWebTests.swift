import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

@Suite("Directory and referral HTTP")
struct DirectoryWebTests {
    @Test("the HSDS API pages services in the standard's wrapper and refuses bad parameters", arguments: Backend.allCases)
    func hsdsAPI(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            let root = try WebHarness.json(try await client.execute(uri: "/hsds", method: .get))
            #expect(root["version"] as? String == "3.0")
            let page = try WebHarness.json(try await client.execute(uri: "/hsds/services?per_page=3&page=2", method: .get))
            // Five national entries and three demo entries.
            #expect(page["total_items"] as? Int == 8 && page["total_pages"] as? Int == 3 && page["page_number"] as? Int == 2)
            #expect((page["contents"] as? [Any])?.count == 3 && page["first_page"] as? Bool == false)
            let searched = try WebHarness.json(try await client.execute(uri: "/hsds/services?search=runaway", method: .get))
            #expect(((searched["contents"] as? [[String: Any]])?.first?["name"] as? String) == "National Runaway Safeline")
            let minors = try #require(DirectoryVocabulary.bundled.term(.population, "minors"))
            let tagged = try WebHarness.json(try await client.execute(uri: "/hsds/services?taxonomy_term_id=\(minors.id)", method: .get))
            #expect(tagged["total_items"] as? Int == 5)
            let bad = try await client.execute(uri: "/hsds/services?per_page=0", method: .get)
            #expect(bad.status == .unprocessableContent && bad.headers[.contentType] == "application/problem+json")
            #expect(try await client.execute(uri: "/hsds/services/no-such-id", method: .get).status == .notFound)
            let all = String(buffer: try await client.execute(uri: "/hsds/services?per_page=100", method: .get).body)
            #expect(!all.contains("Hidden Lane"))
        }
    }

    @Test("a referral sent through the API is answered through its link with no account", arguments: Backend.allCases)
    func referralByLink(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            let auth = try await ScreeningAPITests.bearer(client, "demo-clinician")
            let search = try WebHarness.json(try await client.execute(uri: "/api/v1/directory/search?q=Harbor+Legal", method: .get, headers: auth))
            let service = try #require((search["results"] as? [[String: Any]])?.first?["service_id"] as? String)
            let payload = #"{"alias":"Lupe","needs":["legal-immigration"],"language":"es","do_not_contact":true,"contact_detail":"","safe_times":"","note":""}"#
            let refused = try await client.execute(uri: "/api/v1/referrals", method: .post, headers: auth,
                                                   body: ByteBuffer(string: #"{"service_id":"\#(service)","payload":\#(payload)}"#))
            #expect(refused.status == .unprocessableContent)
            #expect(try WebHarness.json(refused)["field"] as? String == "consent")
            let consent = #"{"method":"written","scope":["needs","language"],"recipient":"Harbor Legal Clinic (demo)","expires_on":"\#(WebHarness.consentExpiry)"}"#
            let created = try await client.execute(uri: "/api/v1/referrals", method: .post, headers: auth,
                                                   body: ByteBuffer(string: #"{"service_id":"\#(service)","consent":\#(consent),"payload":\#(payload)}"#))
            #expect(created.status == .created)
            let body = try WebHarness.json(created)
            let link = try #require(body["receiver_link"] as? String)
            let id = try #require((body["referral"] as? [String: Any])?["id"] as? String)

            // The sender's outbox lists it; nothing is overdue yet, so no overdue warning (not "0").
            var sender = Browser(client)
            _ = try await sender.signIn("demo-clinician")
            let outbox = String(buffer: try await sender.get("/referrals").body)
            #expect(outbox.contains("data-referral=\"\(id)\"") && !outbox.contains("id=\"overdue-count\""))

            var receiver = Browser(client)
            let page = try await receiver.get(link)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("Lupe") && html.contains("id=\"do-accepted\""))
            let accepted = try await receiver.post(link, form: ["status": "accepted"])
            let acceptedPage = String(buffer: accepted.body)
            #expect(acceptedPage.contains("data-status=\"accepted\""))
            // A move without a reason or a note shows neither, not empty brackets.
            #expect(!acceptedPage.contains("()") && !acceptedPage.contains(" — </li>"))
            let skipped = try await receiver.post(link, form: ["status": "closed"])
            #expect(skipped.status == .conflict)

            let fhir = try WebHarness.json(try await client.execute(uri: "/api/v1/referrals/\(id)?format=fhir", method: .get, headers: auth))
            let resources = (fhir["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
            #expect(resources.map { $0["resourceType"] as? String } == ["ServiceRequest", "Task"])
            #expect(resources.last?["status"] as? String == "accepted")
            // A new link voids the old one.
            let reissued = try await client.execute(uri: "/api/v1/referrals/\(id)/link", method: .post, headers: auth)
            #expect(reissued.status == .created)
            let fresh = try #require(try WebHarness.json(reissued)["receiver_link"] as? String)
            #expect(fresh != link)
            let stale = try await receiver.get(link)
            #expect(stale.status == .gone && !String(buffer: stale.body).contains("Lupe"))
            #expect(try await receiver.get(fresh).status == .ok)
            // Withdrawn consent takes effect at once, on every path of the link.
            let cancel = try await client.execute(uri: "/api/v1/referrals/\(id)/events", method: .post, headers: auth,
                                                  body: ByteBuffer(string: #"{"status":"cancelled","reason":"consent_withdrawn"}"#))
            #expect(try WebHarness.json(cancel)["status"] as? String == "cancelled")
            for response in [try await receiver.get(fresh), try await receiver.post(fresh, form: ["status": "in_progress"])] {
                let text = String(buffer: response.body)
                #expect(response.status == .gone)
                #expect(!text.contains("Lupe") && !text.contains("Harbor Legal") && !text.contains("Demo Clinic"))
            }
            #expect(try await client.execute(uri: "/api/v1/referrals/\(id)/link", method: .post, headers: auth).status == .conflict)
            #expect(try await receiver.get(link.replacingOccurrences(of: ".", with: "x")).status == .notFound)
        }
    }

    @Test("searching is a posted form: the words never reach the address bar", arguments: [Backend.sqlite])
    func searchPage(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            _ = try await browser.signIn("demo-clinician")
            let form = try await browser.get("/directory")
            let results = try await browser.post("/directory", form: ["_csrf": Browser.csrf(in: form), "q": "counselling", "zip": "83702",
                                                                     "radius_km": "40", "language": "es", "open_now": "on"])
            let html = String(buffer: results.body)
            #expect(results.status == .ok && html.contains("Casa Puente counselling line (demo)"))
            #expect(html.contains("<title>Find help · Waypoint</title>"))
            let bad = try await browser.post("/directory", form: ["_csrf": Browser.csrf(in: form), "zip": "00000"])
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("not a US ZIP code"))
        }
    }
}
