import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Reports: the de-identified dataset, its refresh and suppressed tables")
struct ReportStoreTests {
    static func analyst(_ test: TestStore, _ staff: CaseStoreTests.Staff) async throws -> TenantContext {
        let id = try await test.store.users.createAsOperator(
            NewUser(username: "analyst-" + UUID().uuidString.prefix(6).lowercased(), role: .analyst, displayName: "A", password: TestStore.password),
            orgId: staff.org.orgId, requestId: "r")
        return TenantContext(orgId: staff.org.orgId, userId: id, role: .analyst, requestId: "r")
    }

    /// A store with case staff and an analyst in one organization, on the manual clock given.
    static func withStaff(_ backend: Backend, clock: ManualClock = ManualClock(),
                          _ body: @Sendable (TestStore, CaseStoreTests.Staff, TenantContext) async throws -> Void) async throws {
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            // The programs these tests record, as the organization's administrator keeps them.
            let admin = try await test.member(staff.org, role: .admin, name: "report-admin-" + UUID().uuidString.prefix(6).lowercased())
            for program in ["Youth", "Adults", "Harbor", "Lighthouse"] { _ = try await test.store.lists.add(program, to: .program, in: admin) }
            try await body(test, staff, try await analyst(test, staff))
        }
    }

    static func table(_ test: TestStore, _ id: String, _ query: [String: String] = [:], as analyst: TenantContext) async throws -> ReportTable {
        let request = try ReportRequest(try ReportCatalog.definition(id), query: query, today: test.store.clients.today())
        return ReportRules.table(request, counts: try await test.store.reports.counts(request, in: analyst), policy: SuppressionPolicy(), language: .en)
    }

    @Test("people served, exploitation type and services are counted from the records; a count under 11 never leaves, nor one that would give it away; only analysts and admins read them",
          arguments: Backend.allCases)
    func countsAndSuppression(backend: Backend) async throws {
        let clock = ManualClock()
        try await Self.withStaff(backend, clock: clock) { test, staff, analyst in
            var clients: [ClientRecord] = []
            for n in 0..<12 {
                clients.append(try await test.store.clients.create(
                    NewClient(alias: "Youth \(n)", phase: .survive, flags: ClientFlags(minor: true),
                              reporting: ClientReporting(program: "Youth", exploitation: .sex, firstExploitedAge: "15_17")), in: staff.manager))
            }
            let adult = try await test.store.clients.create(NewClient(alias: "Adult", phase: .survive), in: staff.manager)
            _ = try await test.store.clients.updateReporting(adult.id, ClientReporting(program: "Adults", exploitation: .labor, firstExploitedAge: "25_plus"),
                                                             expectedVersion: nil, in: staff.manager)
            for client in clients { _ = try await test.store.cases.addService(NewService(type: .caseManagement, units: 2), to: client.id, in: staff.manager) }
            _ = try await test.store.cases.addService(NewService(type: .legal, units: 3), to: adult.id, in: staff.manager)

            let served = try await Self.table(test, "people-served", as: analyst)
            #expect(served.total.text == "13" && served.rows.map(\.key) == ["new", "continuing"])
            #expect(served.cells[0].map(\.text) == ["0", "13", "0"], "every client is new, in the survive phase")

            // 12 sexual exploitation (minors), 1 labor (adult): the 1 is withheld, and so is the 12 that the total 13 would give it away by.
            let types = try await Self.table(test, "exploitation-type", as: analyst)
            #expect(types.cells[1][1].mark == .small && types.cells[1][1].text == "<11")
            #expect(types.cells[0][0].mark.isWithheld, "the 12 beside a total of 13 is withheld too")
            #expect(types.total.text == "13")
            let shownNumbers = (types.cells.joined() + (types.rowTotals ?? []) + (types.columnTotals ?? [])).compactMap(\.value)
            #expect(!shownNumbers.contains(1) && !shownNumbers.contains(12))

            // Units of service: the legal line (one person) is withheld even though it counts 3 units, and
            // the case-management line with it (13 people in all would give the one away); the total shows.
            let units = try await Self.table(test, "service-units", as: analyst)
            let legal = try #require(units.rows.firstIndex { $0.key == "legal" })
            let management = try #require(units.rows.firstIndex { $0.key == "case_management" })
            #expect(units.rowTotals?[legal].mark == .small && units.rowTotals?[management].mark == .complementary)
            #expect(units.total.text == "27" && units.columnTotals?[1].text == "27")
            #expect(!(units.cells.joined() + (units.rowTotals ?? [])).contains { $0.value == 3 || $0.value == 24 })

            // A filter naming one program still gets suppressed cells, never the count.
            let adults = try await Self.table(test, "first-exploitation-age", ["program": "Adults"], as: analyst)
            #expect(adults.total.text == "<11" && adults.cells.joined().allSatisfy { $0.text == "0" || $0.mark.isWithheld })

            // Differencing two reports of the period: 13 people served in all, so the Youth program's 12
            // (shown in a report filtered to it) would give away the Adults program's 1. Every report of
            // the period withholds the program totals, filtered or not.
            let youth = try await Self.table(test, "exploitation-type", ["program": "Youth"], as: analyst)
            #expect(youth.total.mark.isWithheld, "the filtered report's total is the Youth program's count")
            #expect(!(youth.cells.joined() + (youth.rowTotals ?? []) + (youth.columnTotals ?? []) + [youth.total]).contains { $0.value == 12 })
            let youthAges = try await Self.table(test, "first-exploitation-age", ["program": "Youth"], as: analyst)
            #expect(youthAges.total.mark.isWithheld && !youthAges.cells.joined().contains { $0.value == 12 })
            let byProgram = try await Self.table(test, "people-served", ["by": "program"], as: analyst)
            #expect(byProgram.cells.joined().allSatisfy(\.mark.isWithheld) && byProgram.total.text == "13")
            // Where counts do not add up (a person under each service type), only the groupings on offer.
            #expect(throws: ReportError.notOffered("month")) {
                try ReportRequest(try ReportCatalog.definition("services-by-type"), query: ["by": "month"], today: "2026-11-30")
            }
            #expect(throws: ReportError.notOffered("month,funding")) {
                try ReportRequest(try ReportCatalog.definition("services-by-type"), query: ["by": "month,funding"], today: "2026-11-30")
            }

            // A report with nothing in the period (no course completed): no rows and a zero total.
            let training = try await Self.table(test, "training-completions", as: analyst)
            #expect(training.rows.isEmpty && training.cells.isEmpty && training.total.text == "0")

            await #expect(throws: AccessError.forbidden) { try await Self.table(test, "people-served", as: staff.manager) }
            await #expect(throws: AccessError.forbidden) { try await Self.table(test, "people-served", as: staff.clinician) }
            #expect(throws: ReportError.unknownDimension("nope")) {
                try ReportRequest(try ReportCatalog.definition("people-served"), query: ["by": "nope"], today: "2026-11-30")
            }
            #expect(throws: ReportError.unknownMeasure("minutes")) {
                try ReportRequest(try ReportCatalog.definition("people-served"), query: ["measure": "minutes"], today: "2026-11-30")
            }
            #expect(throws: ReportError.unknownFilter("site")) {
                try ReportRequest(try ReportCatalog.definition("people-served"), query: ["site": "ed"], today: "2026-11-30")
            }
            #expect(throws: ReportError.invalidPeriod("to")) {
                try ReportRequest(try ReportCatalog.definition("people-served"), query: ["from": "2026-05-01", "to": "2026-04-01"], today: "2026-11-30")
            }
            // Every read of a report is audited, by its id; the dataset holds no alias.
            let audited = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'report.read' AND object_id = 'exploitation-type'").first()!
                    .decode(column: "n", as: Int64.self)
            }
            #expect(audited == 2, "the report unfiltered and filtered to one program")
            let aliases = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM report_facts WHERE person LIKE '%Youth%' OR program LIKE '%Youth 1%'").first()!
                    .decode(column: "n", as: Int64.self)
            }
            #expect(aliases == 0)
        }
    }

    @Test("youth exits' HMIS R15/R16 answers are counted by element and answer from answers kept apart under keyed digests, and screenings stored before are caught up at start-up",
          arguments: Backend.allCases)
    func hmisExits(backend: Backend) async throws {
        let clock = ManualClock()
        try await Self.withStaff(backend, clock: clock) { test, staff, analyst in
            let routes = try await test.store.jurisdictions.table(for: staff.clinician)
            func exit(_ answers: [String: ScreenAnswer], key: String) async throws -> String {
                let submission = ScreeningSubmission(
                    instrument: ExitElements.instrument, encounter: try Encounter(age: 17, language: nil, setting: "shelter", companionPresent: false, state: "NJ", routes: routes),
                    answers: .keyed(answers), idempotencyKey: key)
                return try await test.store.screenings.save(try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: test.store.clock.now()),
                                                            in: staff.clinician).record.id
            }
            // 12 youth said no to both; 3 said yes to R15.1 (then no to the follow-ups, or would not say).
            var ids: [String] = []
            for n in 0..<12 { ids.append(try await exit(["ExchangeForSex": .no, "WorkplaceViolenceThreats": .no, "WorkplacePromiseDifference": .no], key: "x-\(n)")) }
            for n in 0..<3 {
                ids.append(try await exit(["ExchangeForSex": .yes, "ExchangeForSexPastThreeMonths": .no, "CountOfExchangeForSex": .option("1"),
                                           "AskedOrForcedToExchangeForSex": n == 0 ? .declined : .no, "WorkplaceViolenceThreats": .no,
                                           "WorkplacePromiseDifference": .no], key: "y-\(n)"))
            }
            let table = try await Self.table(test, "hmis-youth-exits", as: analyst)
            #expect(table.rows.map(\.key) == ExitElements.elements && table.columns.map(\.key) == ExitElements.responses)
            let first = table.cells[0]  // R15.1: 3 yes (small, withheld), 12 no — withheld too, or the 15 asked would give the 3 away
            #expect(first[0].mark == .small && first[1].mark.isWithheld && table.rowTotals?[0].text == "15")
            #expect(table.rowTotals?[4].text == "15" && table.cells[4][1].text == "15", "R16.1: all 15 said no")
            #expect(table.cells[1].allSatisfy { $0.text == "0" || $0.mark == .small }, "R15.A was asked of the 3 only")
            let published: [ReportTable.Cell] = Array(table.cells.joined()) + (table.rowTotals ?? []) + (table.columnTotals ?? [])
            let smallShown = published.compactMap(\.value).filter { (1...10).contains(Int($0)) }
            #expect(smallShown.isEmpty)

            // Nothing kept apart names the screening or its time: digests and the day only.
            let kept = try await test.store.database.withConnection { db in
                try await db.raw("SELECT id, person, day FROM report_answers WHERE org_id = \(bind: staff.org.orgId)").all()
            }
            #expect(kept.count == 51, "one row per element asked: 12 youth × 3, 3 youth × 5 (R15.B is not counted)")
            for row in kept {
                let (id, person) = (try row.decode(column: "id", as: String.self), try row.decode(column: "person", as: String.self))
                #expect(!ids.contains { id.contains($0) || person.contains($0) })
            }

            // Screenings of the form stored before answers were kept are caught up at start-up.
            try await test.store.database.withConnection { db in
                try await db.raw("DELETE FROM report_answers").run()
                try await db.raw("UPDATE screenings SET answers_kept = 0").run()
            }
            try await test.store.screenings.backfillReportingColumns()
            let again = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM report_answers").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(again == Int64(kept.count))
        }
    }

    @Test("training compliance is counted as of today by requirement and status, suppressed like every report", arguments: Backend.allCases)
    func trainingCompliance(backend: Backend) async throws {
        try await Self.withStaff(backend) { test, staff, analyst in
            let trainer = try await test.store.users.createAsOperator(
                NewUser(username: "r-trainer", role: .trainer, displayName: "T", password: TestStore.password), orgId: staff.org.orgId, requestId: "r")
            let trainerContext = TenantContext(orgId: staff.org.orgId, userId: trainer, role: .trainer, requestId: "r")
            let today = test.store.clients.today()
            // Fourteen Texas social workers whose license renewed five days ago (overdue), one Florida nurse (never started).
            for n in 0..<14 {
                let id = try await test.store.users.createAsOperator(
                    NewUser(username: "sw-\(n)", role: .caseManager, displayName: "S\(n)", password: TestStore.password), orgId: staff.org.orgId, requestId: "r")
                try await test.store.compliance.setProfile(TrainingProfile(states: ["TX"], licenseType: "social_worker",
                                                                            licenseRenewalOn: CaseloadPolicy.day(today, plus: -5)), of: id, in: trainerContext)
            }
            try await test.store.compliance.setProfile(TrainingProfile(states: ["FL"], licenseType: "nurse", licenseRenewalOn: CaseloadPolicy.day(today, plus: 90)),
                                                       of: staff.clinician.userId, in: trainerContext)
            let table = try await Self.table(test, "training-compliance", as: analyst)
            let texas = try #require(table.rows.firstIndex { $0.key == "tx-practitioners" })
            let florida = try #require(table.rows.firstIndex { $0.key == "fl-nurses" })
            #expect(table.columns.map(\.key) == ["met", "due", "overdue", "never_started"])
            #expect(table.cells[florida][3].mark == .small, "one nurse never started: withheld")
            #expect(table.cells[texas][2].mark.isWithheld && table.total.text == "15", "the 14 would give the 1 away from the total")
            let shown = (Array(table.cells.joined()) + (table.rowTotals ?? []) + (table.columnTotals ?? [])).compactMap(\.value)
            #expect(!shown.contains { (1...10).contains(Int($0)) })
        }
    }

    @Test("an administrator adds the organization's own definitions from a file: checked like the shipped ones, all or none, served beside them to that organization only",
          arguments: Backend.allCases)
    func ownDefinitions(backend: Backend) async throws {
        try await Self.withStaff(backend) { test, staff, analyst in
            let adminId = try await test.store.users.createAsOperator(
                NewUser(username: "r-admin", role: .admin, displayName: "A", password: TestStore.password), orgId: staff.org.orgId, requestId: "r")
            let admin = TenantContext(orgId: staff.org.orgId, userId: adminId, role: .admin, requestId: "r")
            func definition(_ id: String, source: String = "clients", rows: String = "nationality", columns: String? = "age_group") -> [String: Any] {
                var value: [String: Any] = ["id": id, "title": ["en": "Served by origin", "es": "Atendidas por origen"],
                                            "description": ["en": "Mine", "es": "Mío"], "source": source, "rows": rows, "measure": "people",
                                            "chart": "bar", "citations": ["Our board's request, 2026"]]
                if let columns { value["columns"] = columns }
                return value
            }
            func file(_ definitions: [[String: Any]]) throws -> Data { try JSONSerialization.data(withJSONObject: definitions) }

            // One wrong definition in the file: named, and the good one beside it is not added either.
            await #expect(throws: ReportError.invalidDefinition(id: "by-month", reason: "groups by month, which services does not offer")) {
                try await test.store.reportDefinitions.importFile(try file([definition("origin"), definition("by-month", source: "services", rows: "month", columns: nil)]),
                                                                  in: admin)
            }
            await #expect(throws: ReportError.invalidDefinition(id: "people-served", reason: "has the id of a shipped report")) {
                try await test.store.reportDefinitions.importFile(try file([definition("people-served")]), in: admin)
            }
            await #expect(throws: ReportError.self) { try await test.store.reportDefinitions.importFile(Data("{not json".utf8), in: admin) }
            await #expect(throws: AccessError.forbidden) { try await test.store.reportDefinitions.importFile(try file([definition("origin")]), in: analyst) }
            #expect(try await test.store.reportDefinitions.all(in: analyst).count == ReportCatalog.shipped.count)

            let added = try await test.store.reportDefinitions.importFile(try file([definition("origin")]), in: admin)
            #expect(added.map(\.id) == ["origin"])
            let all = try await test.store.reportDefinitions.all(in: analyst)
            #expect(all.count == ReportCatalog.shipped.count + 1 && all.last?.id == "origin")
            // Served like any report: the same suppression, counted from the dataset.
            for n in 0..<12 { _ = try await test.store.clients.create(NewClient(alias: "O\(n)", phase: .survive), in: staff.manager) }
            let definition = try await test.store.reportDefinitions.definition("origin", in: analyst)
            let request = try ReportRequest(definition, query: [:], today: test.store.clients.today())
            let table = ReportRules.table(request, counts: try await test.store.reports.counts(request, in: analyst), policy: SuppressionPolicy(), language: .en)
            #expect(table.total.text == "12" && table.title == "Served by origin")
            // Another organization does not see it.
            let other = try await test.organization("Other Org")
            let otherAnalyst = TenantContext(orgId: other.orgId, userId: try await test.store.users.createAsOperator(
                NewUser(username: "o-analyst", role: .analyst, displayName: "O", password: TestStore.password), orgId: other.orgId, requestId: "r"),
                role: .analyst, requestId: "r")
            await #expect(throws: ReportError.unknownReport) { try await test.store.reportDefinitions.definition("origin", in: otherAnalyst) }
        }
    }

    @Test("screening reports add up daily counts that stay equal to the screenings they count as screenings are added", arguments: Backend.allCases)
    func dailyCounts(backend: Backend) async throws {
        let clock = ManualClock()
        try await Self.withStaff(backend, clock: clock) { test, staff, analyst in
            let routes = try await test.store.jurisdictions.table(for: staff.clinician)
            func screen(_ n: Int, positive: Bool) async throws {
                let submission = ScreeningSubmission(
                    instrument: "sscst", encounter: try Encounter(age: 16, language: nil, setting: "ed", companionPresent: false, state: "NJ", routes: routes),
                    answers: .keyed(["sscst-1": positive ? .yes : .no, "sscst-2": positive ? .yes : .no, "sscst-3": .no, "sscst-4": .no, "sscst-5": .no,
                                     "sscst-6": .no]), idempotencyKey: "d-\(n)")
                _ = try await test.store.screenings.save(try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: test.store.clock.now()),
                                                         in: staff.clinician)
            }
            for n in 0..<14 { try await screen(n, positive: false) }
            clock.advance(86_400)
            for n in 14..<26 { try await screen(n, positive: n < 26) }
            func daily() async throws -> Int64 {
                try await test.store.database.withConnection { db in
                    try await db.raw("SELECT CAST(SUM(n) AS BIGINT) AS n FROM report_daily WHERE org_id = \(bind: staff.org.orgId) AND source = 'screenings'").first()!
                        .decode(column: "n", as: Int64?.self) ?? 0
                }
            }
            let month = ["from": CaseloadPolicy.day(test.store.clients.today(), plus: -30), "to": CaseloadPolicy.day(test.store.clients.today(), plus: 2)]
            var table = try await Self.table(test, "screening-results", month, as: analyst)
            #expect(table.total.text == "26")
            let sscst = try #require(table.rows.firstIndex { $0.key == "sscst" })
            #expect(table.cells[sscst].map(\.text) == ["12", "14", "0", "0"], "positive, negative: from the daily counts")
            #expect(try await daily() == 26)
            // Two days, each counted once; a third day's screenings are added to it alone.
            clock.advance(86_400)
            for n in 26..<40 { try await screen(n, positive: false) }
            table = try await Self.table(test, "screening-results", month, as: analyst)
            #expect(table.cells[sscst].map(\.text) == ["12", "28", "0", "0"] && table.total.text == "40")
            #expect(try await daily() == 40)
            let days = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(DISTINCT day) AS n FROM report_daily WHERE org_id = \(bind: staff.org.orgId)").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(days == 3)
        }
    }

    @Test("people under each service type are counted once, whether or not someone changed program in the period (the cheaper count is used only when no one did)",
          arguments: Backend.allCases)
    func servicesAcrossPrograms(backend: Backend) async throws {
        let clock = ManualClock()
        try await Self.withStaff(backend, clock: clock) { test, staff, analyst in
            var clients: [ClientRecord] = []
            for n in 0..<14 {
                clients.append(try await test.store.clients.create(NewClient(alias: "T\(n)", phase: .survive, reporting: ClientReporting(program: "Harbor")),
                                                                   in: staff.manager))
                _ = try await test.store.cases.addService(NewService(type: .transport), to: clients[n].id, in: staff.manager)
            }
            func transport(_ query: [String: String] = [:]) async throws -> [String] {
                let table = try await Self.table(test, "services-by-type", query, as: analyst)
                let row = try #require(table.rows.firstIndex { $0.key == "transport" })
                return table.cells[row].map(\.text)
            }
            #expect(try await transport() == ["14"])
            // One client moves to another program and is served again: still one person under transport.
            // (Refreshed past the overlap first, so the earlier service keeps the program it was given under.)
            clock.advance(600)
            _ = try await test.store.reports.refresh(orgId: staff.org.orgId)
            clock.advance(600)
            _ = try await test.store.clients.updateReporting(clients[0].id, ClientReporting(program: "Lighthouse"), expectedVersion: nil, in: staff.manager)
            _ = try await test.store.reports.refresh(orgId: staff.org.orgId)
            clock.advance(600)
            _ = try await test.store.cases.addService(NewService(type: .transport), to: clients[0].id, in: staff.manager)
            #expect(try await transport() == ["14"], "counted once, not once per program")
            let both = try await Self.table(test, "services-by-type", ["by": "service_type,program"], as: analyst)
            #expect(both.columns.map(\.key) == ["Harbor", "Lighthouse"] && both.total.mark.isWithheld == false && both.total.text == "15",
                    "under each program they were served in: the rows add programs")
        }
    }

    @Test("the dataset is refreshed incrementally: a later refresh reads only what changed since the last one", arguments: Backend.allCases)
    func incrementalRefresh(backend: Backend) async throws {
        let clock = ManualClock()
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            var clients: [ClientRecord] = []
            for n in 0..<15 { clients.append(try await test.store.clients.create(NewClient(alias: "P\(n)", phase: .prevent), in: staff.manager)) }
            let first = try await test.store.reports.refresh(orgId: staff.org.orgId)
            #expect(first == 15)
            let version = try await test.store.reports.version(orgId: staff.org.orgId)
            #expect(version == 1)
            // Within the overlap (a minute) the 15 clients are read again, unchanged: no row and no version moves.
            clock.advance(30)
            #expect(try await test.store.reports.refresh(orgId: staff.org.orgId) == 0, "re-read in the overlap, unchanged")
            clock.advance(3_600)
            #expect(try await test.store.reports.refresh(orgId: staff.org.orgId) == 0, "nothing changed: nothing read")
            #expect(try await test.store.reports.version(orgId: staff.org.orgId) == version)

            // A report asked again is the same; after a new service the next one counts it (the version moved).
            let analyst = try await Self.analyst(test, staff)
            let before = try await Self.table(test, "services-by-type", as: analyst)
            #expect(try await Self.table(test, "services-by-type", as: analyst) == before)
            #expect(before.total.text == "0")
            _ = try await test.store.cases.addService(NewService(type: .transport), to: clients[0].id, in: staff.manager)
            for client in clients[1...12] { _ = try await test.store.cases.addService(NewService(type: .transport), to: client.id, in: staff.manager) }
            let after = try await Self.table(test, "services-by-type", as: analyst)
            #expect(after.total.text == "13", "the cached counts were not served after the dataset changed")
            #expect(try await test.store.reports.version(orgId: staff.org.orgId) == version + 1)
            _ = try await test.store.cases.addService(NewService(type: .transport), to: clients[13].id, in: staff.manager)
            let read = try await test.store.reports.refresh(orgId: staff.org.orgId)
            #expect((1...2).contains(read), "the new service (and its client's row, if touched): \(read)")
            let facts = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM report_facts WHERE org_id = \(bind: staff.org.orgId)").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(facts == 29)
        }
    }
}
