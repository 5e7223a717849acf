import Foundation
import SQLKit
import WaypointCore

/// A learner's way through one version of a course: the step they are on, their attempts at
/// each check (the questions drawn for each, kept, so an answer to anything else is refused),
/// their evaluation and completion.
public struct Enrollments: Repository {
    let shared: StoreContext
    let clients: Clients

    func audit(_ context: TenantContext, _ action: String, _ id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: "enrollment", objectId: id)
    }

    /// Enrolls the caller in the course's latest version, or returns the enrollment they have not finished.
    public func enroll(in courseId: String, context: TenantContext) async throws -> Enrollment {
        let now = clock.millis()
        return try await database.transaction { db in
            if let open = try await db.raw("""
                SELECT * FROM enrollments WHERE user_id = \(bind: context.userId) AND course_id = \(bind: courseId) AND completed_at IS NULL
                """).first() { return try Self.enrollment(open) }
            let course = try await Courses.course(courseId, version: nil, in: context, on: db)
            try await Courses.keep(course, in: context, at: now, on: db)
            let id = Tokens.opaqueId()
            try await db.raw("""
                INSERT INTO enrollments (id, org_id, user_id, course_id, course_version, progress, started_at, updated_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: context.userId), \(bind: course.id), \(bind: course.version),
                        \(bind: try Clients.json(TrainingProgress())), \(bind: now), \(bind: now))
                """).run()
            try await audit.append(audit(context, "training.enroll", id), on: db)
            return Enrollment(id: id, courseId: course.id, courseVersion: course.version, progress: TrainingProgress(), startedAt: Date(millis: now),
                              completedAt: nil)
        }
    }

    /// The caller's own enrollments, newest first.
    public func mine(in context: TenantContext) async throws -> [Enrollment] {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT * FROM enrollments WHERE org_id = \(bind: context.orgId) AND user_id = \(bind: context.userId) ORDER BY started_at DESC
                """).all().map(Self.enrollment)
        }
    }

    /// The course version an enrollment is for (the learner's own), without answers.
    public func course(of enrollmentId: String, in context: TenantContext) async throws -> Course {
        try await database.withConnection { db in try await load(enrollmentId, in: context, on: db).1.withoutAnswers }
    }

    /// The next step; for a check (or the pretest) the open attempt, drawing one if none is open.
    public func next(_ enrollmentId: String, in context: TenantContext) async throws -> TrainingNext {
        let now = clock.millis()
        return try await database.transaction { db in
            let (row, course) = try await load(enrollmentId, in: context, on: db)
            return try await step(of: try Self.enrollment(row), course: course, in: context, at: now, on: db)
        }
    }

    /// Marks the lesson the learner is on as read, or scores the answers to the open attempt.
    public func submit(_ submission: TrainingSubmission, to enrollmentId: String, in context: TenantContext) async throws -> ScoredAttempt {
        let now = clock.millis()
        return try await database.transaction { db in
            let (row, course) = try await load(enrollmentId, in: context, on: db)
            let enrollment = try Self.enrollment(row)
            var progress = enrollment.progress
            var scored: CheckScore?
            var feedback: [ScoredAttempt.Feedback] = []
            var turn: ExerciseTurn?
            let xapi = XAPIStatements(course: course, learner: context.userId, enrollment: enrollmentId)
            var statements: [XAPIStatement] = []
            switch TrainingRules.next(course, progress) {
            case .lesson(let module, let lesson):
                guard submission.lesson == lesson, submission.answers == nil, submission.exercise == nil else { throw TrainingError.outOfOrder }
                progress.lessonsDone.insert(lesson)
                if let read = course.modules.first(where: { $0.id == module })?.lessons.first(where: { $0.id == lesson }) {
                    statements.append(xapi.lessonRead(read, module: module, at: Date(millis: now)))
                }
            case .exercise(let module, let id):
                guard let move = submission.exercise, move.exercise == id, submission.lesson == nil, submission.answers == nil,
                      let exercise = course.modules.first(where: { $0.id == module })?.exercises?.first(where: { $0.id == id }) else {
                    throw TrainingError.outOfOrder
                }
                let (state, choice) = try ExerciseRules.apply(move, to: progress.exercises[id] ?? ExerciseState(), of: exercise)
                progress.exercises[id] = state
                turn = ExerciseTurn(exerciseId: id, choice: choice, state: state, finished: state.isDone ? exercise : nil)
                if let made = xapi.exerciseMove(move, exercise: exercise, module: module, state: state, now: Date(millis: now)) { statements.append(made) }
            case .pretest, .check:
                guard let answers = submission.answers, submission.lesson == nil, submission.exercise == nil,
                      let attempt = try await db.raw("""
                        SELECT * FROM training_attempts WHERE enrollment_id = \(bind: enrollmentId) AND finished_at IS NULL
                        """).first() else { throw TrainingError.outOfOrder }
                let stage = try attempt.decode(column: "stage", as: String.self)
                let (drawn, score, explained) = try await finish(attempt, answers: answers, course: course, at: now, on: db)
                if stage == "pretest" {
                    progress.pretestDone = true
                } else {
                    progress.attempts[stage, default: 0] += 1
                    if score.passed { progress.checksPassed.insert(stage) }
                }
                scored = score
                statements += xapi.attempt(stage: stage, answers: answers, drawn: drawn, score: score, at: Date(millis: now))
                feedback = explained
            case .locked, .evaluation, .complete:
                throw TrainingError.outOfOrder
            }
            try await save(progress, of: enrollmentId, at: now, on: db)
            try await Statements.record(statements, enrollmentId: enrollmentId, context: context, at: now, on: db)
            try await audit.append(audit(context, turn != nil ? "training.exercise" : scored == nil ? "training.lesson" : "training.attempt", enrollmentId),
                                   on: db)
            let updated = Enrollment(id: enrollment.id, courseId: enrollment.courseId, courseVersion: enrollment.courseVersion, progress: progress,
                                     startedAt: enrollment.startedAt, completedAt: nil)
            return ScoredAttempt(score: scored, feedback: feedback, exercise: turn, next: try await step(of: updated, course: course, in: context, at: now, on: db))
        }
    }

    /// The evaluation survey (and the time attestation), which completes the course.
    public func evaluate(_ evaluation: CourseEvaluation, for enrollmentId: String, in context: TenantContext) async throws -> TrainingNext {
        let now = clock.millis()
        return try await database.transaction { db in
            let (row, course) = try await load(enrollmentId, in: context, on: db)
            let enrollment = try Self.enrollment(row)
            guard TrainingRules.next(course, enrollment.progress) == .evaluation else { throw TrainingError.outOfOrder }
            for id in evaluation.answers.keys where !course.evaluation.contains(where: { $0.id == id }) {
                throw TrainingError.invalid(field: "answers", reason: LocalizedText("error_detail_training_evaluation_item", ["item": id]))
            }
            if course.timeAttestation {
                guard let minutes = evaluation.attestedMinutes, (1...course.minutes * 10).contains(minutes) else {
                    throw TrainingError.invalid(field: "attested_minutes", reason: LocalizedText("error_detail_training_attestation"))
                }
            }
            var progress = enrollment.progress
            progress.evaluationDone = true
            // Kept apart from the learner, for aggregate reporting as accreditors ask.
            try await db.raw("""
                INSERT INTO training_evaluations (id, org_id, course_id, course_version, answers, created_at)
                VALUES (\(bind: Tokens.opaqueId()), \(bind: context.orgId), \(bind: course.id), \(bind: course.version),
                        \(bind: try Clients.json(evaluation.answers)), \(bind: now))
                """).run()
            try await save(progress, of: enrollmentId, at: now, on: db)
            try await db.raw("""
                UPDATE enrollments SET attested_minutes = \(bind: evaluation.attestedMinutes.map(Int64.init)) WHERE id = \(bind: enrollmentId)
                """).run()
            try await audit.append(audit(context, "training.evaluation", enrollmentId), on: db)
            let updated = Enrollment(id: enrollment.id, courseId: enrollment.courseId, courseVersion: enrollment.courseVersion, progress: progress,
                                     startedAt: enrollment.startedAt, completedAt: nil)
            return try await step(of: updated, course: course, in: context, at: now, on: db)
        }
    }

    // MARK: Spaced refreshers

    /// Refreshers due for the caller's completed courses (the latest completion of each course).
    public func refreshersDue(in context: TenantContext) async throws -> [RefresherDue] {
        let today = clients.today()
        return try await database.withConnection { db in
            let rows = try await db.raw("""
                SELECT id, course_id, course_version, completed_at FROM enrollments
                WHERE org_id = \(bind: context.orgId) AND user_id = \(bind: context.userId) AND completed_at IS NOT NULL ORDER BY completed_at DESC
                """).all()
            var taken: [String: Set<Int>] = [:]
            for row in try await db.raw("""
                SELECT a.enrollment_id, a.stage FROM training_attempts a JOIN enrollments e ON e.id = a.enrollment_id
                WHERE e.org_id = \(bind: context.orgId) AND e.user_id = \(bind: context.userId) AND a.stage LIKE 'refresher-%' AND a.finished_at IS NOT NULL
                """).all() {
                if let months = RefresherRules.months(ofStage: try row.decode(column: "stage", as: String.self)) {
                    taken[try row.decode(column: "enrollment_id", as: String.self), default: []].insert(months)
                }
            }
            var seen = Set<String>(), due: [RefresherDue] = []
            for row in rows {
                let courseId = try row.decode(column: "course_id", as: String.self)
                guard seen.insert(courseId).inserted else { continue }
                let id = try row.decode(column: "id", as: String.self)
                let completedOn = Date(millis: try row.decode(column: "completed_at", as: Int64.self)).calendarDay(in: clients.policy.timeZone)
                guard let next = RefresherRules.due(completedOn: completedOn, taken: taken[id] ?? [], today: today) else { continue }
                let course = try await Courses.course(courseId, version: try row.decode(column: "course_version", as: String.self), in: context, on: db)
                due.append(RefresherDue(enrollmentId: id, courseId: courseId, courseTitle: course.title, months: next.months, dueOn: next.dueOn))
            }
            return due
        }
    }

    /// The refresher due on one of the caller's completed enrollments: its open draw, or a new one.
    public func refresher(_ enrollmentId: String, in context: TenantContext) async throws -> TrainingNext {
        let now = clock.millis()
        let stage = try await dueStage(enrollmentId, in: context)
        return try await database.transaction { db in
            let (_, course) = try await load(enrollmentId, in: context, on: db)
            let (attempt, questions) = try await openAttempt(enrollmentId, stage: stage, pool: TrainingRules.pretestPool(course),
                                                             count: min(RefresherRules.questions, course.questions.count), at: now, on: db)
            return TrainingNext(enrollmentId: enrollmentId, kind: .refresher, moduleId: nil, lesson: nil, attemptId: attempt, questions: questions,
                                evaluation: nil, attemptsLeft: nil)
        }
    }

    /// Scores the refresher's answers: feedback to learn from, recorded for the delayed post-test; nothing else changes.
    public func submitRefresher(_ answers: [String: [String]], to enrollmentId: String, in context: TenantContext) async throws -> ScoredAttempt {
        let now = clock.millis()
        let stage = try await dueStage(enrollmentId, in: context)
        return try await database.transaction { db in
            let (_, course) = try await load(enrollmentId, in: context, on: db)
            guard let attempt = try await db.raw("""
                SELECT id, drawn FROM training_attempts WHERE enrollment_id = \(bind: enrollmentId) AND stage = \(bind: stage) AND finished_at IS NULL
                """).first() else { throw TrainingError.outOfOrder }
            let (drawn, score, feedback) = try await finish(attempt, answers: answers, course: course, at: now, on: db)
            let xapi = XAPIStatements(course: course, learner: context.userId, enrollment: enrollmentId)
            try await Statements.record(xapi.attempt(stage: stage, answers: answers, drawn: drawn, score: score, at: Date(millis: now)),
                                        enrollmentId: enrollmentId, context: context, at: now, on: db)
            try await audit.append(audit(context, "training.refresher", enrollmentId), on: db)
            return ScoredAttempt(score: score, feedback: feedback, next: TrainingNext(enrollmentId: enrollmentId, kind: .refresher, moduleId: nil, lesson: nil,
                                                                                      attemptId: nil, questions: nil, evaluation: nil, attemptsLeft: nil))
        }
    }

    /// The stage of the refresher due now on the enrollment, or out of order when none is.
    func dueStage(_ enrollmentId: String, in context: TenantContext) async throws -> String {
        guard let due = try await refreshersDue(in: context).first(where: { $0.enrollmentId == enrollmentId }) else {
            // Someone else's enrollment is not found; the caller's own with nothing due is out of order.
            _ = try await database.withConnection { db in try await load(enrollmentId, in: context, on: db) }
            throw TrainingError.outOfOrder
        }
        return RefresherRules.stage(due.months)
    }

    // MARK: Inside a transaction

    /// Scores an open attempt's answers (only its drawn questions), closes it, and gives each question's explanation.
    func finish(_ attempt: any SQLRow, answers: [String: [String]], course: Course, at now: Int64,
                on db: any SQLDatabase) async throws -> (drawn: [String], score: CheckScore, feedback: [ScoredAttempt.Feedback]) {
        let drawn = try JSONDecoder().decode([String].self, from: Data(try attempt.decode(column: "drawn", as: String.self).utf8))
        let questions = course.questions
        let score = try TrainingRules.score(answers, drawn: drawn, questions: questions, passPercent: course.passPercent)
        try await db.raw("""
            UPDATE training_attempts SET answers = \(bind: try Clients.json(answers)), correct = \(bind: Int64(score.correct)),
                   percent = \(bind: Int64(score.percent)), passed = \(bind: Int64(score.passed ? 1 : 0)), finished_at = \(bind: now)
            WHERE id = \(bind: try attempt.decode(column: "id", as: String.self))
            """).run()
        let feedback = drawn.compactMap { id in
            questions[id].map { ScoredAttempt.Feedback(question: id, right: score.right[id] ?? false, correct: $0.correct, explanation: $0.explanation,
                                                source: $0.source) }
        }
        return (drawn, score, feedback)
    }

    /// The learner's own enrollment and the course version it is for; anyone else's is not found.
    func load(_ id: String, in context: TenantContext, on db: any SQLDatabase) async throws -> (any SQLRow, Course) {
        guard let row = try await db.raw("""
            SELECT * FROM enrollments WHERE id = \(bind: id) AND org_id = \(bind: context.orgId) AND user_id = \(bind: context.userId)
            """).first() else { throw AccessError.notFound }
        let course = try await Courses.course(try row.decode(column: "course_id", as: String.self),
                                              version: try row.decode(column: "course_version", as: String.self), in: context, on: db)
        return (row, course)
    }

    /// Where the enrollment stands, drawing a new attempt when a check (or the pretest) has none
    /// open, and recording completion the moment there is nothing left to do.
    func step(of enrollment: Enrollment, course: Course, in context: TenantContext, at now: Int64, on db: any SQLDatabase) async throws -> TrainingNext {
        func next(_ kind: TrainingNext.Kind, module: String? = nil, lesson: Course.Lesson? = nil, attempt: String? = nil, questions: [Course.Question]? = nil,
                  evaluation: [Course.EvaluationItem]? = nil, left: Int? = nil, exercise: ExerciseView? = nil) -> TrainingNext {
            TrainingNext(enrollmentId: enrollment.id, kind: kind, moduleId: module, lesson: lesson, attemptId: attempt, questions: questions,
                         evaluation: evaluation, attemptsLeft: left, exercise: exercise)
        }
        switch TrainingRules.next(course, enrollment.progress) {
        case .lesson(let module, let lesson):
            return next(.lesson, module: module, lesson: course.modules.first { $0.id == module }?.lessons.first { $0.id == lesson })
        case .exercise(let module, let id):
            guard let exercise = course.modules.first(where: { $0.id == module })?.exercises?.first(where: { $0.id == id }) else { throw AccessError.notFound }
            return next(.exercise, module: module, exercise: try ExerciseRules.view(exercise, enrollment.progress.exercises[id] ?? ExerciseState(),
                                                                                   language: Language(rawValue: course.language) ?? .en))
        case .pretest:
            let (id, questions) = try await openAttempt(enrollment.id, stage: "pretest", pool: TrainingRules.pretestPool(course),
                                                        count: course.pretest?.count ?? 0, at: now, on: db)
            return next(.pretest, attempt: id, questions: questions)
        case .check(let module):
            let check = course.modules.first { $0.id == module }!.check
            let (id, questions) = try await openAttempt(enrollment.id, stage: module, pool: check.pool, count: check.draw.count, at: now, on: db)
            return next(.check, module: module, attempt: id, questions: questions,
                        left: course.maxAttempts.map { $0 - enrollment.progress.attempts[module, default: 0] })
        case .locked(let module):
            return next(.locked, module: module, left: 0)
        case .evaluation:
            return next(.evaluation, evaluation: course.evaluation)
        case .complete:
            let completed = try await db.raw("""
                UPDATE enrollments SET completed_at = \(bind: now) WHERE id = \(bind: enrollment.id) AND completed_at IS NULL RETURNING id
                """).all()
            if !completed.isEmpty {
                try await Certificates.issue(for: enrollment.id, course: course, in: context, at: now, on: db)
                let done = XAPIStatements(course: course, learner: context.userId, enrollment: enrollment.id).courseCompleted(startedAt: enrollment.startedAt,
                                                                                                                             at: Date(millis: now))
                try await Statements.record([done], enrollmentId: enrollment.id, context: context, at: now, on: db)
            }
            return next(.complete)
        }
    }

    /// The open attempt at `stage`, or a new random draw from `pool`; its questions without answers.
    func openAttempt(_ enrollmentId: String, stage: String, pool: [Course.Question], count: Int, at now: Int64,
                     on db: any SQLDatabase) async throws -> (String, [Course.Question]) {
        let byId = Dictionary(pool.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        if let open = try await db.raw("""
            SELECT id, drawn FROM training_attempts WHERE enrollment_id = \(bind: enrollmentId) AND stage = \(bind: stage) AND finished_at IS NULL
            """).first() {
            let drawn = try JSONDecoder().decode([String].self, from: Data(try open.decode(column: "drawn", as: String.self).utf8))
            return (try open.decode(column: "id", as: String.self), drawn.compactMap { byId[$0] }.map(\.withoutAnswer))
        }
        var generator = SystemRandomNumberGenerator()
        let drawn = TrainingRules.draw(pool, count: count, using: &generator)
        let id = Tokens.opaqueId()
        try await db.raw("""
            INSERT INTO training_attempts (id, enrollment_id, stage, drawn, started_at)
            VALUES (\(bind: id), \(bind: enrollmentId), \(bind: stage), \(bind: try Clients.json(drawn)), \(bind: now))
            """).run()
        return (id, drawn.compactMap { byId[$0] }.map(\.withoutAnswer))
    }

    func save(_ progress: TrainingProgress, of id: String, at now: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE enrollments SET progress = \(bind: try Clients.json(progress)), updated_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    static func enrollment(_ row: any SQLRow) throws -> Enrollment {
        Enrollment(id: try row.decode(column: "id", as: String.self), courseId: try row.decode(column: "course_id", as: String.self),
                   courseVersion: try row.decode(column: "course_version", as: String.self),
                   progress: try JSONDecoder().decode(TrainingProgress.self, from: Data(try row.decode(column: "progress", as: String.self).utf8)),
                   startedAt: Date(millis: try row.decode(column: "started_at", as: Int64.self)),
                   completedAt: try row.decode(column: "completed_at", as: Int64?.self).map(Date.init(millis:)))
    }
}
