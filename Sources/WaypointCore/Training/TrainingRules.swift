import Foundation

public enum TrainingError: UserFacingError, Equatable {
    /// An answer to a question the learner was not given in this attempt.
    case notInDraw(String)
    case unanswered([String])
    case unknownChoice(question: String, choice: String)
    /// Every attempt the course allows at this check is used.
    case noAttemptsLeft(module: String)
    /// Not the step the learner is on (an answer with no open attempt, an evaluation before the checks).
    case outOfOrder
    case invalid(field: String, reason: LocalizedText)

    public var messageKey: String {
        switch self {
        case .notInDraw: "error_training_not_in_draw"
        case .unanswered: "error_training_unanswered"
        case .unknownChoice: "error_training_unknown_choice"
        case .noAttemptsLeft: "error_training_no_attempts"
        case .outOfOrder: "error_training_out_of_order"
        case .invalid: "error_training_invalid"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .notInDraw, .unanswered, .unknownChoice, .invalid: .invalid
        case .noAttemptsLeft, .outOfOrder: .conflict
        }
    }

    public var field: String? {
        switch self {
        case .notInDraw, .unanswered, .unknownChoice: "answers"
        case .invalid(let field, _): field
        case .noAttemptsLeft, .outOfOrder: nil
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .notInDraw(let id): LocalizedText("error_detail_training_not_in_draw", ["question": id])
        case .unanswered(let ids): LocalizedText("error_detail_training_unanswered", ["questions": ids.joined(separator: ", ")])
        case .unknownChoice(let question, let choice): LocalizedText("error_detail_training_choice", ["question": question, "choice": choice])
        case .invalid(_, let reason): reason
        case .noAttemptsLeft, .outOfOrder: nil
        }
    }
}

/// Where a learner is in a course: what the enrollment has done so far.
public struct TrainingProgress: Codable, Sendable, Equatable {
    public var pretestDone: Bool
    public var lessonsDone: Set<String>
    /// Modules whose check is passed.
    public var checksPassed: Set<String>
    /// Attempts used per module.
    public var attempts: [String: Int]
    public var evaluationDone: Bool
    /// Each exercise begun, by id: the learner's path through it.
    public var exercises: [String: ExerciseState]

    public init(pretestDone: Bool = false, lessonsDone: Set<String> = [], checksPassed: Set<String> = [], attempts: [String: Int] = [:],
                evaluationDone: Bool = false, exercises: [String: ExerciseState] = [:]) {
        self.pretestDone = pretestDone
        self.lessonsDone = lessonsDone
        self.checksPassed = checksPassed
        self.attempts = attempts
        self.evaluationDone = evaluationDone
        self.exercises = exercises
    }

    private enum CodingKeys: String, CodingKey { case pretestDone, lessonsDone, checksPassed, attempts, evaluationDone, exercises }

    /// Progress stored before a field existed reads it as not begun.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pretestDone = try container.decodeIfPresent(Bool.self, forKey: .pretestDone) ?? false
        lessonsDone = try container.decodeIfPresent(Set<String>.self, forKey: .lessonsDone) ?? []
        checksPassed = try container.decodeIfPresent(Set<String>.self, forKey: .checksPassed) ?? []
        attempts = try container.decodeIfPresent([String: Int].self, forKey: .attempts) ?? [:]
        evaluationDone = try container.decodeIfPresent(Bool.self, forKey: .evaluationDone) ?? false
        exercises = try container.decodeIfPresent([String: ExerciseState].self, forKey: .exercises) ?? [:]
    }
}

/// The step a learner takes next.
public enum TrainingStep: Equatable, Sendable {
    case pretest
    case lesson(module: String, lesson: String)
    case exercise(module: String, exercise: String)
    case check(module: String)
    /// Out of attempts at this check: a trainer must reset it.
    case locked(module: String)
    case evaluation
    case complete
}

/// A check's outcome: which drawn questions were right, the percent and whether it passes.
public struct CheckScore: Codable, Sendable, Equatable {
    public let correct: Int
    public let total: Int
    public let percent: Int
    public let passed: Bool
    /// Per question: right or not (the explanation is shown beside it).
    public let right: [String: Bool]
}

/// Taking a course. Pure: the random source is passed in.
public enum TrainingRules {

    public static func next(_ course: Course, _ progress: TrainingProgress) -> TrainingStep {
        if course.pretest != nil, !progress.pretestDone { return .pretest }
        for module in course.modules {
            if let lesson = module.lessons.first(where: { !progress.lessonsDone.contains($0.id) }) { return .lesson(module: module.id, lesson: lesson.id) }
            if let exercise = (module.exercises ?? []).first(where: { !(progress.exercises[$0.id]?.isDone ?? false) }) {
                return .exercise(module: module.id, exercise: exercise.id)
            }
            if !progress.checksPassed.contains(module.id) {
                if let limit = course.maxAttempts, progress.attempts[module.id, default: 0] >= limit { return .locked(module: module.id) }
                return .check(module: module.id)
            }
        }
        if !course.evaluation.isEmpty, !progress.evaluationDone { return .evaluation }
        return .complete
    }

    /// `count` questions of `pool` in random order, none twice.
    public static func draw<G: RandomNumberGenerator>(_ pool: [Course.Question], count: Int, using generator: inout G) -> [String] {
        Array(pool.map(\.id).shuffled(using: &generator).prefix(count))
    }

    /// The pretest draws from every module's pool.
    public static func pretestPool(_ course: Course) -> [Course.Question] { course.modules.flatMap(\.check.pool) }

    /// Scores the answers to one attempt's drawn questions; every drawn question must be answered,
    /// and nothing else. A question is right when exactly its right choices are chosen.
    public static func score(_ answers: [String: [String]], drawn: [String], questions: [String: Course.Question], passPercent: Int) throws -> CheckScore {
        for id in answers.keys.sorted() where !drawn.contains(id) { throw TrainingError.notInDraw(id) }
        let missing = drawn.filter { (answers[$0] ?? []).isEmpty }
        guard missing.isEmpty else { throw TrainingError.unanswered(missing) }
        var right: [String: Bool] = [:]
        for id in drawn {
            guard let question = questions[id] else { throw TrainingError.notInDraw(id) }
            let chosen = answers[id] ?? []
            for choice in chosen where !question.choices.contains(where: { $0.id == choice }) {
                throw TrainingError.unknownChoice(question: id, choice: choice)
            }
            right[id] = Set(chosen) == Set(question.correct)
        }
        let correct = right.values.filter { $0 }.count
        let percent = drawn.isEmpty ? 0 : correct * 100 / drawn.count
        return CheckScore(correct: correct, total: drawn.count, percent: percent, passed: percent >= passPercent, right: right)
    }
}
