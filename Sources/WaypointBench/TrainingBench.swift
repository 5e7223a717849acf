import Foundation
import Logging
import WaypointCore
import WaypointStore

/// `--only compliance`: the organization's training compliance report for 20,000 staff over the
/// shipped state requirements, computed the way `GET /api/v1/training/compliance?format=csv` does
/// (the store's report, then the CSV), cold and warm.
enum TrainingBench {
    static func run(name: String, location: DatabaseLocation, keyFile: String, staff: Int) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let store = try await Store.open(location, keyFile: keyFile, logger: logger)
        try await store.database.whileRunning {
            _ = try await store.database.migrate()
            try await measure(name: name, store: store, trainer: try await trainer(in: store, named: "Compliance bench"), staff: staff, everyState: false)
            // The same staff working in every shipped state: each person is held to every requirement their license allows.
            try await measure(name: name + " (every state)", store: store, trainer: try await trainer(in: store, named: "Compliance bench wide"), staff: staff,
                              everyState: true)
        }
    }

    /// A new organization with a trainer who imports the bench course.
    static func trainer(in store: Store, named name: String) async throws -> TenantContext {
        let organization = try await store.organizations.create(name: "\(name) \(UUID().uuidString.prefix(8))", requestId: "bench")
        let trainerId = try await store.users.createAsOperator(
            NewUser(username: "bench-trainer-\(UUID().uuidString.prefix(6))", role: .trainer, displayName: "Trainer", password: "benchmark passphrase 2026"),
            orgId: organization.id, requestId: "bench")
        return TenantContext(orgId: organization.id, userId: trainerId, role: .trainer, requestId: "bench")
    }

    static func measure(name: String, store: Store, trainer: TenantContext, staff: Int, everyState: Bool) async throws {
        let course = try await store.courses.importBundle(Self.course, in: trainer)
        let seeding = ContinuousClock.now
        try await store.trainingSeeding.seed(orgId: trainer.orgId, staff: staff, course: course, everyState: everyState)
        print("\(name): seeded \(staff) staff in \(Int((ContinuousClock.now - seeding).inSeconds)) s")
        var timings: [Double] = []
        var lines = 0
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let report = try await store.compliance.report(in: trainer)
            _ = ComplianceRules.csv(report)
            timings.append((ContinuousClock.now - start).inSeconds * 1000)
            lines = report.count
        }
        print(String(format: "%@: compliance report + CSV, %d staff × %d requirements, %d lines that apply: first %.0f ms, then median %.0f ms (of %d)",
                     name, staff, RequirementCatalog.bundled.count, lines, timings[0], timings.dropFirst().sorted()[timings.count / 2 - 1], timings.count - 1))
    }

    static let course = Data(#"""
        {"format":"waypoint-course/1","id":"bench-course","version":"1","language":"en","title":"Bench course","summary":"For the benchmark.",
         "objectives":["Measure"],"minutes":120,"pass_percent":80,"time_attestation":false,"evaluation":[],
         "topics":["definitions","risk_factors","health_impact","identification","assessment","response","resources","reporting","referral"],
         "modules":[{"id":"m1","title":"One","minutes":120,"lessons":[{"id":"l1","title":"L","body":"Text.","sources":[{"id":"s","citation":"Source"}]}],
                     "check":{"draw":{"count":1},"pool":[{"id":"q1","text":"Q?","choices":[{"id":"a","text":"A"},{"id":"b","text":"B"}],
                                                         "correct":["a"],"explanation":"E.","source":"S"}]}}]}
        """#.utf8)
}
