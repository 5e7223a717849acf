import Foundation
import SQLKit
import WaypointCore

/// Fictional, realistic-looking records across the modules, for demonstrations and benchmarks:
/// clients with their services, notes, tasks, referrals and closures (`CaseSeeding`), screenings
/// made by the real screening use case, crisis-line contacts and youth program exits (HMIS R15/R16). Aliases say "Client 12"; nothing
/// is anyone's. Sealed exactly as the product seals, written many rows per statement.
public struct SyntheticData: Repository {
    let shared: StoreContext

    /// The organization has nobody to attribute the records to.
    public struct MissingStaff: Error, CustomStringConvertible {
        public var description: String { "The organization needs an active case manager, clinician and advocate to attribute synthetic records to." }
    }

    public struct Summary: Sendable {
        public var clients = 0, caseEvents = 0, screenings = 0, crisisContacts = 0, youthExits = 0
    }

    /// `clients` clients (20 case events each: 2 referrals, 6 services, 8 notes, 4 tasks), ten
    /// screenings per client and a crisis contact for every two, spread over the last two years.
    public func seed(orgId: String, clients: Int, progress: @Sendable (String) -> Void = { _ in }) async throws -> Summary {
        let staff = try await database.withConnection { db in
            try await db.raw("SELECT id, role FROM users WHERE org_id = \(bind: orgId) AND active = 1").all()
        }
        func ids(_ role: Role) throws -> [String] {
            try staff.filter { try $0.decode(column: "role", as: String.self) == role.rawValue }.map { try $0.decode(column: "id", as: String.self) }
        }
        let managers = try ids(.caseManager), clinicians = try ids(.clinician), advocates = try ids(.advocate)
        guard !managers.isEmpty, !clinicians.isEmpty, !advocates.isEmpty else {
            throw MissingStaff()
        }
        let service = try await database.withConnection { db in
            try await db.raw("SELECT service_id, service_name FROM directory_entries ORDER BY service_id LIMIT 1").first()
        }
        var summary = Summary()
        let cases = try await CaseSeeding(shared: shared).seed(
            orgId: orgId, managers: managers, clients: clients, eventsPerClient: 20,
            serviceId: try service?.decode(column: "service_id", as: String.self) ?? "synthetic-service",
            serviceName: try service?.decode(column: "service_name", as: String.self) ?? "Synthetic service (demo)",
            batch: 500) { done in progress("clients \(done)/\(clients)") }
        summary.clients = cases.clients
        summary.caseEvents = cases.events
        summary.screenings = try await screenings(orgId: orgId, clinicians: clinicians, count: clients * 10, progress: progress)
        summary.crisisContacts = try await crisisContacts(orgId: orgId, advocates: advocates, count: max(clients / 2, 1))
        summary.youthExits = try await youthExits(orgId: orgId, clinicians: clinicians, count: max(clients / 10, 1))
        try await forgetReportMarks(orgId: orgId)
        return summary
    }

    /// Each made once by the real use case (so the stored plan is the planner's), then stored again
    /// and again under fresh ids, ages and times.
    func templates(routes: JurisdictionTable) throws -> [(instrument: String, result: String, age: Int, setting: String, details: String)] {
        let (yes, no) = (ScreenAnswer.yes, ScreenAnswer.no)
        let cases: [(String, [String: ScreenAnswer], Int, String)] = [
            ("sscst", ["sscst-1": yes, "sscst-2": yes, "sscst-3": no, "sscst-4": no, "sscst-5": no, "sscst-6": no], 15, "ed"),
            ("sscst", ["sscst-1": no, "sscst-2": no, "sscst-3": no, "sscst-4": no, "sscst-5": no, "sscst-6": no], 16, "ed"),
            ("sscst", ["sscst-1": no, "sscst-2": no, "sscst-3": no, "sscst-4": no, "sscst-5": no, "sscst-6": no], 13, "clinic"),
            ("qyit", ["qyit-1": yes, "qyit-2": no, "qyit-3": no, "qyit-4": no], 21, "shelter"),
            ("qyit", ["qyit-1": no, "qyit-2": no, "qyit-3": no, "qyit-4": no], 19, "clinic"),
            ("qyit", ["qyit-1": no, "qyit-2": no, "qyit-3": no, "qyit-4": no], 23, "school"),
        ]
        return try cases.enumerated().map { index, item in
            let submission = ScreeningSubmission(
                instrument: item.0, encounter: try Encounter(age: item.2, language: nil, setting: item.3, companionPresent: false, state: "NJ", routes: routes),
                answers: .keyed(item.1), idempotencyKey: "synthetic-\(index)")
            let assessment = try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: clock.now())
            let details = Screenings.Details(request: assessment.request, outcome: assessment.outcome, actions: assessment.actions)
            return (item.0, assessment.outcome.result.rawValue, item.2, item.3, String(decoding: try JSONEncoder().encode(details), as: UTF8.self))
        }
    }

    /// The records are dated in the past, before the reporting dataset's marks: the next refresh
    /// reads the organization's sources from the start again.
    func forgetReportMarks(orgId: String) async throws {
        try await database.transaction { db in try await db.raw("DELETE FROM report_marks WHERE org_id = \(bind: orgId)").run() }
    }

    /// `count` screenings, spread over the last two years — or, with `recent`, made in the last few seconds.
    public func screenings(orgId: String, clinicians: [String], count: Int, recent: Bool = false,
                           progress: @Sendable (String) -> Void) async throws -> Int {
        let templates = try self.templates(routes: .bundled)
        let now = clock.millis()
        let sealer = try await keys.sealer(for: orgId, in: database, now: now)
        let span: Int64 = 730 * 86_400_000
        var written = 0
        while written < count {
            let batch = min(2_000, count - written)
            let first = written
            try await database.transaction(alone: true) { db in
                var values: [SQLQueryString] = []
                for number in first..<(first + batch) {
                    // Most screens are negative: every fifth uses a positive template.
                    let template = templates[number % 5 == 0 ? (number % 2 == 0 ? 0 : 3) : [1, 2, 4, 5][number % 4]]
                    let id = Tokens.opaqueId()
                    let row = sealer.row(id, in: "screenings", of: orgId)
                    let age = template.age + (number % 3) - 1
                    values.append("""
                        (\(bind: id), \(bind: orgId), \(bind: clinicians[number % clinicians.count]), \(bind: "k1:synthetic-" + id), \(bind: template.instrument), '',
                         \(bind: template.result), \(bind: try row.seal(template.details, column: "details")), \(bind: try row.seal("", column: "note")),
                         \(bind: recent ? now - Int64(number % 1_000) : now - Int64(number) * 7_919_000 % span), \(bind: AgeBand.encounter(age: age)),
                         \(bind: template.setting))
                        """)
                }
                for chunk in stride(from: 0, to: values.count, by: 200) {
                    try await db.raw("""
                        INSERT INTO screenings (id, org_id, clinician_id, idempotency_key, instrument, instrument_version, result, details_sealed,
                                                note_sealed, created_at, age_band, setting) VALUES
                        """ + Array(values[chunk..<min(chunk + 200, values.count)]).joined(separator: ", ")).run()
                }
            }
            written += batch
            progress("screenings \(written)/\(count)")
        }
        return written
    }

    /// Youth program exits on the HMIS R15/R16 form, spread over the last two years: each pattern
    /// assessed once by the real screening use case, then stored again under fresh ids and times
    /// with its answers kept for counting as the screening store keeps any exit's.
    func youthExits(orgId: String, clinicians: [String], count: Int) async throws -> Int {
        let (yes, no) = (ScreenAnswer.yes, ScreenAnswer.no)
        let patterns: [[String: ScreenAnswer]] = [
            ["ExchangeForSex": no, "WorkplaceViolenceThreats": no, "WorkplacePromiseDifference": no],
            ["ExchangeForSex": no, "WorkplaceViolenceThreats": no, "WorkplacePromiseDifference": no],
            ["ExchangeForSex": no, "WorkplaceViolenceThreats": no, "WorkplacePromiseDifference": no],
            ["ExchangeForSex": yes, "ExchangeForSexPastThreeMonths": no, "CountOfExchangeForSex": .option("1"), "AskedOrForcedToExchangeForSex": yes,
             "AskedOrForcedToExchangeForSexPastThreeMonths": no, "WorkplaceViolenceThreats": no, "WorkplacePromiseDifference": no],
            ["ExchangeForSex": no, "WorkplaceViolenceThreats": yes, "WorkplacePromiseDifference": no, "CoercedToContinueWork": yes,
             "LaborExploitPastThreeMonths": no],
            ["ExchangeForSex": .declined, "WorkplaceViolenceThreats": .unknown, "WorkplacePromiseDifference": no],
        ]
        let routes = JurisdictionTable.bundled
        let assessed = try patterns.enumerated().map { index, answers in
            let submission = ScreeningSubmission(
                instrument: ExitElements.instrument,
                encounter: try Encounter(age: 15 + index, language: nil, setting: "shelter", companionPresent: false, state: "NJ", routes: routes),
                answers: .keyed(answers), idempotencyKey: "synthetic-exit-\(index)")
            let assessment = try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: clock.now())
            let details = String(decoding: try JSONEncoder().encode(Screenings.Details(request: assessment.request, outcome: assessment.outcome,
                                                                                        actions: assessment.actions)), as: UTF8.self)
            return (assessment: assessment, details: details)
        }
        let now = clock.millis()
        let sealer = try await keys.sealer(for: orgId, in: database, now: now)
        for first in stride(from: 0, to: count, by: 1_000) {
            try await database.transaction(alone: true) { db in
                for number in first..<min(first + 1_000, count) {
                    let (assessment, details) = assessed[number % assessed.count]
                    let id = Tokens.opaqueId()
                    let row = sealer.row(id, in: "screenings", of: orgId)
                    let at = now - Int64(number) * 6_151_000 % (730 * 86_400_000)
                    try await db.raw("""
                        INSERT INTO screenings (id, org_id, clinician_id, idempotency_key, instrument, instrument_version, result, details_sealed,
                                                note_sealed, created_at, age_band, setting)
                        VALUES (\(bind: id), \(bind: orgId), \(bind: clinicians[number % clinicians.count]), \(bind: "k1:synthetic-" + id),
                                \(bind: assessment.outcome.instrument), \(bind: assessment.outcome.version ?? ""), \(bind: assessment.outcome.result.rawValue),
                                \(bind: try row.seal(details, column: "details")), \(bind: try row.seal("", column: "note")), \(bind: at),
                                \(bind: AgeBand.encounter(age: assessment.request.age)), 'shelter')
                        """).run()
                    try await Screenings.keepAnswers(of: assessment.outcome, screening: id, orgId: orgId, at: at, sealer: sealer, on: db)
                }
            }
        }
        return count
    }

    func crisisContacts(orgId: String, advocates: [String], count: Int) async throws -> Int {
        let now = clock.millis()
        let sealer = try await keys.sealer(for: orgId, in: database, now: now)
        let channels = CrisisContact.Channel.allCases, concerns = CrisisContact.Concern.allCases, outcomes = CrisisContact.Outcome.allCases
        try await database.transaction(alone: true) { db in
            var values: [SQLQueryString] = []
            for number in 0..<count {
                let id = Tokens.opaqueId()
                let at = now - Int64(number) * 13_337_000 % (730 * 86_400_000)
                values.append("""
                    (\(bind: id), \(bind: orgId), \(bind: advocates[number % advocates.count]), \(bind: channels[number % channels.count].rawValue), 1, \(bind: at),
                     \(bind: Int64(5 + number % 40)), 'person', \(bind: concerns[number % concerns.count].rawValue), 'en', 0,
                     \(bind: outcomes[(number / 2) % outcomes.count].rawValue), \(bind: try sealer.row(id, in: "crisis_contacts", of: orgId).seal("", column: "note")),
                     'closed', \(bind: at), \(bind: at))
                    """)
            }
            for chunk in stride(from: 0, to: values.count, by: 200) {
                try await db.raw("""
                    INSERT INTO crisis_contacts (id, org_id, advocate_id, channel, anonymous, started_at, duration_minutes, caller_role, concerns,
                        language, danger, outcome, note_sealed, status, created_at, updated_at) VALUES
                    """ + Array(values[chunk..<min(chunk + 200, values.count)]).joined(separator: ", ")).run()
            }
        }
        return count
    }
}
