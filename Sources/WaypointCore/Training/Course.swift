import Foundation

/// A course as data: the bundle a trainer imports and exports (`format` "waypoint-course/1",
/// snake_case JSON; lesson bodies in Markdown). A course is identified by `id` and versioned by
/// `version`: completions point at the version taken, so revising a course never rewrites a record.
public struct Course: Codable, Sendable, Equatable {
    public static let format = "waypoint-course/1"

    public var format: String
    public var id: String
    public var version: String
    public var language: String
    public var title: String
    public var summary: String
    public var objectives: [String]
    /// Estimated time to complete, in minutes: what credit is computed from (60 min = 1 hour for ANCC and ACCME).
    public var minutes: Int
    /// Continuing-education fields the organization supplies; the platform awards nothing by itself.
    public var ce: ContinuingEducation?
    /// Percent of a check's drawn questions answered right to pass it.
    public var passPercent: Int
    /// Attempts allowed per check; nil means as many as the learner needs.
    public var maxAttempts: Int?
    /// The learner attests the time spent before the certificate (accreditors ask for it).
    public var timeAttestation: Bool
    /// ACCME's enduring-material dates: released, last reviewed, and when the course stops being offered.
    public var releasedOn: String?
    public var reviewedOn: String?
    public var expiresOn: String?
    /// What the course covers, for the requirements it can satisfy (e.g. "definitions", "reporting").
    public var topics: [String]
    /// Questions drawn from the modules' pools before the first lesson, to measure change.
    public var pretest: Draw?
    public var modules: [Module]
    public var evaluation: [EvaluationItem]

    public init(format: String, id: String, version: String, language: String, title: String, summary: String, objectives: [String], minutes: Int,
                ce: ContinuingEducation?, passPercent: Int, maxAttempts: Int?, timeAttestation: Bool, releasedOn: String?, reviewedOn: String?,
                expiresOn: String?, topics: [String], pretest: Draw?, modules: [Module], evaluation: [EvaluationItem]) {
        (self.format, self.id, self.version, self.language, self.title, self.summary, self.objectives, self.minutes) =
            (format, id, version, language, title, summary, objectives, minutes)
        (self.ce, self.passPercent, self.maxAttempts, self.timeAttestation, self.releasedOn, self.reviewedOn, self.expiresOn) =
            (ce, passPercent, maxAttempts, timeAttestation, releasedOn, reviewedOn, expiresOn)
        (self.topics, self.pretest, self.modules, self.evaluation) = (topics, pretest, modules, evaluation)
    }

    public struct ContinuingEducation: Codable, Sendable, Equatable {
        public var provider: String
        /// The accreditation statement exactly as the organization's accreditor requires it printed.
        public var statement: String
        public var hours: Double?

        public init(provider: String, statement: String, hours: Double? = nil) {
            self.provider = provider
            self.statement = statement
            self.hours = hours
        }
    }

    public struct Draw: Codable, Sendable, Equatable {
        /// How many questions each attempt draws at random.
        public var count: Int
        public init(count: Int) { self.count = count }
    }

    public struct Module: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var minutes: Int
        public var lessons: [Lesson]
        /// Case exercises taken after the lessons, before the check.
        public var exercises: [Exercise]?
        public var check: Check

        public init(id: String, title: String, minutes: Int, lessons: [Lesson], exercises: [Exercise]? = nil, check: Check) {
            self.id = id
            self.title = title
            self.minutes = minutes
            self.lessons = lessons
            self.exercises = exercises
            self.check = check
        }
    }

    public struct Lesson: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        /// Markdown; rendered server-side to a safe subset of HTML (never raw HTML from a bundle).
        public var body: String
        /// The public sources the lesson's claims come from, cited on the page.
        public var sources: [Source]
        /// Lists the product's indicator library of this kind ("sex", "labor" or "any") under the lesson, with each entry's source.
        public var indicators: String?

        public init(id: String, title: String, body: String, sources: [Source], indicators: String? = nil) {
            self.id = id
            self.title = title
            self.body = body
            self.sources = sources
            self.indicators = indicators
        }
    }

    public struct Source: Codable, Sendable, Equatable {
        public var id: String
        public var citation: String
        public var url: String?

        public init(id: String, citation: String, url: String? = nil) {
            self.id = id
            self.citation = citation
            self.url = url
        }
    }

    /// A knowledge check: each attempt draws `draw.count` questions from the pool.
    public struct Check: Codable, Sendable, Equatable {
        public var draw: Draw
        public var pool: [Question]

        public init(draw: Draw, pool: [Question]) {
            self.draw = draw
            self.pool = pool
        }
    }

    public struct Question: Codable, Sendable, Equatable {
        public var id: String
        public var text: String
        public var choices: [Choice]
        /// The choices that together make the right answer (one for single choice).
        public var correct: [String]
        /// Shown after the attempt: why the answer is right, with its source.
        public var explanation: String
        public var source: String

        public init(id: String, text: String, choices: [Choice], correct: [String], explanation: String, source: String) {
            self.id = id
            self.text = text
            self.choices = choices
            self.correct = correct
            self.explanation = explanation
            self.source = source
        }

        /// As a learner sees it before answering: no right answer, no explanation.
        public var withoutAnswer: Question {
            Question(id: id, text: text, choices: choices, correct: [], explanation: "", source: source)
        }
    }

    public struct Choice: Codable, Sendable, Equatable {
        public var id: String
        public var text: String
        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    public struct EvaluationItem: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case scale, text }
        public var id: String
        public var text: String
        public var kind: Kind
        public init(id: String, text: String, kind: Kind) {
            self.id = id
            self.text = text
            self.kind = kind
        }
    }

    /// Every question of every module's pool, by id.
    public var questions: [String: Question] {
        Dictionary(modules.flatMap(\.check.pool).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The course as a learner sees it before answering: no right answers, no explanations.
    public var withoutAnswers: Course {
        var copy = self
        for index in copy.modules.indices {
            copy.modules[index].check.pool = copy.modules[index].check.pool.map(\.withoutAnswer)
            copy.modules[index].exercises = copy.modules[index].exercises?.map(\.unmarked)
        }
        return copy
    }
}
