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
            let organization = try await store.organizations.create(name: "Compliance bench \(UUID().uuidString.prefix(8))", requestId: "bench")
            let trainerId = try await store.users.createAsOperator(
                NewUser(username: "bench-trainer-\(UUID().uuidString.prefix(6))", role: .trainer, displayName: "Trainer", password: "benchmark passphrase 2026"),
                orgId: organization.id, requestId: "bench")
            let trainer = TenantContext(orgId: organization.id, userId: trainerId, role: .trainer, requestId: "bench")
            let course = try await store.courses.importBundle(Self.course, in: trainer)
            try await measure(name: name, store: store, trainer: trainer, course: course, staff: staff, everyState: false)
            // The same staff working in every shipped state: each person is held to every requirement their license allows.
            let wide = try await store.organizations.create(name: "Compliance bench wide \(UUID().uuidString.prefix(8))", requestId: "bench")
            let wideTrainerId = try await store.users.createAsOperator(
                NewUser(username: "bench-trainer-\(UUID().uuidString.prefix(6))", role: .trainer, displayName: "Trainer", password: "benchmark passphrase 2026"),
                orgId: wide.id, requestId: "bench")
            let wideTrainer = TenantContext(orgId: wide.id, userId: wideTrainerId, role: .trainer, requestId: "bench")
            let wideCourse = try await store.courses.importBundle(Self.course, in: wideTrainer)
            try await measure(name: name + " (every state)", store: store, trainer: wideTrainer, course: wideCourse, staff: staff, everyState: true)
        }
    }

    static func measure(name: String, store: Store, trainer: TenantContext, course: Course, staff: Int, everyState: Bool) async throws {
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
