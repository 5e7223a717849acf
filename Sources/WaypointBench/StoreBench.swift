import Foundation
import SQLKit
import WaypointCore
import WaypointStore

/// What the building blocks of an audited request cost without HTTP: one at a time (latency and CPU
/// per operation), then the use cases from 64 tasks at once (throughput and CPU per operation). Says
/// where the time of the HTTP figures goes.
enum StoreBench {
    static func run(name: String, store: Store, clinician: TenantContext, token: String) async throws {
        print("\(name): store operations without HTTP (µs per operation; cpu = this process, both cores)")
        print("operation                                       one-at-a-time µs   cpu µs    64 tasks/s   cpu µs")
        // What the API and pages do per screen: the routes, the core's decision, the insert.
        let submit = { @Sendable (key: String) async throws in
            let routes = try await store.jurisdictions.table(for: clinician)
            let submission = ScreeningSubmission(
                instrument: "sscst",
                encounter: try Encounter(age: 15, language: "en", setting: "ed", companionPresent: false, state: "TX", routes: routes),
                answers: .keyed(["sscst-1": .yes, "sscst-2": .no, "sscst-3": .declined, "sscst-4": .no, "sscst-5": .no, "sscst-6": .no]),
                note: "bench note", idempotencyKey: key)
            _ = try await store.screenings.save(try ScreeningUseCases.submit(submission, by: clinician.role, routes: routes, now: store.clock.now()), in: clinician)
        }
        let counter = ManagedCounter()
        let operations: [(String, @Sendable () async throws -> Void)] = [
            ("SELECT 1 (a connection round trip)", { _ = try await store.database.withConnection { try await $0.raw("SELECT 1").all() } }),
            ("empty write transaction", { try await store.database.transaction { _ in } }),
            ("token → tenant", { _ = try await store.auth.tokenContext(token: token, requestId: "bench") }),
            ("jurisdiction table", { _ = try await store.jurisdictions.table(for: clinician) }),
            ("audit.record (a read's entry)", {
                try await store.audit.record(AuditEvent(clinician, action: "bench.read", objectType: "user", objectId: clinician.userId))
            }),
            ("users.find (GET /me without HTTP)", { _ = try await store.users.find(clinician.userId, in: clinician) }),
            ("screening submitted (routes, decision, insert)", { try await submit("store-\(counter.next())") }),
        ]
        for (label, operation) in operations {
            let sequential = try await measure(tasks: 1, iterations: 400, operation)
            let parallel = try await measure(tasks: 64, iterations: 4_000, operation)
            print(label.padding(toLength: 48, withPad: " ", startingAt: 0)
                  + String(format: "%12.1f %12.1f %12.0f %9.1f", sequential.wallMicros, sequential.cpuMicros,
                           parallel.perSecond, parallel.cpuMicros))
        }
    }

    struct Figures { let wallMicros: Double; let cpuMicros: Double; let perSecond: Double }

    /// `iterations` operations shared by `tasks` concurrent tasks.
    static func measure(tasks: Int, iterations: Int, _ operation: @escaping @Sendable () async throws -> Void) async throws -> Figures {
        let start = ContinuousClock.now
        let cpu = LoadGenerator.processCPUSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { for _ in 0..<(iterations / tasks) { try await operation() } }
            }
            try await group.waitForAll()
        }
        let wall = (ContinuousClock.now - start).inSeconds
        let cpuUsed = LoadGenerator.processCPUSeconds() - cpu
        let done = Double(iterations / tasks * tasks)
        return Figures(wallMicros: wall / done * 1e6, cpuMicros: cpuUsed / done * 1e6, perSecond: done / wall)
    }
}
