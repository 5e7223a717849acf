import Foundation

/// Positive, negative, or — when open questions could still change it — incomplete.
public enum ScreenResult: String, Sendable, Codable, CaseIterable {
    case positive, negative, incomplete
    /// For instruments that collect data or end in an interviewer's determination.
    case notScored = "not-scored"

    /// The count-threshold rule: positive when yes ≥ k; negative when yes + open < k (even every
    /// open question answered "yes" could not reach k); otherwise incomplete.
    public static func countThreshold(yes: Int, open: Int, threshold: Int) -> ScreenResult {
        if yes >= threshold { return .positive }
        if yes + open < threshold { return .negative }
        return .incomplete
    }
}

public struct ScreenOutcome: Sendable, Equatable, Codable {
    public let instrument: String
    public let version: String?
    public let result: ScreenResult
    public let yes: Int
    public let open: Int
    public let answers: [String: ScreenAnswer]
    /// For example: the person's age is outside the population the instrument was validated in.
    /// Records stored before these were catalog sentences hold English text, which reads back as
    /// itself (an unknown key renders as the key).
    public let warnings: [LocalizedText]
    /// Required questions that were asked (enabled) and not answered, by linkId; counted in `open`.
    public var missing: [String] = []
    /// The response as FHIR, for storage and export.
    public let response: JSONValue
}

/// Stored with the screening: the response is kept as its JSON text (`responseJSON`), written by
/// `JSONValue.jsonText()` rather than node by node through `JSONEncoder`, which cost more than the
/// rest of the record. Records stored before hold it as a nested object under `response`; both read.
extension ScreenOutcome {
    private enum CodingKeys: String, CodingKey {
        case instrument, version, result, yes, open, answers, warnings, missing, response, responseJSON
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let response: JSONValue = if let text = try container.decodeIfPresent(String.self, forKey: .responseJSON) {
            try JSONValue.parse(Data(text.utf8))
        } else {
            try container.decode(JSONValue.self, forKey: .response)
        }
        self.init(instrument: try container.decode(String.self, forKey: .instrument),
                  version: try container.decodeIfPresent(String.self, forKey: .version),
                  result: try container.decode(ScreenResult.self, forKey: .result),
                  yes: try container.decode(Int.self, forKey: .yes), open: try container.decode(Int.self, forKey: .open),
                  answers: try container.decode([String: ScreenAnswer].self, forKey: .answers),
                  warnings: try container.decode([LocalizedText].self, forKey: .warnings),
                  missing: try container.decodeIfPresent([String].self, forKey: .missing) ?? [], response: response)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(instrument, forKey: .instrument)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encode(result, forKey: .result)
        try container.encode(yes, forKey: .yes)
        try container.encode(open, forKey: .open)
        try container.encode(answers, forKey: .answers)
        try container.encode(warnings, forKey: .warnings)
        if !missing.isEmpty { try container.encode(missing, forKey: .missing) }
        try container.encode(try response.jsonText(), forKey: .responseJSON)
    }
}

/// Scores a screen with the FHIR engine: the answers become a QuestionnaireResponse, the engine
/// decides which questions were enabled and sums the item weights (yes = 1), and the threshold rule
/// turns the counts into a result.
public struct Screener: Sendable {
    public let catalog: InstrumentCatalog

    public init(catalog: InstrumentCatalog = .bundled) { self.catalog = catalog }

    /// Answers in item order, as typed on the command line.
    public func screen(_ instrumentId: String, age: Int, positional: [ScreenAnswer], now: Date) throws -> ScreenOutcome {
        try screen(instrumentId, age: age, answers: try keyed(instrumentId, positional: positional), now: now)
    }

    /// Positional answers keyed by the questions' linkIds; one answer per question, no more, no fewer.
    public func keyed(_ instrumentId: String, positional: [ScreenAnswer]) throws -> [String: ScreenAnswer] {
        let questions = try catalog.questionnaire(instrumentId).questions
        guard positional.count == questions.count else {
            throw ScreeningError.wrongNumberOfAnswers(expected: questions.count, got: positional.count)
        }
        return Dictionary(uniqueKeysWithValues: zip(questions.map(\.linkId), positional))
    }

    public func screen(_ instrumentId: String, age: Int, answers: [String: ScreenAnswer], now: Date) throws -> ScreenOutcome {
        guard (0...130).contains(age) else { throw ScreeningError.invalidAge(age) }
        let info = try catalog.info(instrumentId)
        let questionnaire = try catalog.questionnaire(instrumentId)
        let questions = questionnaire.questions
        for linkId in answers.keys where !questions.contains(where: { $0.linkId == linkId }) {
            throw ScreeningError.unknownItem(linkId)
        }
        let response = try Self.response(for: questionnaire, answers: answers, allItems: questions)
        let evaluation = try catalog.engine(instrumentId).evaluate(response: response, now: now)
        let enabled = Set(evaluation.enabled)
        let yes = questions.filter { enabled.contains($0.linkId) && answers[$0.linkId] == .yes }.count
        let open = questions.filter { enabled.contains($0.linkId) && !(answers[$0.linkId]?.isDecided ?? false) }.count
        let result: ScreenResult = if let threshold = info.scoring.threshold, info.scoring.rule == "count-threshold" {
            ScreenResult.countThreshold(yes: yes, open: open, threshold: threshold)
        } else { .notScored }
        var warnings: [LocalizedText] = []
        if !info.covers(age: age) {
            let range = ["instrument": info.shortName, "min": String(info.minAge), "max": String(info.maxAge), "age": String(age)]
            let warning = if info.usable(forAge: age) {
                LocalizedText("warning_age_policy_use", range)
            } else if let better = catalog.suggested(forAge: age), better.id != info.id {
                LocalizedText("warning_age_outside_validation_suggest", range.merging(["suggested": better.shortName]) { a, _ in a })
            } else {
                LocalizedText("warning_age_outside_validation", range)
            }
            warnings.append(warning)
        }
        return ScreenOutcome(instrument: info.id, version: questionnaire.version, result: result, yes: yes, open: open,
                             answers: answers, warnings: warnings, missing: evaluation.missing, response: response)
    }

    static func response(for questionnaire: Questionnaire, answers: [String: ScreenAnswer], allItems: [QuestionnaireItem]) throws -> JSONValue {
        func build(_ items: [QuestionnaireItem]) throws -> [JSONValue] {
            try items.compactMap { item in
                var fields: [String: JSONValue] = ["linkId": .string(item.linkId)]
                if let answer = answers[item.linkId] {
                    // A boolean question takes true/false; the open answers have no boolean and stay codings.
                    let value: (String, JSONValue) = item.type == "boolean" && (answer == .yes || answer == .no)
                        ? ("valueBoolean", .bool(answer == .yes)) : ("valueCoding", try answer.coding(in: item))
                    fields["answer"] = .array([.object([value.0: value.1])])
                }
                let children = try build(item.items)
                if !children.isEmpty { fields["item"] = .array(children) }
                return fields.count > 1 ? .object(fields) : nil
            }
        }
        var root: [String: JSONValue] = [
            "resourceType": .string("QuestionnaireResponse"), "status": .string("completed"), "item": .array(try build(questionnaire.items)),
            // Labels from the HL7 sensitivity vocabulary: abuse-related content, restricted.
            "meta": .object(["security": .array([
                .object(["system": .string("http://terminology.hl7.org/CodeSystem/v3-ActCode"), "code": .string("SDV")]),
                .object(["system": .string("http://terminology.hl7.org/CodeSystem/v3-Confidentiality"), "code": .string("R")]),
            ])]),
        ]
        if let url = questionnaire.url {
            root["questionnaire"] = .string(url + (questionnaire.version.map { "|" + $0 } ?? ""))
        }
        return .object(root)
    }
}
