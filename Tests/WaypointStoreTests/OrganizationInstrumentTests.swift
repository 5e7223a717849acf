import Foundation
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Organizations' own copies of instruments")
struct OrganizationInstrumentTests {
    /// A stand-in for an organization's licensed copy: two yes/no questions (not RAFT's real items).
    static let copy = Data(#"""
        {"resourceType":"Questionnaire","url":"urn:example:licensed-copy","version":"2","title":"Licensed copy","status":"active",
         "item":[{"linkId":"q1","type":"choice","text":"First question?","answerOption":[
                   {"valueCoding":{"system":"http://loinc.org","code":"LA33-6","display":"Yes"}},
                   {"valueCoding":{"system":"http://loinc.org","code":"LA32-8","display":"No"}}]},
                 {"linkId":"q2","type":"boolean","text":"Second question?"}]}
        """#.utf8)

    @Test("an imported copy is checked, audited and available to its organization only", arguments: Backend.allCases)
    func importCopy(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let a = try await test.organization("Licensed Clinic A")
            let b = try await test.organization("Clinic B Without Licence")
            #expect(throws: ScreeningError.self) { try InstrumentCatalog.bundled.questionnaire("raft") }
            // Read (and cached) before the import: the import must still show at once.
            #expect(try await test.store.instruments.catalog(for: a.context).info("raft").isAvailable == false)
            try await test.store.instruments.importCopy(Self.copy, as: "raft", orgId: a.orgId, actorId: a.userId, requestId: "r-import")

            let catalogA = try await test.store.instruments.catalog(for: a.context)
            let raft = try catalogA.info("raft")
            #expect(raft.isAvailable && raft.licence.hasPrefix("Imported by this organization"))
            #expect(try catalogA.questionnaire("raft").questions.map(\.linkId) == ["q1", "q2"])
            #expect(try await test.store.instruments.catalog(for: b.context).info("raft").isAvailable == false)

            // Screening with it goes through the same engine.
            let outcome = try Screener(catalog: catalogA).screen("raft", age: 30, answers: ["q1": .yes, "q2": .no], now: Date(millis: 1_800_000_000_000))
            #expect(outcome.yes == 1 && outcome.result == .positive)
            let second = outcome.response["item"]?.array.first { $0["linkId"]?.string == "q2" }?["answer"]?.array.first
            #expect(second?["valueBoolean"] == .bool(false), "a boolean question is answered true/false")

            let auditor = TenantContext(orgId: a.orgId, userId: a.userId, role: .auditor, requestId: "r")
            #expect(try await test.store.audit.recent(in: auditor).map(\.action).contains("instrument.import"))
        }
    }

    @Test("shipped tools, unknown ids and files the engine refuses are not imported", arguments: [Backend.sqlite])
    func refusals(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let a = try await test.organization("Licensed Clinic C")
            await #expect(throws: InstrumentImportError.notImportable("sscst", importable: ["raft", "tvit-short", "ahtst"])) {
                try await test.store.instruments.importCopy(Self.copy, as: "sscst", orgId: a.orgId, actorId: a.userId, requestId: "r")
            }
            await #expect(throws: InstrumentImportError.self) {
                try await test.store.instruments.importCopy(Data("{\"resourceType\":\"Questionnaire\",".utf8), as: "raft",
                                                            orgId: a.orgId, actorId: a.userId, requestId: "r")
            }
            let freeText = Data(#"{"resourceType":"Questionnaire","item":[{"linkId":"q1","type":"string","text":"Tell me"}]}"#.utf8)
            await #expect(throws: InstrumentImportError.invalid("question q1 is of type string; only choice or boolean questions can be asked here")) {
                try await test.store.instruments.importCopy(freeText, as: "ahtst", orgId: a.orgId, actorId: a.userId, requestId: "r")
            }
            #expect(try await test.store.instruments.catalog(for: a.context).instruments.filter(\.isAvailable).count
                    == InstrumentCatalog.bundled.instruments.filter(\.isAvailable).count, "nothing was stored")
        }
    }
}
