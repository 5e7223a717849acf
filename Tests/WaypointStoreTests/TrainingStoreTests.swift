import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Training: course bundles, enrollments, random draws, attempts, evaluation")
struct TrainingStoreTests {
    /// A small course: two modules of four questions, two drawn per attempt, all must be right, two attempts.
    static func bundle(version: String = "1.0.0", mutate: (inout [String: Any]) -> Void = { _ in }) -> Data {
        func question(_ id: String) -> [String: Any] {
            ["id": id, "text": "Question \(id)?", "choices": [["id": "a", "text": "Right"], ["id": "b", "text": "Wrong"]], "correct": ["a"],
             "explanation": "Because.", "source": "A cited source"]
        }
        func module(_ id: String) -> [String: Any] {
            ["id": id, "title": "Module \(id)", "minutes": 20,
             "lessons": [["id": id + "-l1", "title": "Lesson", "body": "Some **Markdown**.", "sources": [["id": "s1", "citation": "A source", "url": "https://example.org/"]]]],
             "check": ["draw": ["count": 2], "pool": (1...4).map { question("\(id)-q\($0)") }]]
        }
        var course: [String: Any] = [
            "format": "waypoint-course/1", "id": "test-course", "version": version, "language": "en", "title": "Test course", "summary": "For tests.",
            "objectives": ["Know the test"], "minutes": 40, "pass_percent": 100, "max_attempts": 2, "time_attestation": true, "topics": ["definitions"],
            "pretest": ["count": 2], "modules": [module("m1"), module("m2")],
            "evaluation": [["id": "useful", "text": "How useful was it?", "kind": "scale"]],
        ]
        mutate(&course)
        return try! JSONSerialization.data(withJSONObject: course)
    }

    /// A member of the organization with this role, as the store sees them.
    static func member(_ role: Role, _ name: String, of org: TenantFixture, in test: TestStore) async throws -> TenantContext {
        TenantContext(orgId: org.orgId, userId: try await test.store.users.createAsOperator(
            NewUser(username: name, role: role, displayName: name, password: TestStore.password), orgId: org.orgId, requestId: "r"), role: role, requestId: "r")
    }

    static func right(_ questions: [Course.Question]?) -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: (questions ?? []).map { ($0.id, ["a"]) })
    }

    @Test("a malformed bundle is refused whole with each problem's path; a version is imported once", arguments: Backend.allCases)
    func bundles(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let org = try await test.organization("Training Org")
            func user(_ role: Role, _ name: String) async throws -> TenantContext { try await Self.member(role, name, of: org, in: test) }
            let trainer = try await user(.trainer, "trainer-1"), nurse = try await user(.clinician, "nurse-1")
            await #expect(throws: AccessError.forbidden) { try await test.store.courses.importBundle(Self.bundle(), in: nurse) }
            do {
                _ = try await test.store.courses.importBundle(Self.bundle { course in
                    var modules = course["modules"] as! [[String: Any]]
                    var check = modules[0]["check"] as! [String: Any]
                    var pool = check["pool"] as! [[String: Any]]
                    pool[1]["correct"] = ["z"]
                    check["pool"] = pool
                    check["draw"] = ["count": 9]
                    modules[0]["check"] = check
                    var lessons = modules[1]["lessons"] as! [[String: Any]]
                    lessons[0]["body"] = "Hello <script>alert(1)</script>"
                    modules[1]["lessons"] = lessons
                    course["modules"] = modules
                    course["pass_percent"] = 0
                }, in: trainer)
                Issue.record("a bad bundle was imported")
            } catch let error as CourseImportError {
                #expect(Set(error.problems.map(\.path)) == ["$.pass_percent", "$.modules[0].check.draw.count", "$.modules[0].check.pool[1].correct",
                                                            "$.modules[1].lessons[0].body"])
            }
            do {
                _ = try await test.store.courses.importBundle(Self.bundle { $0["modules"] = "none" }, in: trainer)
                Issue.record("a bad bundle was imported")
            } catch let error as CourseImportError {
                #expect(error.problems == [CourseProblem(path: "$.modules", message: "should be a list")])
            }
            await #expect(throws: CourseImportError.self) { try await test.store.courses.importBundle(Data("{".utf8), in: trainer) }
            #expect(try await test.store.courses.list(in: trainer).map(\.id) == BuiltInCourses.all.map(\.id).sorted())  // only the built-in courses

            let course = try await test.store.courses.importBundle(Self.bundle(), in: trainer)
            await #expect(throws: CourseImportError.self) { try await test.store.courses.importBundle(Self.bundle(), in: trainer) }
            _ = try await test.store.courses.importBundle(Self.bundle(version: "1.1.0"), in: trainer)
            #expect(try await test.store.courses.list(in: nurse).filter { $0.id == course.id }.map(\.version) == ["1.1.0"])
            let learnerView = try await test.store.courses.find(course.id, in: nurse)
            #expect(learnerView.modules.flatMap(\.check.pool).allSatisfy { $0.correct.isEmpty && $0.explanation.isEmpty })
            await #expect(throws: AccessError.forbidden) { try await test.store.courses.find(course.id, includeAnswers: true, in: nurse) }
            #expect(try await test.store.courses.find(course.id, includeAnswers: true, in: trainer).modules[0].check.pool[0].correct == ["a"])
            // Exported as imported: the bundle reads back as the same course.
            #expect(try CourseBundle.read(try CourseBundle.write(course)) == course)
        }
    }

    @Test("a learner goes pretest → lessons → checks (random draws, only drawn questions, limited attempts) → evaluation → complete, on the version enrolled",
          arguments: Backend.allCases)
    func learning(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let org = try await test.organization("Learning Org")
            func user(_ role: Role, _ name: String) async throws -> TenantContext { try await Self.member(role, name, of: org, in: test) }
            let trainer = try await user(.trainer, "trainer-2"), nurse = try await user(.clinician, "nurse-2"), other = try await user(.caseManager, "cm-2")
            _ = try await test.store.courses.importBundle(Self.bundle(), in: trainer)
            let enrollment = try await test.store.enrollments.enroll(in: "test-course", context: nurse)
            #expect(try await test.store.enrollments.enroll(in: "test-course", context: nurse).id == enrollment.id)  // one open enrollment
            _ = try await test.store.courses.importBundle(Self.bundle(version: "2.0.0"), in: trainer)  // a revision does not move the learner
            await #expect(throws: AccessError.notFound) { try await test.store.enrollments.next(enrollment.id, in: other) }

            var next = try await test.store.enrollments.next(enrollment.id, in: nurse)
            #expect(next.kind == .pretest && next.questions?.count == 2 && next.questions!.allSatisfy { $0.correct.isEmpty })
            #expect(try await test.store.enrollments.next(enrollment.id, in: nurse).questions == next.questions)  // the same open draw
            let drawn = Set(next.questions!.map(\.id))
            let notDrawn = ["m1", "m2"].flatMap { module in (1...4).map { "\(module)-q\($0)" } }.first { !drawn.contains($0) }!
            var answers = Self.right(next.questions)
            answers[notDrawn] = ["a"]
            await #expect(throws: TrainingError.notInDraw(notDrawn)) {
                try await test.store.enrollments.submit(.init(answers: answers), to: enrollment.id, in: nurse)
            }
            await #expect(throws: TrainingError.self) { try await test.store.enrollments.submit(.init(answers: [:]), to: enrollment.id, in: nurse) }
            next = try await test.store.enrollments.submit(.init(answers: Self.right(next.questions)), to: enrollment.id, in: nurse).next
            #expect(next.kind == .lesson && next.lesson?.id == "m1-l1")
            await #expect(throws: TrainingError.outOfOrder) { try await test.store.enrollments.submit(.init(lesson: "m2-l1"), to: enrollment.id, in: nurse) }
            next = try await test.store.enrollments.submit(.init(lesson: "m1-l1"), to: enrollment.id, in: nurse).next
            #expect(next.kind == .check && next.moduleId == "m1" && next.attemptsLeft == 2 && next.questions?.count == 2)

            // A wrong answer fails the check (with the explanations), and the next attempt draws again.
            var wrong = Self.right(next.questions)
            wrong[wrong.keys.sorted()[0]] = ["b"]
            let failed = try await test.store.enrollments.submit(.init(answers: wrong), to: enrollment.id, in: nurse)
            #expect(failed.score?.passed == false && failed.score?.percent == 50 && failed.feedback.count == 2 && failed.feedback.allSatisfy { !$0.explanation.isEmpty })
            #expect(failed.next.kind == .check && failed.next.attemptsLeft == 1 && failed.next.attemptId != next.attemptId)
            let passed = try await test.store.enrollments.submit(.init(answers: Self.right(failed.next.questions)), to: enrollment.id, in: nurse)
            #expect(passed.score?.passed == true && passed.next.kind == .lesson && passed.next.lesson?.id == "m2-l1")

            // Module 2: two failures lock the check.
            next = try await test.store.enrollments.submit(.init(lesson: "m2-l1"), to: enrollment.id, in: nurse).next
            for _ in 0..<2 {
                var bad = Self.right(next.questions)
                for key in bad.keys { bad[key] = ["b"] }
                next = try await test.store.enrollments.submit(.init(answers: bad), to: enrollment.id, in: nurse).next
            }
            #expect(next.kind == .locked && next.moduleId == "m2")
            await #expect(throws: TrainingError.outOfOrder) { try await test.store.enrollments.submit(.init(answers: [:]), to: enrollment.id, in: nurse) }

            // Another learner gets through and completes, attesting the time.
            let second = try await test.store.enrollments.enroll(in: "test-course", context: other)
            #expect(second.courseVersion == "2.0.0")
            next = try await test.store.enrollments.next(second.id, in: other)
            while next.kind != .evaluation {
                let submission: TrainingSubmission = next.kind == .lesson ? .init(lesson: next.lesson!.id) : .init(answers: Self.right(next.questions))
                next = try await test.store.enrollments.submit(submission, to: second.id, in: other).next
            }
            #expect(next.evaluation?.map(\.id) == ["useful"])
            await #expect(throws: TrainingError.self) {
                try await test.store.enrollments.evaluate(.init(answers: ["useful": "5"]), for: second.id, in: other)  // no time attested
            }
            await #expect(throws: TrainingError.self) {
                try await test.store.enrollments.evaluate(.init(answers: ["nope": "5"], attestedMinutes: 45), for: second.id, in: other)
            }
            next = try await test.store.enrollments.evaluate(.init(answers: ["useful": "5"], attestedMinutes: 45), for: second.id, in: other)
            #expect(next.kind == .complete)
            let completed = try await test.store.database.withConnection { db in
                try await db.raw("SELECT completed_at FROM enrollments WHERE id = \(bind: second.id)").first()!.decode(column: "completed_at", as: Int64?.self)
            }
            #expect(completed != nil)
            #expect(try await test.store.enrollments.enroll(in: "test-course", context: other).id != second.id)  // a new enrollment after completion
        }
    }

    @Test("the built-in course: every organization sees it; the first enrollment keeps the version taken; an exercise is played move by move and audited; the organization's own version replaces it",
          arguments: Backend.allCases)
    func builtInCourse(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let org = try await test.organization("Built-in Org")
            func user(_ role: Role, _ name: String) async throws -> TenantContext { try await Self.member(role, name, of: org, in: test) }
            let trainer = try await user(.trainer, "trainer-3"), nurse = try await user(.clinician, "nurse-3")
            let builtIn = BuiltInCourses.course("recognize-respond-refer")!
            #expect(try await test.store.courses.list(in: nurse).map(\.id) == [builtIn.id, "reconocer-responder-derivar"])
            let enrollment = try await test.store.enrollments.enroll(in: builtIn.id, context: nurse)
            let kept = try await test.store.database.withConnection { db in
                try await db.raw("SELECT version, imported_by FROM courses WHERE org_id = \(bind: org.orgId) AND id = \(bind: builtIn.id)").all()
            }
            let keptBy = try kept.map { try $0.decode(column: "imported_by", as: String.self) }
            #expect(keptBy == [BuiltInCourses.importer])

            // Through the pretest and the first module's lessons to its exercise.
            var next = try await test.store.enrollments.next(enrollment.id, in: nurse)
            let questions = builtIn.questions
            while next.kind != .exercise {
                let submission: TrainingSubmission = next.kind == .lesson ? .init(lesson: next.lesson!.id)
                    : .init(answers: Dictionary(uniqueKeysWithValues: (next.questions ?? []).map { ($0.id, questions[$0.id]!.correct) }))
                next = try await test.store.enrollments.submit(submission, to: enrollment.id, in: nurse).next
            }
            let view = try #require(next.exercise)
            #expect(view.id == "ex-place-to-stay" && view.stage == .decision && view.decision?.choices.allSatisfy { !$0.best } == true)
            await #expect(throws: TrainingError.outOfOrder) {  // a lesson, or another exercise's move, is not this step
                try await test.store.enrollments.submit(.init(exercise: ExerciseMove(exercise: "ex-group-home", decision: "privacy", choice: "alone")),
                                                       to: enrollment.id, in: nurse)
            }
            var scored = try await test.store.enrollments.submit(.init(exercise: ExerciseMove(exercise: view.id, decision: "open", choice: "promise")),
                                                                 to: enrollment.id, in: nurse)
            #expect(scored.exercise?.choice?.best == false && scored.exercise?.finished == nil && scored.next.exercise?.decision?.id == "ask")
            scored = try await test.store.enrollments.submit(.init(exercise: ExerciseMove(exercise: view.id, decision: "ask", choice: "plain")),
                                                             to: enrollment.id, in: nurse)
            #expect(scored.next.exercise?.stage == .interview && scored.next.exercise?.questions?.count == 6)
            let entered = Dictionary(uniqueKeysWithValues: (scored.next.exercise?.questions ?? []).map { ($0.item, ScreenAnswer.yes) })
            scored = try await test.store.enrollments.submit(.init(exercise: ExerciseMove(exercise: view.id, entered: entered)), to: enrollment.id, in: nurse)
            scored = try await test.store.enrollments.submit(.init(exercise: ExerciseMove(exercise: view.id, actions: [.mandatedReport, .document])),
                                                             to: enrollment.id, in: nurse)
            let finished = try #require(scored.exercise?.finished)
            #expect(finished == builtIn.modules[0].exercises?.first && scored.next.kind == .check)
            let debrief = try ExerciseRules.debrief(finished, scored.exercise!.state, strings: .english, now: Date())
            #expect(debrief.missed.map(\.kind).contains(.furtherAssessment) && debrief.answersRight == 3)  // "yes" to what she denied or declined
            let audited = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'training.exercise' AND object_id = \(bind: enrollment.id)").first()!
                    .decode(column: "n", as: Int64.self)
            }
            #expect(audited == 4)

            // The organization imports its own version of the course: it replaces the built-in one in the list; the enrollment keeps its version.
            var own = try JSONSerialization.jsonObject(with: try CourseBundle.write(builtIn)) as! [String: Any]
            own["version"] = "local-1"
            own["title"] = "Recognize, respond, refer (our edition)"
            _ = try await test.store.courses.importBundle(try JSONSerialization.data(withJSONObject: own), in: trainer)
            #expect(try await test.store.courses.list(in: nurse).filter { $0.id == builtIn.id }.map(\.version) == ["local-1"])
            #expect(try await test.store.enrollments.course(of: enrollment.id, in: nurse).version == builtIn.version)
        }
    }

    @Test("spaced refreshers: none before a month, the one-month refresher drawn and scored without touching the certificate, then three and six months",
          arguments: Backend.allCases)
    func refreshers(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Refresher Org")
            func user(_ role: Role, _ name: String) async throws -> TenantContext { try await Self.member(role, name, of: org, in: test) }
            let trainer = try await user(.trainer, "trainer-r"), nurse = try await user(.clinician, "nurse-r"), other = try await user(.clinician, "nurse-s")
            _ = try await test.store.courses.importBundle(Self.bundle(), in: trainer)
            let enrollment = try await test.store.enrollments.enroll(in: "test-course", context: nurse)
            var next = try await test.store.enrollments.next(enrollment.id, in: nurse)
            while next.kind != .evaluation {
                let submission: TrainingSubmission = next.kind == .lesson ? .init(lesson: next.lesson!.id) : .init(answers: Self.right(next.questions))
                next = try await test.store.enrollments.submit(submission, to: enrollment.id, in: nurse).next
            }
            _ = try await test.store.enrollments.evaluate(.init(answers: [:], attestedMinutes: 40), for: enrollment.id, in: nurse)
            #expect(try await test.store.enrollments.refreshersDue(in: nurse).isEmpty)
            await #expect(throws: TrainingError.outOfOrder) { try await test.store.enrollments.refresher(enrollment.id, in: nurse) }

            time.advance(32 * 86_400)
            let due = try await test.store.enrollments.refreshersDue(in: nurse)
            #expect(due.map(\.months) == [1] && due.first?.courseTitle == "Test course")
            await #expect(throws: AccessError.notFound) { try await test.store.enrollments.refresher(enrollment.id, in: other) }
            let drawn = try await test.store.enrollments.refresher(enrollment.id, in: nurse)
            #expect(drawn.kind == .refresher && drawn.questions?.count == 5 && drawn.questions?.allSatisfy { $0.correct.isEmpty } == true)
            #expect(try await test.store.enrollments.refresher(enrollment.id, in: nurse).questions == drawn.questions)  // the same draw until answered
            let wrong = Dictionary(uniqueKeysWithValues: (drawn.questions ?? []).map { ($0.id, ["b"]) })
            let scored = try await test.store.enrollments.submitRefresher(wrong, to: enrollment.id, in: nurse)
            #expect(scored.score?.percent == 0 && scored.feedback.count == 5 && scored.next.kind == .refresher && scored.next.questions == nil)
            #expect(try await test.store.enrollments.refreshersDue(in: nurse).isEmpty)
            let certificate = try await test.store.certificates.certificate(for: enrollment.id, in: nurse)
            #expect(certificate.revokedAt == nil)  // a poor refresher takes nothing away

            time.advance(60 * 86_400)
            #expect(try await test.store.enrollments.refreshersDue(in: nurse).map(\.months) == [3])
            time.advance(100 * 86_400)  // the three-month one was never taken: the six-month one is next
            #expect(try await test.store.enrollments.refreshersDue(in: nurse).map(\.months) == [6])
            let statements = try await test.store.database.withConnection { db in
                try await db.raw("SELECT statement FROM xapi_statements WHERE enrollment_id = \(bind: enrollment.id)").all()
                    .map { try $0.decode(column: "statement", as: String.self) }
            }
            #expect(statements.contains { $0.contains("refreshers/1") })
        }
    }
}
