import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

/// Reads the official HSDS examples by path (never copied into the repository).
enum HSDSExamples {
    static let folder: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/vendor/hsds/examples")
    }()

    static func json() throws -> HSDSReadResult {
        var result = HSDSReadResult()
        for name in ["service_full.json", "organization_full.json", "service_at_location_full.json", "location.json", "taxonomy_term.json", "taxonomy.json"] {
            let data = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent(name).path))
            HSDSReader.readJSON(data, file: name, into: &result)
        }
        return result
    }
}

extension TestStore {
    /// A user with `role` in the fixture's organization, as a tenant context.
    func member(_ org: TenantFixture, role: Role, name: String) async throws -> TenantContext {
        let id = try await store.users.createAsOperator(
            NewUser(username: name, role: role, displayName: name, email: "\(name)@example.invalid", password: TestStore.password),
            orgId: org.orgId, requestId: "test")
        return TenantContext(orgId: org.orgId, userId: id, role: role, requestId: "test-" + name)
    }

    func rowCount() async throws -> Int64 {
        try await store.database.withConnection { db in
            try await db.raw("SELECT COUNT(*) AS n FROM hsds_rows").first()!.decode(column: "n", as: Int64.self)
        }
    }
}

let operatorEvent = AuditEvent(orgId: "system", actorId: "test", action: "", objectType: "", objectId: "", requestId: "test")

@Suite("Directory storage, import and search")
struct DirectoryStoreTests {
    @Test("the official examples import, export and re-import to equal data", arguments: Backend.allCases)
    func roundTrip(backend: Backend) async throws {
        let read = try HSDSExamples.json()
        #expect(read.problems.isEmpty)
        try await TestStore.withStore(backend) { test in
            let summary = try await test.store.directory.importRecords(read, owner: nil, skipInvalid: false, actor: operatorEvent)
            #expect(summary.rowsImported == read.records.count && summary.servicesIndexed == 1)
            let exported = try await test.store.directory.allRecords()
            #expect(exported == read.records)
            // Through the CSV package into a second, empty store.
            var again = HSDSReadResult()
            for (file, text) in HSDSWriter.csvFiles(exported) {
                HSDSReader.readCSV(text, file: file, table: HSDSModel.tables.first { $0.file == file }!.name, into: &again)
            }
            let reread = again
            try await TestStore.withStore(backend) { second in
                _ = try await second.store.directory.importRecords(reread, owner: nil, skipInvalid: false, actor: operatorEvent)
                #expect(try await second.store.directory.allRecords() == read.records)
            }
        }
    }

    @Test("a bad row stops the whole import unless skipped; an unknown term is refused", arguments: Backend.allCases)
    func badRows(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            var read = HSDSReadResult()
            HSDSReader.readCSV("id,name,status\ns1,Shelter,active\ns2,Clinic,open\n", file: "services.csv", table: "service", into: &read)
            await #expect(throws: HSDSImportError.self) {
                try await test.store.directory.importRecords(read, owner: nil, skipInvalid: false, actor: operatorEvent)
            }
            #expect(try await test.rowCount() == 0)
            let summary = try await test.store.directory.importRecords(read, owner: nil, skipInvalid: true, actor: operatorEvent)
            #expect(summary.rowsImported == 1 && summary.skipped.map(\.location) == ["line 3"])
            var tagged = HSDSReadResult()
            HSDSReader.readCSV("id,link_id,taxonomy_term_id\na1,s1,no-such-term\n", file: "attributes.csv", table: "attribute", into: &tagged)
            let error = await #expect(throws: HSDSImportError.self) {
                try await test.store.directory.importRecords(tagged, owner: nil, skipInvalid: false, actor: operatorEvent)
            }
            #expect(error?.problems.first?.description.hasPrefix("attributes.csv, line 2, field taxonomy_term_id: names an unknown taxonomy term") == true)
            #expect(try await test.rowCount() == 1)
        }
    }

    /// The bundled national entries plus the demo organization's fictional local ones.
    static func seeded(_ test: TestStore, owner: String) async throws {
        try await test.store.directory.prepare()
        _ = try await test.store.directory.importRecords(BundledDirectory.read("demo-local"), owner: owner, skipInvalid: false, actor: operatorEvent)
    }

    @Test("search by place, language, facets and open now, read in each service's time zone", arguments: Backend.allCases)
    func search(backend: Backend) async throws {
        let time = ManualClock()  // Friday 2027-01-15 08:00 UTC = 01:00 in Boise
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Directory Clinic")
            try await Self.seeded(test, owner: org.orgId)
            var query = DirectoryQuery()
            query.zip = "83702"
            query.radiusKm = 40
            query.languages = ["spa"]
            query.openNow = true
            let spanish = try await test.store.directory.search(query)
            #expect(spanish.hits.first?.serviceName == "Casa Puente counselling line (demo)")
            #expect(spanish.hits.allSatisfy { $0.languages.contains("es") && $0.openNow })
            #expect(!spanish.hits.contains { $0.serviceName.hasPrefix("Harbor") })  // English only, and closed at night

            var legal = DirectoryQuery()
            legal.zip = "83702"
            legal.serviceTypes = ["legal-immigration"]
            #expect(try await test.store.directory.search(legal).hits.map(\.serviceName) == ["Harbor Legal Clinic (demo)"])
            legal.openNow = true
            #expect(try await test.store.directory.search(legal).hits.isEmpty)
            time.advance(9 * 3600)  // 10:00 on Friday in Boise
            #expect(try await test.store.directory.search(legal).hits.count == 1)
            legal.radiusKm = 10  // Nampa is about 30 km from downtown Boise
            #expect(try await test.store.directory.search(legal).hits.isEmpty)

            var text = DirectoryQuery()
            text.text = "runaway"
            #expect(try await test.store.directory.search(text).hits.map(\.serviceName) == ["National Runaway Safeline"])
            var minors = DirectoryQuery()
            minors.populations = ["minors"]
            minors.twentyFourSeven = true
            let names = try await test.store.directory.search(minors).hits.map(\.serviceName)
            #expect(names.contains("Safe Harbor House (demo)") && !names.contains("Harbor Legal Clinic (demo)"))
            var bad = DirectoryQuery()
            bad.radiusKm = 0
            await #expect(throws: DirectoryError.self) { try await test.store.directory.search(bad) }
        }
    }

    @Test("a confidential address reaches only the owning organization's editors", arguments: Backend.allCases)
    func confidentialAddress(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let owner = try await test.organization("Shelter Network")
            let other = try await test.organization("Other Clinic")
            try await Self.seeded(test, owner: owner.orgId)
            let editor = try await test.member(owner, role: .directoryEditor, name: "shelter-editor")
            let outsider = try await test.member(other, role: .directoryEditor, name: "other-editor")
            var query = DirectoryQuery()
            query.text = "Safe Harbor House"
            let id = try #require(try await test.store.directory.search(query).hits.first?.serviceId)
            let encoded = { (value: JSONValue?) in String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
            #expect(!(try encoded(try await test.store.directory.services([id], viewer: nil).first)).contains("Hidden Lane"))
            #expect(!(try encoded(try await test.store.directory.services([id], viewer: outsider).first)).contains("Hidden Lane"))
            #expect(try encoded(try await test.store.directory.services([id], viewer: editor).first).contains("Hidden Lane"))
            let export = try await test.store.directory.allRecords()
            #expect(!export.rows("address").contains { $0.text("address_1") == "7 Hidden Lane" })
        }
    }

    @Test("a location flagged through one service stays hidden when reached through another service or its organization",
          arguments: Backend.allCases)
    func confidentialLocationReachedTwoWays(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let flag = try #require(DirectoryPrivacy.flagTermId())
            _ = try await test.store.directory.prepare()  // our taxonomy, which holds the flag
            var read = HSDSReadResult()
            read.records.merge("organization", ["id": "org-x", "name": "Two Doors Network", "description": "Support."])
            read.records.merge("location", ["id": "loc-x", "location_type": "physical", "organization_id": "org-x", "name": "House",
                                            "latitude": .decimal(43.61234), "longitude": .decimal(-116.20321)])
            read.records.merge("address", ["id": "addr-x", "location_id": "loc-x", "address_1": "9 Secret Road", "city": "Boise",
                                           "state_province": "ID", "postal_code": "83702", "country": "US", "address_type": "physical"])
            read.records.merge("phone", ["id": "phone-x", "location_id": "loc-x", "number": "208-555-0999"])
            read.records.merge("contact", ["id": "contact-x", "location_id": "loc-x", "name": "Night manager"])
            for (service, name) in [("svc-shelter", "Quiet Shelter"), ("svc-legal", "Walk-in Legal Help")] {
                read.records.merge("service", ["id": .string(service), "organization_id": "org-x", "name": .string(name), "status": "active"])
                read.records.merge("service_at_location", ["id": .string(service + "-site"), "service_id": .string(service), "location_id": "loc-x"])
            }
            // Flagged only through the shelter's site; the legal service reaches the same building unflagged.
            read.records.merge("attribute", ["id": "flag-x", "link_id": "svc-shelter-site", "link_entity": "service_at_location",
                                             "taxonomy_term_id": .string(flag)])
            _ = try await test.store.directory.importRecords(read, owner: nil, skipInvalid: false,
                                                            actor: AuditEvent(orgId: "", actorId: "test", action: "", objectType: "", objectId: "", requestId: "t"))
            let secrets = ["9 Secret Road", "208-555-0999", "Night manager", "43.61234", "-116.20321"]
            func leaked(_ text: String) -> [String] { secrets.filter(text.contains) }
            for service in ["svc-legal", "svc-shelter"] {
                let nested = try #require(try await test.store.directory.services([service], viewer: nil).first)
                #expect(leaked(String(decoding: try JSONEncoder().encode(nested), as: UTF8.self)) == [])
            }
            let export = try await test.store.directory.allRecords()
            #expect(leaked(String(decoding: try JSONEncoder().encode(export.tables), as: UTF8.self)) == [])
            // The search index holds the blurred point for both services' entries, and distances are rounded.
            let points = try await test.store.database.withConnection { db in
                try await db.raw("SELECT latitude, longitude, confidential FROM directory_entries WHERE location_id = 'loc-x'").all().map {
                    (try $0.decode(column: "latitude", as: Double.self), try $0.decode(column: "confidential", as: Int64.self))
                }
            }
            #expect(points.count == 2 && points.allSatisfy { $0.0 == 43.6 && $0.1 == 1 })
            var near = DirectoryQuery()
            near.latitude = 43.6123
            near.longitude = -116.2032
            near.radiusKm = 25
            let hits = try await test.store.directory.search(near).hits.filter { $0.serviceId == "svc-legal" }
            #expect(hits.count == 1 && hits[0].distanceKm == 5)
        }
    }

    @Test("an editor's save replaces the entry: an unticked term is gone from search", arguments: Backend.allCases)
    func editorSave(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Editor Clinic")
            try await test.store.directory.prepare()
            let editor = try await test.member(org, role: .directoryEditor, name: "entry-editor")
            var draft = Self.boiseDraft("Riverside Food Pantry", phone: "208-555-0100", street: "1 River St")
            draft.serviceTypes = ["employment", "education"]
            let id = try await test.store.directory.saveLocalService(draft, in: editor)
            var query = DirectoryQuery()
            query.serviceTypes = ["education"]
            #expect(try await test.store.directory.search(query).hits.map(\.serviceId) == [id])
            draft.serviceId = id
            draft.serviceTypes = ["employment"]
            _ = try await test.store.directory.saveLocalService(draft, in: editor)
            #expect(try await test.store.directory.search(query).hits.isEmpty)
            draft.verifiedOn = "2999-01-01"
            await #expect(throws: DirectoryError.self) { try await test.store.directory.saveLocalService(draft, in: editor) }
            let clinician = try await test.member(org, role: .clinician, name: "not-an-editor")
            await #expect(throws: AccessError.forbidden) { try await test.store.directory.saveLocalService(draft, in: clinician) }
        }
    }

    @Test("words match the start of a word with or without accents, near a place and anywhere; older entries are rebuilt at start-up",
          arguments: Backend.allCases)
    func wordSearch(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Words Clinic")
            try await test.store.directory.prepare()
            let editor = try await test.member(org, role: .directoryEditor, name: "words-editor")
            var draft = Self.boiseDraft("Asesoría Legal del Río", phone: "208-555-0101", street: "2 River St")
            draft.serviceTypes = ["legal-immigration"]
            let id = try await test.store.directory.saveLocalService(draft, in: editor)
            func found(_ text: String, near: Bool) async throws -> Bool {
                var query = DirectoryQuery()
                query.text = text
                if near { query.zip = "83702" }
                return try await test.store.directory.search(query).hits.contains { $0.serviceId == id }
            }
            for near in [true, false] {
                for text in ["asesoria", "ASESORÍA", "Río", "legal ases", "aseso, legal!"] {
                    #expect(try await found(text, near: near), "\(text) near: \(near)")
                }
                for text in ["esoria", "legal zebra", "asesorias"] {
                    #expect(try await !found(text, near: near), "\(text) near: \(near)")
                }
            }

            let searchText = {
                try await test.store.database.withConnection { db in
                    try await db.raw("SELECT search_text FROM directory_entries WHERE service_id = \(bind: id)").first()!
                        .decode(column: "search_text", as: String.self)
                }
            }
            #expect(try await searchText().hasPrefix(" asesoria legal del rio "))
            try await test.store.database.withConnection { db in
                try await db.raw("UPDATE directory_entries SET search_text = 'Asesoría Legal del Río' WHERE service_id = \(bind: id)").run()
            }
            try await test.store.directory.prepare()
            #expect(try await searchText().hasPrefix(" asesoria legal del rio "))
            #expect(try await found("asesoria", near: true))
        }
    }

    /// A local service in downtown Boise, verified this month.
    static func boiseDraft(_ name: String, phone: String, street: String) -> LocalServiceDraft {
        var draft = LocalServiceDraft()
        draft.name = name
        draft.phone = phone
        draft.street = street
        draft.city = "Boise"
        draft.state = "ID"
        draft.postalCode = "83702"
        draft.verifiedOn = "2026-11-01"
        return draft
    }
}
