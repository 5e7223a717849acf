import Foundation

/// What is wrong with a course bundle, where: "modules[2].check.pool[4].correct".
public struct CourseProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// A bundle refused as a whole: nothing was imported.
public struct CourseImportError: UserFacingError, Equatable {
    public let problems: [CourseProblem]
    public init(problems: [CourseProblem]) { self.problems = problems }
    public var messageKey: String { "error_course_import" }
    public var kind: FailureKind { .invalid }
    public var field: String? { problems.first?.path }
    /// Technical (JSON paths, for the trainer who wrote the bundle) and shown as found, like a directory import's.
    public var detail: LocalizedText? {
        let shown = problems.prefix(20).map(\.description).joined(separator: "; ")
        return LocalizedText("error_detail_as_given", ["text": problems.count > 20 ? shown + "; and \(problems.count - 20) more" : shown])
    }
}

/// Reads and checks a course bundle: every problem found, with its path, or the course.
public enum CourseBundle {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func read(_ data: Data) throws -> Course {
        let course: Course
        do {
            course = try decoder.decode(Course.self, from: data)
        } catch let error as DecodingError {
            throw CourseImportError(problems: [problem(error)])
        } catch {
            throw CourseImportError(problems: [CourseProblem(path: "$", message: "is not JSON")])
        }
        let problems = check(course)
        guard problems.isEmpty else { throw CourseImportError(problems: problems) }
        return course
    }

    public static func write(_ course: Course) throws -> Data { try encoder.encode(course) }

    /// A bundle as stored after its import: checked then, so only decoded now.
    public static func stored(_ data: Data) throws -> Course { try decoder.decode(Course.self, from: data) }

    static func problem(_ error: DecodingError) -> CourseProblem {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("$") { path, key in
                if let index = key.intValue { return path + "[\(index)]" }
                return path + "." + snakeCase(key.stringValue)
            }
        }
        switch error {
        case .keyNotFound(let key, let context): return CourseProblem(path: path(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context): return CourseProblem(path: path(context.codingPath), message: "should be \(describe(type))")
        case .valueNotFound(let type, let context): return CourseProblem(path: path(context.codingPath), message: "should be \(describe(type)), not null")
        case .dataCorrupted(let context):
            return CourseProblem(path: path(context.codingPath), message: context.codingPath.isEmpty ? "is not JSON" : "has a value that is not allowed")
        @unknown default: return CourseProblem(path: "$", message: "cannot be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: type is any Collection.Type ? "a list" : "an object"
        }
    }

    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }

    /// The targets of Markdown links and images, inline `](…)` and reference definitions `[x]: …`.
    static func linkTargets(_ markdown: String) -> [String] {
        var targets: [String] = []
        for pattern in [#"\]\(\s*([^)\s]*)"#, #"(?m)^\s{0,3}\[[^\]]+\]:\s*(\S+)"#] {
            let expression = try! NSRegularExpression(pattern: pattern)
            let text = markdown as NSString
            for match in expression.matches(in: markdown, range: NSRange(location: 0, length: text.length)) {
                targets.append(text.substring(with: match.range(at: 1)))
            }
        }
        return targets
    }

    /// An https:// address or an in-page anchor, with no character that could end an HTML attribute.
    public static func isSafeLink(_ target: String) -> Bool {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&*+,;=%")
        guard target.unicodeScalars.allSatisfy(allowed.contains) else { return false }
        return (target.hasPrefix("https://") && target.count > 8) || (target.hasPrefix("#") && target.count > 1)
    }

    /// The rules a readable bundle must also follow.
    public static func check(_ course: Course) -> [CourseProblem] {
        var check = BundleCheck()
        check.require(course.format == Course.format, "$.format", "should be \"\(Course.format)\"")
        check.slug(course.id, "$.id")
        check.text(course.version, "$.version", max: 20)
        check.require(Language(rawValue: course.language) != nil, "$.language", "should be one of: " + Language.allCases.map(\.rawValue).joined(separator: ", "))
        check.text(course.title, "$.title", max: 200)
        check.text(course.summary, "$.summary", max: 2000)
        check.require(!course.objectives.isEmpty, "$.objectives", "needs at least one objective")
        for (index, objective) in course.objectives.enumerated() { check.text(objective, "$.objectives[\(index)]", max: 500) }
        check.require((1...6000).contains(course.minutes), "$.minutes", "should be 1 to 6000")
        check.require((1...100).contains(course.passPercent), "$.pass_percent", "should be 1 to 100")
        if let attempts = course.maxAttempts { check.require((1...20).contains(attempts), "$.max_attempts", "should be 1 to 20, or left out for no limit") }
        check.date(course.releasedOn, "$.released_on")
        check.date(course.reviewedOn, "$.reviewed_on")
        check.date(course.expiresOn, "$.expires_on")
        if let ce = course.ce {
            check.text(ce.provider, "$.ce.provider", max: 200)
            check.text(ce.statement, "$.ce.statement", max: 2000)
        }
        check.require(!course.modules.isEmpty, "$.modules", "needs at least one module")
        var seen = Set<String>()
        func unique(_ id: String, _ path: String) { check.require(seen.insert(id).inserted, path, "\"\(id)\" is used twice in the course") }
        var poolSize = 0
        for (m, module) in course.modules.enumerated() {
            let at = "$.modules[\(m)]"
            check.slug(module.id, at + ".id")
            unique(module.id, at + ".id")
            check.text(module.title, at + ".title", max: 200)
            check.require((1...600).contains(module.minutes), at + ".minutes", "should be 1 to 600")
            check.require(!module.lessons.isEmpty, at + ".lessons", "needs at least one lesson")
            for (l, lesson) in module.lessons.enumerated() {
                let path = at + ".lessons[\(l)]"
                check.slug(lesson.id, path + ".id")
                unique(lesson.id, path + ".id")
                check.text(lesson.title, path + ".title", max: 200)
                check.markdown(lesson.body, path + ".body", max: 40_000)
                check.sources(lesson.sources, path + ".sources")
                if let kind = lesson.indicators {
                    check.require(IndicatorLibrary.lessonKinds.contains(kind), path + ".indicators",
                                  "should be one of: " + IndicatorLibrary.lessonKinds.joined(separator: ", "))
                }
            }
            for (e, exercise) in (module.exercises ?? []).enumerated() {
                unique(exercise.id, at + ".exercises[\(e)].id")
                ExerciseRules.check(exercise, at: at + ".exercises[\(e)]", into: &check)
            }
            let quiz = module.check
            check.require(!quiz.pool.isEmpty, at + ".check.pool", "needs questions")
            check.require((1...max(1, quiz.pool.count)).contains(quiz.draw.count), at + ".check.draw.count", "should be 1 to the pool's size (\(quiz.pool.count))")
            poolSize += quiz.pool.count
            for (q, question) in quiz.pool.enumerated() {
                let path = at + ".check.pool[\(q)]"
                check.slug(question.id, path + ".id")
                unique(question.id, path + ".id")
                check.text(question.text, path + ".text", max: 2000)
                check.text(question.explanation, path + ".explanation", max: 2000)
                check.text(question.source, path + ".source", max: 500)
                check.require((2...8).contains(question.choices.count), path + ".choices", "should have 2 to 8 choices")
                let choiceIds = question.choices.map(\.id)
                check.require(Set(choiceIds).count == choiceIds.count, path + ".choices", "choice ids repeat")
                for (c, choice) in question.choices.enumerated() { check.text(choice.text, path + ".choices[\(c)].text", max: 500) }
                check.require(!question.correct.isEmpty, path + ".correct", "names no right answer")
                for id in question.correct where !choiceIds.contains(id) {
                    check.problems.append(CourseProblem(path: path + ".correct", message: "names \"\(id)\", which is not one of the choices"))
                }
            }
        }
        if let pretest = course.pretest {
            check.require((1...max(1, poolSize)).contains(pretest.count), "$.pretest.count", "should be 1 to the number of pool questions (\(poolSize))")
        }
        var evaluationIds = Set<String>()
        for (e, item) in course.evaluation.enumerated() {
            check.slug(item.id, "$.evaluation[\(e)].id")
            check.require(evaluationIds.insert(item.id).inserted, "$.evaluation[\(e)].id", "\"\(item.id)\" is used twice")
            check.text(item.text, "$.evaluation[\(e)].text", max: 500)
        }
        return check.problems
    }
}

/// Problems found so far in a bundle, with the checks every part of it shares.
struct BundleCheck {
    var problems: [CourseProblem] = []

    mutating func require(_ condition: Bool, _ path: String, _ message: String) {
        if !condition { problems.append(CourseProblem(path: path, message: message)) }
    }

    mutating func text(_ value: String, _ path: String, max: Int) {
        require(!value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, path, "is empty")
        require(value.count <= max, path, "is longer than \(max) characters")
    }

    mutating func slug(_ value: String, _ path: String) {
        require((1...80).contains(value.count) && value.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }, path,
                "should be 1 to 80 lower-case letters, digits and hyphens")
    }

    mutating func date(_ value: String?, _ path: String) {
        if let value { require(HSDSRowRules.isDate(value), path, "should be a date, YYYY-MM-DD") }
    }

    /// Markdown a learner reads: no raw HTML, links only to https:// addresses or #anchors.
    mutating func markdown(_ value: String, _ path: String, max: Int) {
        text(value, path, max: max)
        require(value.range(of: "<[A-Za-z/!?]", options: .regularExpression) == nil, path, "contains raw HTML; write it in Markdown")
        for target in CourseBundle.linkTargets(value) where !CourseBundle.isSafeLink(target) {
            problems.append(CourseProblem(path: path, message: "links to \"\(target)\"; links and images must be https:// addresses or #anchors"))
        }
    }

    mutating func sources(_ sources: [Course.Source], _ path: String) {
        require(!sources.isEmpty, path, "needs the sources its claims come from")
        for (s, source) in sources.enumerated() {
            text(source.citation, path + "[\(s)].citation", max: 500)
            if let url = source.url { require(url.hasPrefix("https://"), path + "[\(s)].url", "should be an https:// address") }
        }
    }
}
