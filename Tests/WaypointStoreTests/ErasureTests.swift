import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

/// Erasure as the features' client data maps say it, and a schema that cannot grow an unmapped place.
@Suite("Erasure from the client data map")
struct ErasureTests {
    /// Every table and column of the live schema.
    static func columns(_ test: TestStore) async throws -> [String: Set<String>] {
        try await test.store.database.withConnection { db in
            let query: SQLQueryString = test.store.database.kind == .sqlite
                ? "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
                : "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            var tables: [String: Set<String>] = [:]
            for row in try await db.raw(query).all() {
                tables[try row.decode(column: "table_name", as: String.self), default: []].insert(try row.decode(column: "column_name", as: String.self))
            }
            return tables
        }
    }

    @Test("every table that names a client, a screening or a caller is mapped or exempted with a reason; every mapped column exists",
          arguments: Backend.allCases)
    func schemaIsMapped(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let tables = try await Self.columns(test)
            let mapped = Set(ClientDataMap.all.map(\.table))
            for (table, columns) in tables where !columns.isDisjoint(with: ClientDataMap.linkColumns) {
                #expect(mapped.contains(table) || ClientDataMap.exempt[table] != nil,
                        "\(table) names a client, screening or caller (\(columns.intersection(ClientDataMap.linkColumns).sorted())) and no feature maps it")
            }
            for place in ClientDataMap.all {
                let columns = try #require(tables[place.table], "\(place.table) is mapped but does not exist")
                var named = Set(place.clientColumns)
                if case .blank(let blanked) = place.erasure { named.formUnion(blanked.keys) }
                #expect(named.isSubset(of: columns), "\(place.table): no column \(named.subtracting(columns).sorted())")
            }
            for table in ClientDataMap.exempt.keys { #expect(tables[table] != nil, "\(table) is exempted but does not exist") }
        }
    }

    @Test("a purge leaves each mapped place as its map says, and nothing planted in the case can be read back",
          arguments: Backend.allCases)
    func purgeFollowsTheMap(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            try await DirectoryStoreTests.seeded(test, owner: staff.org.orgId)
            let service = try await ReferralStoreTests.casaPuente(test)
            let advocate = try await test.member(staff.org, role: .advocate, name: "erasure-advocate")
            let planted = "Quokka-Planted-4471"
            // A person from the line, with something in every part of a case.
            let contact = try await test.store.crisis.log(
                NewCrisisContact(channel: .call, callerRole: .person, concerns: [.labor], language: "es", danger: false, outcome: [.information],
                                 codeWord: "kestrel-9", note: planted + "-line"), in: advocate)
            let clientId = try await test.store.crisis.convert(contact.id, CrisisConversion(consent: true, alias: planted + "-alias",
                                                                                            caseManagerId: staff.manager.userId, foreignNational: true),
                                                              in: advocate)
            let cases = test.store.cases
            _ = try await cases.addNote(NewNote(text: planted + "-note"), to: clientId, in: staff.manager)
            _ = try await cases.addGoal(NewGoal(domain: .housing, text: planted + "-goal", steps: [], targetDate: "2027-06-30"), to: clientId, in: staff.manager)
            _ = try await cases.addTask(NewTask(title: planted + "-task", due: "2027-02-01"), to: clientId, in: staff.manager)
            _ = try await cases.addAssessment(NewAssessment(levels: ["housing": 1]), to: clientId, in: staff.manager)
            _ = try await cases.addService(NewService(type: .transport, units: 1), to: clientId, in: staff.manager)
            _ = try await test.store.eligibility.create(NewEligibility(kind: .tVisa), for: clientId, in: staff.manager)
            _ = try await test.store.clients.revealIdentity(clientId, reason: planted + "-reason", in: staff.manager)
            _ = try await test.store.clients.updateReporting(clientId, ClientReporting(program: "Outreach", exploitation: .labor),
                                                             expectedVersion: nil, in: staff.manager)
            let consent = try await test.store.consents.create(
                NewConsent(purpose: planted + "-purpose", recipientServiceId: service, categories: [.needs], method: .written, givenBy: .client,
                           expiresOn: "2027-01-30"), for: clientId, in: staff.manager)
            let (referral, link) = try await test.store.referrals.createFromCase(
                clientId, serviceId: service, consentId: consent.id,
                payload: ReferralPayload(alias: "", needs: ["mental-health"], language: "", doNotContact: true, contactMethod: nil, note: planted + "-payload"),
                in: staff.manager)
            _ = try await test.store.oversight.breakGlass(clientId, reason: planted + "-glass", in: staff.otherSupervisor)
            _ = try await test.store.reports.refresh(orgId: staff.org.orgId)
            let before = try await Self.rows(test, clientId)
            let untouched = Set(before.filter { $0.value == 0 }.keys)
            // Places this case has nothing in (no money spent past a limit, no housing): everything else holds a row to erase.
            #expect(untouched.isSubset(of: ["fund_overrides", "housing_stays", "transport_vouchers", "client_closures", "client_screenings"]),
                    "the case touched too few places to test the map: \(before)")

            _ = try await test.store.oversight.purge(clientId, reason: "asked to be forgotten", in: staff.supervisor)

            // Each place as its map says.
            try await test.store.database.withConnection { db in
                for place in ClientDataMap.all {
                    let match = SQLList(place.clientColumns.map { "\(unsafeRaw: $0) = \(bind: clientId)" as SQLQueryString }, separator: SQLRaw(" OR "))
                    let rows = try await db.raw("SELECT * FROM \(unsafeRaw: place.table) WHERE \(match)").all()
                    switch place.erasure {
                    case .deleteRows:
                        #expect(rows.isEmpty, "\(place.table) kept \(rows.count) rows")
                    case .blank(let columns):
                        for row in rows {
                            for (column, value) in columns {
                                switch value {
                                case .empty: #expect(try row.decode(column: column, as: String?.self) == "", "\(place.table).\(column) not emptied")
                                case .null: #expect(try row.decode(column: column, as: String?.self) == nil, "\(place.table).\(column) not cleared")
                                case .now, .text: break
                                }
                            }
                        }
                    }
                }
            }
            // Nothing planted reads back through the store, the receiver's link or the line.
            await #expect(throws: AccessError.notFound) { try await test.store.clients.find(clientId, in: staff.manager) }
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: link) }
            await #expect(throws: AccessError.notFound) { try await test.store.referrals.find(referral.id, in: staff.manager) }
            let line = try await test.store.crisis.find(contact.id, in: advocate)
            #expect(line.note == "" && line.clientId == nil && !String(describing: line).contains(planted))
            let facts = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM report_facts WHERE person = \(bind: clientId)").first()!.decode(column: "n", as: Int64.self)
            }
            _ = try await test.store.reports.refresh(orgId: staff.org.orgId)
            let refreshed = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM report_facts WHERE person = \(bind: clientId)").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(facts == 0 && refreshed == 0)
            if case .sqlite(let path) = test.location {
                for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
                    #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data(planted.utf8)) == nil, "\(planted) found in \(file)")
                }
            }
            guard case .intact = try await test.store.audit.verify() else { Issue.record("the audit chain is broken"); return }
        }
    }

    /// How many rows each mapped place holds for the client.
    static func rows(_ test: TestStore, _ clientId: String) async throws -> [String: Int64] {
        try await test.store.database.withConnection { db in
            var counts: [String: Int64] = [:]
            for place in ClientDataMap.all {
                let match = SQLList(place.clientColumns.map { "\(unsafeRaw: $0) = \(bind: clientId)" as SQLQueryString }, separator: SQLRaw(" OR "))
                counts[place.table] = try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: place.table) WHERE \(match)").first()!
                    .decode(column: "n", as: Int64.self)
            }
            return counts
        }
    }
}
