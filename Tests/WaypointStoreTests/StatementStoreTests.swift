import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("xAPI statements: written with the event, exported in order, forwarded under a lease with back-off")
struct StatementStoreTests {
    @Test("lessons, answers and completion make statements; forwarding claims them once, backs off after a failure and stops once forwarded",
          arguments: Backend.allCases)
    func forwarding(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("xAPI Org")
            let nurse = try await TrainingStoreTests.member(.clinician, "nurse-x", of: org, in: test)
            let nurseId = nurse.userId
            let course = BuiltInCourses.course("recognize-respond-refer")!
            let enrollment = try await test.store.enrollments.enroll(in: course.id, context: nurse)
            let pretest = try await test.store.enrollments.next(enrollment.id, in: nurse)
            let answers = Dictionary(uniqueKeysWithValues: (pretest.questions ?? []).map { ($0.id, course.questions[$0.id]!.correct) })
            let scored = try await test.store.enrollments.submit(.init(answers: answers), to: enrollment.id, in: nurse)
            _ = try await test.store.enrollments.submit(.init(lesson: scored.next.lesson!.id), to: enrollment.id, in: nurse)
            let made = (pretest.questions?.count ?? 0) + 2

            // Stored, and exported in the order made, page by page; learners may not export.
            let admin = org.context
            await #expect(throws: AccessError.forbidden) { try await test.store.statements.export(in: nurse, after: nil, limit: 10) }
            var exported: [XAPIStatement] = [], cursor: String?
            repeat {
                let page = try await test.store.statements.export(in: admin, after: cursor, limit: 4)
                exported += page.statements
                cursor = page.next
            } while cursor != nil
            #expect(exported.count == made && Set(exported.map(\.id)).count == made)
            #expect(exported.prefix(made - 2).allSatisfy { $0.verb == XAPIStatements.Verbs.answered })
            #expect(exported[made - 2].verb == XAPIStatements.Verbs.completed && exported.last?.verb == XAPIStatements.Verbs.experienced)
            #expect(exported.allSatisfy { $0.actor.account.name == nurseId && !$0.object.id.contains("://") })
            let resolved = exported[0].resolved(base: "https://waypoint.example.org")
            #expect(resolved.object.id.hasPrefix("https://waypoint.example.org/xapi/activities/courses/") && resolved.actor.account.homePage == "https://waypoint.example.org")

            // Nothing is forwarded without an LRS; a bad endpoint is refused and nothing is set.
            #expect(try await test.store.statements.claim(limit: 100).isEmpty)
            await #expect(throws: TrainingError.self) {
                try await test.store.statements.setLRS(LRSSettings(endpoint: "ftp://lrs.example.org", username: "u", password: "p"), in: admin)
            }
            await #expect(throws: AccessError.forbidden) {
                try await test.store.statements.setLRS(LRSSettings(endpoint: "https://lrs.example.org", username: "u", password: "p"), in: nurse)
            }
            try await test.store.statements.setLRS(LRSSettings(endpoint: "https://lrs.example.org/xapi/", username: "u", password: "secret"), in: admin)
            let sealed = try await test.store.database.withConnection { db in
                try await db.raw("SELECT password_sealed FROM lrs_settings").first()!.decode(column: "password_sealed", as: String.self)
            }
            #expect(!sealed.contains("secret"))

            // Claimed once: a second claim (another instance) gets nothing while the lease holds.
            let batches = try await test.store.statements.claim(limit: 100)
            #expect(batches.count == 1 && batches[0].statements.count == made && batches[0].settings.password == "secret")
            #expect(batches[0].settings.endpoint == "https://lrs.example.org/xapi")
            #expect(try await test.store.statements.claim(limit: 100).isEmpty)

            // A failure waits the back-off (1 s, then 2 s), then the batch is claimed again.
            try await test.store.statements.failed(batches[0], error: "HTTP 503", retryBase: 1000)
            #expect(try await test.store.statements.claim(limit: 100).isEmpty)
            time.advance(1.1)
            let again = try await test.store.statements.claim(limit: 100)
            #expect(again.first?.statements.map(\.id) == batches[0].statements.map(\.id))
            try await test.store.statements.failed(again[0], error: "HTTP 503", retryBase: 1000)
            time.advance(1.1)
            #expect(try await test.store.statements.claim(limit: 100).isEmpty)  // the second wait is 2 s
            var status = try await test.store.statements.lrsStatus(in: admin)
            #expect(status.retrying == made && status.pending == made && status.lastError == "HTTP 503")
            time.advance(1.0)
            let third = try await test.store.statements.claim(limit: 100)
            try await test.store.statements.forwarded(third[0])
            time.advance(3600)
            #expect(try await test.store.statements.claim(limit: 100).isEmpty)
            status = try await test.store.statements.lrsStatus(in: admin)
            #expect(status.forwarded == made && status.pending == 0 && status.lastError == nil && status.endpoint == "https://lrs.example.org/xapi")
        }
    }
}
