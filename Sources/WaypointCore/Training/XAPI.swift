import Crypto
import Foundation

/// An xAPI 1.0.3 statement (actor — verb — object — result — context), as plain Codable: no Swift
/// xAPI library is maintained. Stored with activity ids relative to the server ("courses/…") and
/// the actor as the learner's opaque id; `resolved(base:)` makes the IRIs absolute with the
/// server's public address when the statements leave (export, forwarding to an LRS), so a change
/// of host name does not rewrite six years of records. Names and e-mail never leave.
public struct XAPIStatement: Codable, Sendable, Equatable {
    public struct Verb: Codable, Sendable, Equatable {
        public let id: String
        public let display: [String: String]
    }
    public struct Account: Codable, Sendable, Equatable {
        public var homePage: String
        public var name: String
    }
    public struct Agent: Codable, Sendable, Equatable {
        public var objectType = "Agent"
        public var account: Account
    }
    public struct InteractionComponent: Codable, Sendable, Equatable {
        public let id: String
        public let description: [String: String]
    }
    public struct Definition: Codable, Sendable, Equatable {
        public var name: [String: String]?
        public var type: String?
        public var interactionType: String?
        public var correctResponsesPattern: [String]?
        public var choices: [InteractionComponent]?
    }
    public struct Activity: Codable, Sendable, Equatable {
        public var objectType = "Activity"
        public var id: String
        public var definition: Definition?
    }
    public struct Score: Codable, Sendable, Equatable {
        public let scaled: Double, raw: Double, min: Double, max: Double
    }
    public struct Result: Codable, Sendable, Equatable {
        public var score: Score?
        public var success: Bool?
        public var completion: Bool?
        public var response: String?
        public var duration: String?
    }
    public struct ContextActivities: Codable, Sendable, Equatable {
        public var parent: [Activity]?
        public var grouping: [Activity]?
    }
    public struct Context: Codable, Sendable, Equatable {
        public var registration: String?
        public var contextActivities: ContextActivities?
        public var platform: String?
        public var language: String?
    }

    public var id: String
    public var actor: Agent
    public var verb: Verb
    public var object: Activity
    public var result: Result?
    public var context: Context?
    public var timestamp: String

    /// With absolute IRIs under `base` (the server's public address) and the actor's account there.
    public func resolved(base: String) -> XAPIStatement {
        func absolute(_ activity: Activity) -> Activity {
            var copy = activity
            if !copy.id.contains(":") { copy.id = base + "/xapi/activities/" + copy.id }
            return copy
        }
        var copy = self
        copy.actor.account.homePage = base
        copy.object = absolute(object)
        copy.context?.contextActivities?.parent = context?.contextActivities?.parent?.map(absolute)
        copy.context?.contextActivities?.grouping = context?.contextActivities?.grouping?.map(absolute)
        return copy
    }

    /// xAPI's own member names (camelCase), as an LRS expects them.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// The statements a learning event makes: lesson read, question answered, check passed or failed,
/// exercise decision, exercise done, course completed. Pure: ids and times are passed in.
public struct XAPIStatements: Sendable {
    public let course: Course
    public let learner: String
    public let enrollment: String

    public init(course: Course, learner: String, enrollment: String) {
        (self.course, self.learner, self.enrollment) = (course, learner, enrollment)
    }

    public enum Verbs {
        public static let experienced = verb("experienced")
        public static let answered = verb("answered")
        public static let responded = verb("responded")
        public static let passed = verb("passed")
        public static let failed = verb("failed")
        public static let completed = verb("completed")
        static func verb(_ word: String) -> XAPIStatement.Verb { .init(id: "http://adlnet.gov/expapi/verbs/" + word, display: ["en-US": word]) }
    }

    static let activityType = "http://adlnet.gov/expapi/activities/"

    /// The enrollment as an xAPI registration: a UUID derived from its id, the same every time.
    public var registration: String {
        var bytes = Array(SHA256.hash(data: Data(("waypoint-enrollment:" + enrollment).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: a name-based UUID of our own making
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    var courseActivity: XAPIStatement.Activity {
        .init(id: "courses/\(course.id)/\(course.version)", definition: .init(name: [course.language: course.title], type: Self.activityType + "course"))
    }

    func moduleActivity(_ moduleId: String) -> XAPIStatement.Activity {
        let title = course.modules.first { $0.id == moduleId }?.title ?? moduleId
        return .init(id: "courses/\(course.id)/\(course.version)/modules/\(moduleId)", definition: .init(name: [course.language: title], type: Self.activityType + "module"))
    }

    func statement(_ verb: XAPIStatement.Verb, _ object: XAPIStatement.Activity, result: XAPIStatement.Result? = nil, parent: String?,
                   id: UUID, at time: Date) -> XAPIStatement {
        XAPIStatement(id: id.uuidString.lowercased(), actor: .init(account: .init(homePage: "", name: learner)), verb: verb, object: object, result: result,
                      context: .init(registration: registration,
                                     contextActivities: .init(parent: parent.map { [moduleActivity($0)] }, grouping: [courseActivity]),
                                     platform: "Waypoint", language: course.language),
                      timestamp: ISO8601DateFormatter.string(from: time, timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds]))
    }

    public func lessonRead(_ lesson: Course.Lesson, module: String, id: UUID = UUID(), at time: Date) -> XAPIStatement {
        statement(Verbs.experienced, .init(id: "courses/\(course.id)/\(course.version)/lessons/\(lesson.id)",
                                           definition: .init(name: [course.language: lesson.title], type: Self.activityType + "lesson")),
                  parent: module, id: id, at: time)
    }

    /// One statement per drawn question, then the attempt passed or failed with its score (the pretest and refreshers "completed").
    public func attempt(stage: String, answers: [String: [String]], drawn: [String], score: CheckScore, at time: Date) -> [XAPIStatement] {
        let questions = course.questions
        let refresher = RefresherRules.months(ofStage: stage)
        let module = stage == "pretest" || refresher != nil ? nil : stage
        var statements = drawn.compactMap { id -> XAPIStatement? in
            guard let question = questions[id] else { return nil }
            let activity = XAPIStatement.Activity(
                id: "courses/\(course.id)/\(course.version)/questions/\(id)",
                definition: .init(name: [course.language: question.text], type: Self.activityType + "cmi.interaction", interactionType: "choice",
                                  correctResponsesPattern: [question.correct.joined(separator: "[,]")],
                                  choices: question.choices.map { .init(id: $0.id, description: [course.language: $0.text]) }))
            return statement(Verbs.answered, activity, result: .init(success: score.right[id] ?? false, response: (answers[id] ?? []).joined(separator: "[,]")),
                             parent: module, id: UUID(), at: time)
        }
        let path = module.map { "modules/\($0)/check" } ?? refresher.map { "refreshers/\($0)" } ?? "pretest"
        let strings = Localizer(Language(rawValue: course.language) ?? .en)
        let name = module != nil ? strings["training_check"]
            : refresher.map { strings.format("training_refresher_months", ["months": String($0)]) } ?? strings["training_pretest"]
        let assessment = XAPIStatement.Activity(id: "courses/\(course.id)/\(course.version)/" + path,
                                                definition: .init(name: [course.language: name], type: Self.activityType + "assessment"))
        let scored = XAPIStatement.Score(scaled: Double(score.percent) / 100, raw: Double(score.percent), min: 0, max: 100)
        let verb = module == nil ? Verbs.completed : score.passed ? Verbs.passed : Verbs.failed
        statements.append(statement(verb, assessment, result: .init(score: scored, success: module == nil ? nil : score.passed, completion: true),
                                    parent: module, id: UUID(), at: time))
        return statements
    }

    func exerciseActivity(_ exercise: Exercise) -> XAPIStatement.Activity {
        .init(id: "courses/\(course.id)/\(course.version)/exercises/\(exercise.id)",
              definition: .init(name: [course.language: exercise.title], type: Self.activityType + "simulation"))
    }

    /// A move in an exercise: the choice at a decision (success when it is a best choice), the
    /// answers recorded in the instrument, or the steps picked (success when they match the plan).
    public func exerciseMove(_ move: ExerciseMove, exercise: Exercise, module: String, state: ExerciseState, now: Date) -> XAPIStatement? {
        let base = "courses/\(course.id)/\(course.version)/exercises/\(exercise.id)"
        if let decisionId = move.decision, let decision = exercise.decisions.first(where: { $0.id == decisionId }),
           let choice = decision.choices.first(where: { $0.id == move.choice }) {
            let activity = XAPIStatement.Activity(
                id: base + "/decisions/\(decision.id)",
                definition: .init(name: [course.language: decision.prompt], type: Self.activityType + "cmi.interaction", interactionType: "choice",
                                  correctResponsesPattern: decision.choices.filter(\.best).map(\.id),
                                  choices: decision.choices.map { .init(id: $0.id, description: [course.language: $0.text]) }))
            return statement(Verbs.responded, activity, result: .init(success: choice.best, response: choice.id), parent: module, id: UUID(), at: now)
        }
        if let entered = move.entered, let interview = exercise.interview {
            let activity = XAPIStatement.Activity(id: base + "/interview",
                                                  definition: .init(name: [course.language: interview.instrument], type: Self.activityType + "cmi.interaction",
                                                                    interactionType: "other"))
            let response = interview.items.map { "\($0.item)=\((entered[$0.item] ?? .notAsked).rawValue)" }.joined(separator: "[,]")
            return statement(Verbs.answered, activity, result: .init(response: response), parent: module, id: UUID(), at: now)
        }
        if let actions = state.actions {
            let matched = (try? ExerciseRules.debrief(exercise, state, strings: .english, now: now).planMatched) ?? false
            return statement(Verbs.completed, exerciseActivity(exercise),
                             result: .init(success: matched, completion: true, response: actions.map(\.rawValue).joined(separator: "[,]")),
                             parent: module, id: UUID(), at: now)
        }
        return nil
    }

    /// The course completed, with the time from enrollment (ISO 8601 duration).
    public func courseCompleted(startedAt: Date, at time: Date) -> XAPIStatement {
        let seconds = max(0, Int(time.timeIntervalSince(startedAt)))
        return statement(Verbs.completed, courseActivity, result: .init(completion: true, duration: "PT\(seconds)S"), parent: nil, id: UUID(), at: time)
    }
}

/// Where an organization's statements are forwarded: an LRS's statement endpoint base (the
/// `/statements` resource is appended) and its Basic credentials.
public struct LRSSettings: Codable, Sendable, Equatable {
    public var endpoint: String
    public var username: String
    public var password: String

    public init(endpoint: String, username: String, password: String) {
        (self.endpoint, self.username, self.password) = (endpoint, username, password)
    }

    /// An absolute `https` address without credentials or fragment in it, and the credentials within
    /// bounds. Plain `http` only to a loopback host, and only where the operator allows it for tests
    /// (`allowLoopbackHTTP`); whether the host's addresses are public is checked where it is resolved.
    public func checked(allowLoopbackHTTP: Bool = false) throws -> LRSSettings {
        var copy = self
        copy.endpoint = endpoint.trimmingCharacters(in: .whitespaces)
        while copy.endpoint.hasSuffix("/") { copy.endpoint.removeLast() }
        guard let url = URL(string: copy.endpoint), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
              scheme == "https" || (scheme == "http" && allowLoopbackHTTP && Self.loopbackNames.contains(host)),
              url.user == nil, url.fragment == nil, copy.endpoint.count <= 500 else {
            throw TrainingError.invalid(field: "endpoint", reason: LocalizedText("error_detail_lrs_endpoint"))
        }
        guard !username.isEmpty, username.count <= 200, !username.contains(":"), password.count <= 500 else {
            throw TrainingError.invalid(field: "username", reason: LocalizedText("error_detail_lrs_credentials"))
        }
        return copy
    }

    /// Hosts that are loopback by name or literal (the only ones plain `http` may name, in tests).
    public static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]", "::1"]

    /// The one message every failure to forward gives the organization: whether a port was closed,
    /// refused, redirected or answered with an error must not be told apart from outside.
    public static let failureMessage = "not accepted"
}

/// Where forwarding stands for an organization (the password is never read back).
public struct LRSStatus: Codable, Sendable, Equatable {
    public let endpoint: String?
    public let username: String?
    public let pending: Int
    public let forwarded: Int
    /// Statements whose last attempt failed and that wait for their next try.
    public let retrying: Int
    public let lastError: String?

    public init(endpoint: String?, username: String?, pending: Int, forwarded: Int, retrying: Int, lastError: String?) {
        (self.endpoint, self.username, self.pending, self.forwarded, self.retrying, self.lastError) = (endpoint, username, pending, forwarded, retrying, lastError)
    }
}
