import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

@Suite("Screening pages")
struct ScreeningPageTests {
    static let encounter = ["age": "16", "patient_language": "es", "setting": "ed", "present": "alone", "state": "FL"]

    @Test("questions appear in the patient's language and the result is stored only through a valid form", arguments: Backend.allCases)
    func flow(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            var browser = Browser(client)
            _ = try await browser.signIn("demo-clinician")
            let start = try await browser.get("/screenings/new")
            let prepare = try await browser.post("/screenings/prepare", form: Self.encounter.merging(["_csrf": Browser.csrf(in: start)]) { $1 })
            #expect(String(buffer: prepare.body).contains("Florida Abuse Hotline"))
            var form = Self.encounter.merging(["_csrf": Browser.csrf(in: prepare), "instrument": "sscst"]) { $1 }
            let questions = try await browser.post("/screenings/questions", form: form)
            let html = String(buffer: questions.body)
            #expect(html.contains("¿Alguna vez has consumido alcohol o drogas?"))
            #expect(html.contains(#"lang="es""#))

            form["_csrf"] = "forged"
            form["answer-sscst-1"] = "yes"
            form["idempotency_key"] = "page-1"
            #expect(try await browser.post("/screenings", form: form).status == .forbidden)
            let stored = try await store.database.withConnection { try await $0.raw("SELECT COUNT(*) AS n FROM screenings").first()?.decode(column: "n", as: Int.self) }
            #expect(stored == 0)

            form["_csrf"] = Browser.csrf(in: questions)
            let saved = try await browser.post("/screenings", form: form)
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            // Only the stored record's random id: no age, state or answer rides in the address (a
            // random id may contain "16" by chance, so the check is that it is exactly the id).
            let storedId = try await store.database.withConnection { try await $0.raw("SELECT id FROM screenings").first()?.decode(column: "id", as: String.self) }
            #expect(location == "/screenings/" + (storedId ?? "none"))
            let result = String(buffer: try await browser.get(location).body)
            #expect(result.contains(#"data-result="incomplete""#), "one yes and five unanswered questions cannot be decided")
            #expect(!result.lowercased().contains("traffick"))
            let card = String(buffer: try await browser.get(location + "/card").body)
            #expect(card.contains("Línea de ayuda confidencial") && card.contains("1-800-962-2873"))

            // The code is shown only after the clinician confirms the safety check.
            let page = try await browser.get(location)
            let coding = ["type": "sex", "status": "suspected", "encounter": "initial"]
            let unchecked = String(buffer: try await browser.post(location + "/coding", form: coding.merging(["_csrf": Browser.csrf(in: page)]) { $1 }).body)
            #expect(unchecked.contains("coding-needs-check") && !unchecked.contains("T76.52XA"))
            let checked = String(buffer: try await browser.post(location + "/coding",
                form: coding.merging(["_csrf": Browser.csrf(in: page), "safety_checked": "on"]) { $1 }).body)
            #expect(checked.contains("T76.52XA"), "age 16, suspected, initial encounter")
        }
    }

    @Test("roles without client content cannot open the screening pages", arguments: ["demo-admin", "demo-auditor"])
    func roles(username: String) async throws {
        try await WebHarness.withApp(.sqlite) { client, _ in
            var browser = Browser(client)
            _ = try await browser.signIn(username)
            #expect(try await browser.get("/screenings/new").status == .forbidden)
            #expect(try await browser.get("/screenings").status == .forbidden)
        }
    }
}
