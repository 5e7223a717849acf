import Foundation

/// The engine's result in the published contract: `{"enabled": [...], "values": {...}, "score": n}`
/// (see the `format` block of the shared FHIR test corpus), plus `"missing"`: required items left
/// unanswered.
public enum EvaluationReport {
    public static func json(_ evaluation: QuestionnaireEvaluation, questionnaire: Questionnaire) -> JSONValue {
        var values: [String: JSONValue] = [:]
        for item in questionnaire.allItems where item.holdsAnswers && evaluation.enabled.contains(item.linkId) {
            let rendered = (evaluation.answers[item.linkId] ?? []).map(render)
            values[item.linkId] = rendered.isEmpty ? .null : (rendered.count == 1 ? rendered[0] : .array(rendered))
        }
        var report: [String: JSONValue] = [
            "enabled": .array(evaluation.enabled.map(JSONValue.string)),
            "values": .object(values),
            "missing": .array(evaluation.missing.map(JSONValue.string)),
        ]
        if let score = evaluation.score {
            report["score"] = score == score.rounded() && abs(score) < 1e15 ? .integer(Int(score)) : .decimal(score)
        }
        return .object(report)
    }

    /// Numbers as numbers (a Quantity as its value), Codings as system/code/display, text as text.
    static func render(_ answer: AnswerValue) -> JSONValue {
        switch (answer.key, answer.value) {
        case ("valueQuantity", let quantity): return quantity["value"] ?? .null
        case ("valueCoding", .object(let coding)):
            return .object(coding.filter { ["system", "code", "display"].contains($0.key) })
        default: return answer.value
        }
    }

    public static func encoded(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(data: (try? encoder.encode(value)) ?? Data(), encoding: .utf8) ?? "{}"
    }
}
