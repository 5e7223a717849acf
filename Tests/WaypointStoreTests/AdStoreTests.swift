import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Ads workbench: imports, families, posters and their matches, notes, retention")
struct AdStoreTests {
    static let plantedPhone = "two one two five five five zero one four four"
    static let plantedNote = "Quokka-Ads-Note-7781"

    static func member(_ test: TestStore, _ org: TenantFixture, _ role: Role) async throws -> TenantContext {
        let name = "\(role.rawValue)-" + String(UUID().uuidString.prefix(6)).lowercased()
        let id = try await test.store.users.createAsOperator(
            NewUser(username: name, role: role, displayName: name, password: TestStore.password), orgId: org.orgId, requestId: "test")
        return TenantContext(orgId: org.orgId, userId: id, role: role, requestId: "test-" + name)
    }

    static func csv(_ ads: [SyntheticAd], extra: [(String, String)] = []) -> Data {
        var text = "id,text,posted_at,location\n"
        for ad in ads {
            CSV.append([ad.id, ad.text, ad.postedAt.formatted(.iso8601), ad.location], to: &text)
            text += "\n"
        }
        for (id, body) in extra { CSV.append([id, body, "2026-05-01", "Tulsa, OK"], to: &text); text += "\n" }
        return Data(text.utf8)
    }

    @Test("an import groups families as the core does, seals what it keeps, and is only for investigators", arguments: Backend.allCases)
    func importAndGroup(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Ads Org")
            let investigator = try await Self.member(test, org, .investigator)
            let ads = SyntheticAdCorpus(count: 400, editRate: 0.02, seed: 4).generate()
            let data = Self.csv(ads, extra: [("planted", "Sweet and discreet, text \(Self.plantedPhone)")])
            for outsider in [org.context, try await Self.member(test, org, .analyst), try await Self.member(test, org, .clinician)] {
                await #expect(throws: AccessError.forbidden) { try await test.store.ads.beginImport(fileName: "ads.csv", in: outsider) }
                await #expect(throws: AccessError.forbidden) { try await test.store.ads.families(in: outsider) }
            }
            let id = try await test.store.ads.beginImport(fileName: "ads.csv", in: investigator)
            let status = try await test.store.ads.runImport(id, source: .data(data, name: "ads.csv"), skipInvalid: false, in: investigator)
            #expect(status.stage == .done && status.total == 401 && status.done == 401 && status.problems.isEmpty)

            // The stored families agree with the truth as well as the core's clustering does.
            let families = try await test.store.ads.families(in: investigator)
            var familyOf: [String: String] = [:]
            for listing in families {
                let family = try await test.store.ads.family(listing.id, in: investigator)
                #expect(family.summary.size == family.ads.count)
                for ad in family.ads { familyOf[ad.externalId] = listing.id }
            }
            let labels = Dictionary(uniqueKeysWithValues: families.enumerated().map { ($0.element.id, $0.offset) })
            let quality = ClusterQuality(predicted: ads.map { familyOf[$0.id].flatMap { labels[$0] } }, truth: ads.map(\.family))
            #expect(quality.precision >= 0.99 && quality.recall >= 0.9, "\(quality)")

            // Importing the same file again adds nothing and keeps every family's id.
            let again = try await test.store.ads.beginImport(fileName: "ads.csv", in: investigator)
            _ = try await test.store.ads.runImport(again, source: .data(data, name: "ads.csv"), skipInvalid: false, in: investigator)
            #expect(Set(try await test.store.ads.families(in: investigator).map(\.id)) == Set(families.map(\.id)))
            let count = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM ads").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(count == 401)

            // Another organization's investigator sees none of it.
            let other = try await Self.member(test, try await test.organization("Other Ads Org"), .investigator)
            await #expect(throws: AccessError.notFound) { try await test.store.ads.family(families[0].id, in: other) }
            #expect(try await test.store.ads.families(in: other).isEmpty)

            // The planted number is nowhere in the clear; its digits are not either.
            let dump = try await test.store.database.withConnection { db in
                try await db.raw("SELECT text_sealed || meta_sealed AS row FROM ads").all()
                    .map { try $0.decode(column: "row", as: String.self) }.joined()
            }
            #expect(!dump.contains("five five") && !dump.contains("2125550144") && !dump.contains("Sweet and discreet"))
        }
    }

    @Test("a file with bad lines imports nothing unless they may be skipped, and names each line", arguments: Backend.allCases)
    func badLines(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Ads Bad Org")
            let investigator = try await Self.member(test, org, .investigator)
            let data = Data("id,text\n1,first\n2,\n3,third \"quoted\" word\n4,fourth\n".utf8)
            let refused = try await test.store.ads.runImport(try await test.store.ads.beginImport(fileName: "bad.csv", in: investigator),
                                                             source: .data(data, name: "bad.csv"), skipInvalid: false, in: investigator)
            #expect(refused.stage == .refused && refused.problems.map(\.line) == [3, 4] && refused.done == 0)
            let skipped = try await test.store.ads.runImport(try await test.store.ads.beginImport(fileName: "bad.csv", in: investigator),
                                                             source: .data(data, name: "bad.csv"), skipInvalid: true, in: investigator)
            #expect(skipped.stage == .done && skipped.done == 2 && skipped.problems.count == 2)
            #expect(try await test.store.ads.imports(in: investigator).count == 2)
        }
    }

    @Test("posters are compared with ads on import; a decision needs a reason; notes are sealed; exports are audited", arguments: Backend.allCases)
    func postersAndMatches(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Ads Poster Org")
            let investigator = try await Self.member(test, org, .investigator)
            let data = Data("""
                id,text,posted_at,location
                a1,"Hi I'm Jessie, 18 yrs, new in town. Ask about my angel tattoo. Call 212-555-0144",2026-05-01,"Tulsa, OK"
                a2,"Hi I'm Jessie, 18 yrs, new in town. Ask about my tattoo. Call 212-555-0144",2026-05-03,"Dallas, TX"
                a3,"I'm Coco, 25 yrs, classy companion. Text 305-555-0190",2026-05-02,Miami

                """.utf8)
            _ = try await test.store.ads.runImport(try await test.store.ads.beginImport(fileName: "ads.csv", in: investigator),
                                                   source: .data(data, name: "ads.csv"), skipInvalid: false, in: investigator)
            let posters = Data("""
                case_number,name,aliases,sex,date_of_birth,age_at_missing,missing_since,height_cm,weight_kg,hair,eyes,marks,city,state
                SYN-1,Jessica Doe,Jess,F,2010-02-01,,2025-09-01,160,50,Brown,Green,tattoo 'Angel' on left wrist,Tulsa,OK
                SYN-2,Maria Roe,,F,,15,2025-01-05,,,,,,Phoenix,AZ

                """.utf8)
            let bad = try await test.store.ads.importPosters(Data("case_number,name\nX,Y\n".utf8), name: "p.csv", in: investigator)
            #expect(bad.imported == 0 && !bad.problems.isEmpty)
            let imported = try await test.store.ads.importPosters(posters, name: "posters.csv", in: investigator)
            #expect(imported.imported == 2 && imported.problems.isEmpty)
            let listed = try await test.store.ads.posters(in: investigator)
            let jessica = try #require(listed.first { $0.poster.caseNumber == "SYN-1" })
            let (_, matches, _) = try await test.store.ads.poster(jessica.id, in: investigator)
            #expect(matches.map(\.ad.externalId) == ["a1", "a2"])
            let best = matches[0]
            #expect(best.match.components.first { $0.kind == .description }?.reason == "mark")
            #expect(best.match.components.first { $0.kind == .name }?.reason == "name-nickname")
            #expect(listed.first { $0.poster.caseNumber == "SYN-2" }?.pending == 0)

            await #expect(throws: AdError.reasonRequired) { try await test.store.ads.decide(best.id, accept: true, reason: "  ", in: investigator) }
            await #expect(throws: AdError.decisionMissing) { try await test.store.ads.decide(best.id, accept: nil, reason: "x", in: investigator) }
            let other = try await Self.member(test, try await test.organization("Other Poster Org"), .investigator)
            await #expect(throws: AccessError.notFound) { try await test.store.ads.decide(best.id, accept: true, reason: "same tattoo", in: other) }
            _ = try await test.store.ads.decide(best.id, accept: true, reason: "same tattoo text and age", in: investigator)
            // A decided match stays decided when posters are compared again.
            _ = try await test.store.ads.importPosters(posters, name: "posters.csv", in: investigator)
            let after = try await test.store.ads.poster(jessica.id, in: investigator).matches
            #expect(after.first { $0.id == best.id }?.status == .accepted && after.first { $0.id == best.id }?.reason == "same tattoo text and age")

            let family = try #require(try await test.store.ads.families(in: investigator).first)
            try await test.store.ads.addNote(Self.plantedNote, on: "family", family.id, in: investigator)
            await #expect(throws: AdError.noteEmpty) { try await test.store.ads.addNote(" ", on: "family", family.id, in: investigator) }
            await #expect(throws: AccessError.notFound) { try await test.store.ads.addNote("x", on: "family", family.id, in: other) }
            let package = try await test.store.ads.leadPackage(family.id, in: investigator)
            #expect(package.notes.map(\.text) == [Self.plantedNote])
            #expect(Set(package.ads.map(\.externalId)) == ["a1", "a2"])
            #expect(package.summary.sharedIdentifiers.map(\.value) == ["phone:+12125550144"])
            #expect(package.links.count == 1)
            let actions = try await test.store.database.withConnection { db in
                try await db.raw("SELECT action FROM audit_log WHERE org_id = \(bind: org.orgId)").all().map { try $0.decode(column: "action", as: String.self) }
            }
            // (Grouping is audited too, through the queue long transactions use on PostgreSQL.)
            for action in ["ads.import.done", "ads.poster.add", "ads.match.accepted", "ads.note.add", "ads.lead_package.export", "ads.family.read"] {
                #expect(actions.contains(action), "\(action)")
            }
            let notes = try await test.store.database.withConnection { db in
                try await db.raw("SELECT note_sealed FROM ad_notes").all().map { try $0.decode(column: "note_sealed", as: String.self) }
            }
            #expect(!notes.joined().contains("Quokka"))
        }
    }

    @Test("ads, posters and notes older than the organization's retention are removed", arguments: Backend.allCases)
    func retention(backend: Backend) async throws {
        let clock = ManualClock()
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let org = try await test.organization("Ads Retention Org")
            let investigator = try await Self.member(test, org, .investigator)
            let data = Self.csv(SyntheticAdCorpus(count: 60, seed: 2).generate())
            _ = try await test.store.ads.runImport(try await test.store.ads.beginImport(fileName: "a.csv", in: investigator),
                                                   source: .data(data, name: "a.csv"), skipInvalid: false, in: investigator)
            #expect(try await test.store.ads.purgeExpired() == 0)
            try await test.sql("UPDATE organizations SET ads_retention_days = 30")
            clock.advance(31 * 86_400)
            #expect(try await test.store.ads.purgeExpired() == 60)
            #expect(try await test.store.ads.families(in: investigator).isEmpty)
        }
    }
}
