import Foundation

/// One answer as stored in a QuestionnaireResponse: its `value[x]` member name and value.
public struct AnswerValue: Sendable, Equatable {
    public let key: String
    public let value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// What the engine computed for one response.
public struct QuestionnaireEvaluation: Sendable, Equatable {
    /// Enabled items in document order (groups and display items included).
    public let enabled: [String]
    /// Final answers of enabled items that hold answers (empty when unanswered).
    public let answers: [String: [AnswerValue]]
    /// Sum of the weights of enabled items' answers; nil when neither the form nor any enabled
    /// answer carries a weight.
    public let score: Double?
    /// Required items that are enabled, hold answers and have none, in document order: the form is
    /// incomplete, so a result built on it counts them as open.
    public let missing: [String]

    public init(enabled: [String], answers: [String: [AnswerValue]], score: Double?, missing: [String] = []) {
        self.enabled = enabled
        self.answers = answers
        self.score = score
        self.missing = missing
    }
}

/// Evaluates a QuestionnaireResponse against its Questionnaire: enablement, initial values,
/// variables and calculated values to a fixpoint, and the weighted score. Stored values of
/// calculated items are never trusted; they are always recomputed.
public struct QuestionnaireEngine: Sendable {
    public let questionnaire: Questionnaire
    /// Forms without conditions or expressions (most short screens) skip the fixpoint machinery.
    private let hasConditions: Bool
    private let hasExpressions: Bool
    private let allLinkIds: Set<String>
    /// `initial[x]` and `answerOption.initialSelected`, read once from the form.
    private let initialAnswers: [String: [AnswerValue]]

    public init(_ questionnaire: Questionnaire) {
        self.questionnaire = questionnaire
        self.allLinkIds = Set(questionnaire.allItems.map(\.linkId))
        var initial: [String: [AnswerValue]] = [:]
        for item in questionnaire.questions {
            let values = (item.raw["initial"]?.array ?? []).compactMap(Self.answerValue)
                + (item.raw["answerOption"]?.array ?? []).filter { $0["initialSelected"]?.bool == true }.compactMap(Self.answerValue)
            if !values.isEmpty { initial[item.linkId] = values }
        }
        self.initialAnswers = initial
        self.hasConditions = questionnaire.allItems.contains { !$0.enableWhen.isEmpty || $0.enableWhenExpression != nil }
        self.hasExpressions = !questionnaire.variables.isEmpty || questionnaire.allItems.contains {
            !$0.variables.isEmpty || $0.calculatedExpression != nil || $0.initialExpression != nil
        }
    }

    /// Answers by linkId from a QuestionnaireResponse (nested items and items under answers included).
    public static func answers(in response: JSONValue) throws -> [String: [AnswerValue]] {
        guard response["resourceType"]?.string == "QuestionnaireResponse" else {
            throw FHIRLoadError.notAResource(expected: "QuestionnaireResponse", path: "resourceType")
        }
        var result: [String: [AnswerValue]] = [:]
        func visit(_ item: JSONValue) {
            guard let linkId = item["linkId"]?.string else { return }
            for answer in item["answer"]?.array ?? [] {
                if case .object(let fields) = answer, let key = fields.keys.first(where: { $0.hasPrefix("value") }) {
                    result[linkId, default: []].append(AnswerValue(key: key, value: fields[key]!))
                }
                (answer["item"]?.array ?? []).forEach(visit)
            }
            (item["item"]?.array ?? []).forEach(visit)
        }
        (response["item"]?.array ?? []).forEach(visit)
        return result
    }

    /// `now` is what `now()` and `today()` answer in any expression (the caller's clock).
    public func evaluate(response: JSONValue, context: [String: JSONValue] = [:], now: Date, timeZone: TimeZone = .gmt) throws -> QuestionnaireEvaluation {
        var answers = try Self.answers(in: response).filter { allLinkIds.contains($0.key) }
        var base = FHIRPathEnvironment(weights: questionnaire.weights, now: now, timeZone: timeZone)
        base.variables["questionnaire"] = [FHIRPathItem(questionnaire.raw)]
        for (name, resource) in context { base.variables[name] = [FHIRPathItem(resource)] }
        var initialized = Set<String>()
        var enabled = Set<String>()
        for _ in 0..<25 {
            let before = (answers, enabled)
            enabled = try enablement(answers: answers, environment: base)
            for (linkId, initial) in initialAnswers where enabled.contains(linkId)
                && (answers[linkId] ?? []).isEmpty && !initialized.contains(linkId) {
                answers[linkId] = initial
                initialized.insert(linkId)
            }
            try computeExpressions(answers: &answers, enabled: enabled, initialized: &initialized, environment: base)
            // Without conditions or expressions one pass is final.
            if !hasConditions && !hasExpressions { break }
            if before.0 == answers && before.1 == enabled { break }
        }
        let finalAnswers = answers.filter { enabled.contains($0.key) && !$0.value.isEmpty }
        return QuestionnaireEvaluation(
            enabled: questionnaire.allItems.map(\.linkId).filter(enabled.contains),
            answers: finalAnswers, score: score(of: finalAnswers),
            missing: questionnaire.questions.filter { $0.required && enabled.contains($0.linkId) && finalAnswers[$0.linkId] == nil }.map(\.linkId))
    }

    /// The SDC weight rule: an answer's own itemWeight/ordinalValue first, then the form's. A form
    /// that declares no weights still scores when its answers carry them (a coma-scale-style
    /// response); with no weight anywhere there is no score, not zero.
    func score(of answers: [String: [AnswerValue]]) -> Double? {
        var total = 0.0
        var weighted = !questionnaire.weights.isEmpty
        for (linkId, values) in answers {
            for value in values {
                guard let weight = questionnaire.weights.weight(of: value.value, linkId: linkId) else { continue }
                total += weight
                weighted = true
            }
        }
        return weighted ? total : nil
    }

    static func answerValue(_ element: JSONValue) -> AnswerValue? {
        guard case .object(let fields) = element, let key = fields.keys.first(where: { $0.hasPrefix("value") }) else { return nil }
        return AnswerValue(key: key, value: fields[key]!)
    }

    // MARK: Enablement

    /// Enabled items, iterated until stable: answers of disabled items do not count, and a disabled
    /// parent disables everything under it.
    func enablement(answers: [String: [AnswerValue]], environment: FHIRPathEnvironment) throws -> Set<String> {
        var enabled = allLinkIds
        guard hasConditions else { return enabled }
        for _ in 0..<50 {
            let visible = answers.filter { enabled.contains($0.key) }
            let resource = responseTree(answers: visible, enabled: enabled)
            var environment = environment
            environment.variables["resource"] = [FHIRPathItem(resource)]
            var next = Set<String>()
            func walk(_ items: [QuestionnaireItem], parentEnabled: Bool) throws {
                for item in items {
                    let on = try parentEnabled && isEnabled(item, answers: visible, environment: environment)
                    if on { next.insert(item.linkId) }
                    try walk(item.items, parentEnabled: on)
                }
            }
            try walk(questionnaire.items, parentEnabled: true)
            if next == enabled { break }
            enabled = next
        }
        return enabled
    }

    func isEnabled(_ item: QuestionnaireItem, answers: [String: [AnswerValue]], environment: FHIRPathEnvironment) throws -> Bool {
        if let expression = item.enableWhenExpression {
            let result = try expression.evaluate(environment.variables["resource"] ?? [], environment: environment)
            return result.count == 1 && result[0].value == .bool(true)
        }
        guard !item.enableWhen.isEmpty else { return true }
        let results = item.enableWhen.map { condition in
            Self.holds(condition, for: answers[condition.question] ?? [])
        }
        return item.enableBehaviorAny ? results.contains(true) : results.allSatisfy { $0 }
    }

    /// R4 `Questionnaire.item.enableWhen` operators. Where the form compares a Coding question with a
    /// string or number, the types differ and the answers are never equal (strict typing).
    static func holds(_ condition: EnableWhen, for answers: [AnswerValue]) -> Bool {
        switch condition.op {
        case .exists:
            return (condition.answer.bool ?? true) == !answers.isEmpty
        case .equal:
            return answers.contains { matches($0, condition) == 0 }
        case .notEqual:
            return !answers.contains { matches($0, condition) == 0 }
        case .greater: return answers.contains { (matches($0, condition) ?? 0) > 0 }
        case .less: return answers.contains { (matches($0, condition) ?? 0) < 0 }
        case .greaterOrEqual: return answers.contains { matches($0, condition).map { $0 >= 0 } ?? false }
        case .lessOrEqual: return answers.contains { matches($0, condition).map { $0 <= 0 } ?? false }
        }
    }

    /// Compares an answer with the condition's value: negative, zero or positive, or nil when the
    /// two cannot be compared (different types, unordered Codings).
    static func matches(_ answer: AnswerValue, _ condition: EnableWhen) -> Int? {
        let answerType = String(answer.key.dropFirst("value".count))
        let numeric: Set<String> = ["Integer", "Decimal"]
        if numeric.contains(answerType), numeric.contains(condition.answerType),
           let x = answer.value.number, let y = condition.answer.number {
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        guard answerType == condition.answerType else { return nil }
        switch answerType {
        case "Coding":
            let sameCode = answer.value["code"] == condition.answer["code"]
            let systems = (answer.value["system"]?.string, condition.answer["system"]?.string)
            let sameSystem = systems.0 == nil || systems.1 == nil || systems.0 == systems.1
            return sameCode && sameSystem ? 0 : nil
        case "Quantity":
            guard let x = answer.value["value"]?.number, let y = condition.answer["value"]?.number else { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        default:
            if answer.value == condition.answer { return 0 }
            if case .string(let x) = answer.value, case .string(let y) = condition.answer { return x < y ? -1 : 1 }
            if case .bool = answer.value { return nil }
            return nil
        }
    }

    // MARK: Expressions

    func computeExpressions(answers: inout [String: [AnswerValue]], enabled: Set<String>,
                            initialized: inout Set<String>, environment base: FHIRPathEnvironment) throws {
        guard hasExpressions else { return }
        var environment = base
        let resource = responseTree(answers: answers.filter { enabled.contains($0.key) }, enabled: enabled)
        environment.variables["resource"] = [FHIRPathItem(resource)]
        environment.variables["context"] = [FHIRPathItem(resource)]
        for variable in questionnaire.variables {
            environment.variables[variable.name] = try variable.expression.evaluate([FHIRPathItem(resource)], environment: environment)
        }
        func walk(_ items: [QuestionnaireItem], environment: FHIRPathEnvironment) throws {
            for item in items where enabled.contains(item.linkId) {
                var scoped = environment
                let node = Self.node(linkId: item.linkId, in: resource) ?? resource
                scoped.variables["context"] = [FHIRPathItem(node)]
                for variable in item.variables {
                    scoped.variables[variable.name] = try variable.expression.evaluate([FHIRPathItem(node)], environment: scoped)
                }
                if let expression = item.initialExpression, (answers[item.linkId] ?? []).isEmpty, !initialized.contains(item.linkId) {
                    let values = try expression.evaluate([FHIRPathItem(node)], environment: scoped)
                    answers[item.linkId] = values.filter { $0.value != .null }.map { item.answer(for: $0.value) }
                    initialized.insert(item.linkId)
                }
                if let expression = item.calculatedExpression {
                    let values = try expression.evaluate([FHIRPathItem(node)], environment: scoped)
                    answers[item.linkId] = values.map { item.answer(for: $0.value) }
                }
                try walk(item.items, environment: scoped)
            }
        }
        try walk(questionnaire.items, environment: environment)
    }

    /// The response as FHIRPath sees it: enabled items in the Questionnaire's structure, each with
    /// its current answers.
    func responseTree(answers: [String: [AnswerValue]], enabled: Set<String>) -> JSONValue {
        func build(_ items: [QuestionnaireItem]) -> [JSONValue] {
            items.filter { enabled.contains($0.linkId) }.map { item in
                var fields: [String: JSONValue] = ["linkId": .string(item.linkId)]
                if let text = item.raw["text"] { fields["text"] = text }
                let values = answers[item.linkId] ?? []
                if !values.isEmpty {
                    fields["answer"] = .array(values.map { .object([$0.key: $0.value]) })
                }
                let children = build(item.items)
                if !children.isEmpty { fields["item"] = .array(children) }
                return .object(fields)
            }
        }
        var root: [String: JSONValue] = ["resourceType": .string("QuestionnaireResponse"), "item": .array(build(questionnaire.items))]
        if let url = questionnaire.url { root["questionnaire"] = .string(url) }
        return .object(root)
    }

    static func node(linkId: String, in tree: JSONValue) -> JSONValue? {
        for item in tree["item"]?.array ?? [] {
            if item["linkId"]?.string == linkId { return item }
            if let found = node(linkId: linkId, in: item) { return found }
        }
        return nil
    }
}
