import Foundation

/// The part of a FHIR R4 Questionnaire the engine needs, decoded from standard FHIR JSON, with
/// every FHIRPath expression compiled once at load.
public struct Questionnaire: Sendable {
    public let raw: JSONValue
    public let url: String?
    public let version: String?
    public let items: [QuestionnaireItem]
    public let variables: [NamedExpression]
    public let weights: AnswerWeights
    /// Every item, depth first, in document order.
    public let allItems: [QuestionnaireItem]
    /// The items that take answers (not groups or display text), in document order.
    public var questions: [QuestionnaireItem] { allItems.filter(\.holdsAnswers) }

    public static func load(_ data: Data) throws -> Questionnaire {
        try Questionnaire(json: try JSONValue.parse(data))
    }

    public init(json: JSONValue) throws {
        guard json["resourceType"]?.string == "Questionnaire" else { throw FHIRLoadError.notAResource(expected: "Questionnaire", path: "resourceType") }
        raw = json
        url = json["url"]?.string
        version = json["version"]?.string
        variables = try NamedExpression.variables(in: json, linkId: "(Questionnaire)")
        var seen = Set<String>()
        items = try (json["item"]?.array ?? []).enumerated().map { index, item in
            try QuestionnaireItem(json: item, path: "item[\(index)]", seen: &seen)
        }
        var flat: [QuestionnaireItem] = []
        func collect(_ items: [QuestionnaireItem]) { for item in items { flat.append(item); collect(item.items) } }
        collect(items)
        allItems = flat
        for item in flat {
            for condition in item.enableWhen where !seen.contains(condition.question) {
                throw FHIRLoadError.enableWhenTargetMissing(linkId: item.linkId, question: condition.question)
            }
        }
        weights = Self.weights(of: json, items: flat)
    }

    private static func weights(of json: JSONValue, items: [QuestionnaireItem]) -> AnswerWeights {
        var weights = AnswerWeights()
        let contained = Dictionary((json["contained"]?.array ?? []).compactMap { resource -> (String, JSONValue)? in
            guard let id = resource["id"]?.string else { return nil }
            return ("#" + id, resource)
        }, uniquingKeysWith: { first, _ in first })
        func addConcepts(of valueSet: JSONValue, linkId: String?) {
            for include in valueSet["compose"]?["include"]?.array ?? [] {
                for concept in include["concept"]?.array ?? [] {
                    if let code = concept["code"]?.string, let weight = AnswerWeights.weight(inExtensionsOf: concept) {
                        weights.add(system: include["system"]?.string, code: code, weight: weight, linkId: linkId)
                    }
                }
            }
            for concept in valueSet["expansion"]?["contains"]?.array ?? [] {
                if let code = concept["code"]?.string, let weight = AnswerWeights.weight(inExtensionsOf: concept) {
                    weights.add(system: concept["system"]?.string, code: code, weight: weight, linkId: linkId)
                }
            }
        }
        for valueSet in contained.values where valueSet["resourceType"]?.string == "ValueSet" { addConcepts(of: valueSet, linkId: nil) }
        for item in items {
            if let reference = item.raw["answerValueSet"]?.string, let valueSet = contained[reference] {
                addConcepts(of: valueSet, linkId: item.linkId)
            }
            for option in item.raw["answerOption"]?.array ?? [] {
                guard let coding = option["valueCoding"], let code = coding["code"]?.string else { continue }
                if let weight = AnswerWeights.weight(inExtensionsOf: option) ?? AnswerWeights.weight(inExtensionsOf: coding) {
                    weights.add(system: coding["system"]?.string, code: code, weight: weight, linkId: item.linkId)
                }
            }
        }
        return weights
    }
}

/// A named FHIRPath expression (an SDC `variable`).
public struct NamedExpression: Sendable {
    public let name: String
    public let expression: FHIRPath

    static let variableURL = "http://hl7.org/fhir/StructureDefinition/variable"

    static func variables(in element: JSONValue, linkId: String) throws -> [NamedExpression] {
        try (element["extension"]?.array ?? []).compactMap { ext in
            guard ext["url"]?.string == variableURL, let value = ext["valueExpression"],
                  let name = value["name"]?.string, let text = value["expression"]?.string, isFHIRPath(value)
            else { return nil }
            return NamedExpression(name: name, expression: try compile(text, linkId: linkId))
        }
    }

    static func isFHIRPath(_ expression: JSONValue) -> Bool {
        (expression["language"]?.string ?? "text/fhirpath") == "text/fhirpath"
    }

    static func compile(_ text: String, linkId: String) throws -> FHIRPath {
        do {
            return try FHIRPath(text)
        } catch let error as FHIRPathSyntaxError {
            throw FHIRLoadError.expressionDoesNotParse(linkId: linkId, expression: text, reason: error.message)
        }
    }
}

public struct EnableWhen: Sendable {
    public enum Operator: String, Sendable { case exists, equal = "=", notEqual = "!=", greater = ">", less = "<", greaterOrEqual = ">=", lessOrEqual = "<=" }
    public let question: String
    public let op: Operator
    /// The `answer[x]` type name (`Coding`, `Boolean`, `Decimal`, …) and its value.
    public let answerType: String
    public let answer: JSONValue
}

public struct QuestionnaireItem: Sendable {
    public let raw: JSONValue
    public let linkId: String
    public let type: String
    public let required: Bool
    public let repeats: Bool
    public let enableWhen: [EnableWhen]
    public let enableBehaviorAny: Bool
    public let variables: [NamedExpression]
    public let calculatedExpression: FHIRPath?
    public let enableWhenExpression: FHIRPath?
    public let initialExpression: FHIRPath?
    public let items: [QuestionnaireItem]

    static let sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-"

    init(json: JSONValue, path: String, seen: inout Set<String>) throws {
        guard json.isObject else { throw FHIRLoadError.notAResource(expected: "Questionnaire.item", path: path) }
        guard let linkId = json["linkId"]?.string, !linkId.isEmpty else { throw FHIRLoadError.missingLinkId(path: path) }
        guard seen.insert(linkId).inserted else { throw FHIRLoadError.duplicateLinkId(linkId) }
        raw = json
        self.linkId = linkId
        type = json["type"]?.string ?? "group"
        required = json["required"]?.bool ?? false
        repeats = json["repeats"]?.bool ?? false
        enableBehaviorAny = json["enableBehavior"]?.string == "any"
        enableWhen = try (json["enableWhen"]?.array ?? []).map { condition in
            guard let question = condition["question"]?.string else { throw FHIRLoadError.invalidEnableWhen(linkId: linkId, reason: "has no question") }
            guard let text = condition["operator"]?.string, let op = EnableWhen.Operator(rawValue: text) else {
                throw FHIRLoadError.invalidEnableWhen(linkId: linkId, reason: "has an unknown operator \(condition["operator"]?.string ?? "(none)")")
            }
            guard case .object(let fields) = condition, let answerKey = fields.keys.first(where: { $0.hasPrefix("answer") }) else {
                throw FHIRLoadError.invalidEnableWhen(linkId: linkId, reason: "has no answer[x]")
            }
            return EnableWhen(question: question, op: op, answerType: String(answerKey.dropFirst("answer".count)), answer: fields[answerKey]!)
        }
        variables = try NamedExpression.variables(in: json, linkId: linkId)
        func expression(_ name: String) throws -> FHIRPath? {
            for ext in json["extension"]?.array ?? [] where ext["url"]?.string == Self.sdc + name {
                if let value = ext["valueExpression"], NamedExpression.isFHIRPath(value), let text = value["expression"]?.string {
                    return try NamedExpression.compile(text, linkId: linkId)
                }
            }
            return nil
        }
        calculatedExpression = try expression("calculatedExpression")
        enableWhenExpression = try expression("enableWhenExpression")
        initialExpression = try expression("initialExpression")
        items = try (json["item"]?.array ?? []).enumerated().map { index, child in
            try QuestionnaireItem(json: child, path: "\(path).item[\(index)]", seen: &seen)
        }
    }

    /// Group and display items hold no answers.
    public var holdsAnswers: Bool { type != "group" && type != "display" }

    /// An expression's result as an answer of this item (a bare number becomes a Quantity's value).
    func answer(for value: JSONValue) -> AnswerValue {
        let key = answerKey(for: value)
        if key == "valueQuantity", value.number != nil { return AnswerValue(key: key, value: .object(["value": value])) }
        return AnswerValue(key: key, value: value)
    }

    /// The `value[x]` member an answer of this item is stored under, for a value of the given shape.
    func answerKey(for value: JSONValue) -> String {
        switch (type, value) {
        case ("boolean", _): "valueBoolean"
        case ("decimal", _): "valueDecimal"
        case ("integer", _): "valueInteger"
        case ("date", _): "valueDate"
        case ("dateTime", _): "valueDateTime"
        case ("time", _): "valueTime"
        case ("quantity", _): "valueQuantity"
        case ("url", _): "valueUri"
        case ("reference", _): "valueReference"
        case ("attachment", _): "valueAttachment"
        case ("choice", .object), ("open-choice", .object): "valueCoding"
        case (_, .integer): "valueInteger"
        case (_, .decimal): "valueDecimal"
        case (_, .bool): "valueBoolean"
        case (_, .object): "valueCoding"
        default: "valueString"
        }
    }
}
