import Foundation

/// A learner's enrollment in one version of a course.
public struct Enrollment: Codable, Sendable, Equatable {
    public let id: String
    public let courseId: String
    public let courseVersion: String
    public let progress: TrainingProgress
    public let startedAt: Date
    public let completedAt: Date?

    public init(id: String, courseId: String, courseVersion: String, progress: TrainingProgress, startedAt: Date, completedAt: Date?) {
        self.id = id
        self.courseId = courseId
        self.courseVersion = courseVersion
        self.progress = progress
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

/// What the learner does next, with what they need to do it.
public struct TrainingNext: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case pretest, lesson, exercise, check, locked, evaluation, complete, refresher }
    public let enrollmentId: String
    public let kind: Kind
    public let moduleId: String?
    public let lesson: Course.Lesson?
    public let attemptId: String?
    /// The open attempt's drawn questions, without their answers.
    public let questions: [Course.Question]?
    public let evaluation: [Course.EvaluationItem]?
    public let attemptsLeft: Int?
    /// At an exercise: where the learner stands in it and what they see there.
    public let exercise: ExerciseView?

    public init(enrollmentId: String, kind: Kind, moduleId: String?, lesson: Course.Lesson?, attemptId: String?, questions: [Course.Question]?,
                evaluation: [Course.EvaluationItem]?, attemptsLeft: Int?, exercise: ExerciseView? = nil) {
        self.exercise = exercise
        self.enrollmentId = enrollmentId
        self.kind = kind
        self.moduleId = moduleId
        self.lesson = lesson
        self.attemptId = attemptId
        self.questions = questions
        self.evaluation = evaluation
        self.attemptsLeft = attemptsLeft
    }
}

/// What a learner sends: a lesson read, the answers to the open attempt, or a move in an exercise.
public struct TrainingSubmission: Codable, Sendable, Equatable {
    public var lesson: String?
    public var answers: [String: [String]]?
    public var exercise: ExerciseMove?
    public init(lesson: String? = nil, answers: [String: [String]]? = nil, exercise: ExerciseMove? = nil) {
        self.lesson = lesson
        self.answers = answers
        self.exercise = exercise
    }
}

/// An exercise move taken: the choice with its reply and feedback, and, once the steps are
/// picked, the whole exercise (nothing left to give away) and the learner's path for the debrief.
public struct ExerciseTurn: Codable, Sendable, Equatable {
    public let exerciseId: String
    public let choice: Exercise.Choice?
    public let state: ExerciseState
    public let finished: Exercise?
    public init(exerciseId: String, choice: Exercise.Choice?, state: ExerciseState, finished: Exercise?) {
        (self.exerciseId, self.choice, self.state, self.finished) = (exerciseId, choice, state, finished)
    }
}

/// An attempt scored, with each drawn question's explanation and source to learn from.
public struct ScoredAttempt: Codable, Sendable, Equatable {
    public struct Feedback: Codable, Sendable, Equatable {
        public let question: String, right: Bool, correct: [String], explanation: String, source: String
        public init(question: String, right: Bool, correct: [String], explanation: String, source: String) {
            (self.question, self.right, self.correct, self.explanation, self.source) = (question, right, correct, explanation, source)
        }
    }
    public let score: CheckScore?
    public let feedback: [Feedback]
    public let exercise: ExerciseTurn?
    public let next: TrainingNext

    public init(score: CheckScore?, feedback: [Feedback], exercise: ExerciseTurn? = nil, next: TrainingNext) {
        self.exercise = exercise
        self.score = score
        self.feedback = feedback
        self.next = next
    }
}

/// The evaluation survey's answers and, when the course asks, the minutes the learner attests.
public struct CourseEvaluation: Codable, Sendable, Equatable {
    public var answers: [String: String]
    public var attestedMinutes: Int?
    public init(answers: [String: String], attestedMinutes: Int? = nil) {
        self.answers = answers
        self.attestedMinutes = attestedMinutes
    }
}
