import Foundation
import Testing
@testable import WaypointCore

@Suite("FHIR loading errors")
struct FHIRLoadingTests {
    func load(_ json: String) throws -> Questionnaire { try Questionnaire.load(Data(json.utf8)) }

    @Test("invalid JSON names the line and column")
    func invalidJSON() {
        #expect(throws: FHIRLoadError.invalidJSON("line 2, column 27: a comma before ] (trailing comma)")) {
            try load("{\"resourceType\": \"Questionnaire\",\n \"item\": [{\"linkId\": \"a\"},]}")
        }
        #expect(throws: FHIRLoadError.self) { try load("{\"resourceType\": \"Questionnaire\"") }
        #expect(throws: FHIRLoadError.self) { try load("{'resourceType': 1}") }
    }

    @Test("duplicate linkIds are refused")
    func duplicates() {
        #expect(throws: FHIRLoadError.duplicateLinkId("q1")) {
            try load(#"{"resourceType":"Questionnaire","item":[{"linkId":"q1","type":"boolean"},{"linkId":"g","type":"group","item":[{"linkId":"q1","type":"boolean"}]}]}"#)
        }
    }

    @Test("enableWhen must point at an item of the form")
    func enableWhenTarget() {
        #expect(throws: FHIRLoadError.enableWhenTargetMissing(linkId: "q2", question: "nope")) {
            try load(#"{"resourceType":"Questionnaire","item":[{"linkId":"q2","type":"boolean","enableWhen":[{"question":"nope","operator":"exists","answerBoolean":true}]}]}"#)
        }
        #expect(throws: FHIRLoadError.self) {
            try load(#"{"resourceType":"Questionnaire","item":[{"linkId":"q1","type":"boolean"},{"linkId":"q2","type":"boolean","enableWhen":[{"question":"q1","operator":"between","answerBoolean":true}]}]}"#)
        }
    }

    @Test("an expression that does not parse is refused with its item")
    func badExpression() {
        do {
            _ = try load(#"{"resourceType":"Questionnaire","item":[{"linkId":"total","type":"integer","extension":[{"url":"http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression","valueExpression":{"language":"text/fhirpath","expression":"%resource.item.where(linkId = 'a'"}}]}]}"#)
            Issue.record("a broken expression was accepted")
        } catch FHIRLoadError.expressionDoesNotParse(let linkId, _, _) {
            #expect(linkId == "total")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a file that is not a Questionnaire is refused")
    func wrongResource() {
        #expect(throws: FHIRLoadError.notAResource(expected: "Questionnaire", path: "resourceType")) { try load(#"{"resourceType":"Patient"}"#) }
    }
}

@Suite("FHIRPath")
struct FHIRPathTests {
    let patient = JSONValue.object([
        "resourceType": .string("Patient"),
        "name": .array([.object(["given": .array([.string("Ana"), .string("María")]), "family": .string("Reyes")])]),
        "telecom": .array([
            .object(["system": .string("phone"), "use": .string("work"), "value": .string("111")]),
            .object(["system": .string("phone"), "use": .string("mobile"), "value": .string("222")]),
        ]),
    ])

    func eval(_ expression: String, _ input: JSONValue? = nil, variables: [String: FHIRPathCollection] = [:]) throws -> [JSONValue] {
        try FHIRPath(expression).evaluate([FHIRPathItem(input ?? patient)], environment: FHIRPathEnvironment(variables: variables, now: ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!)).map(\.value)
    }

    @Test("expressions and their results", arguments: [
        ("Patient.name.given.first()", [JSONValue.string("Ana")]),
        ("name.given.count()", [.integer(2)]),
        ("telecom.where(use = 'mobile').value", [.string("222")]),
        ("telecom.select(value).last()", [.string("222")]),
        ("name.first().select(given.first() + ' ' + family)", [.string("Ana Reyes")]),
        ("(2 + 3) * 4 - 6 / 3", [.decimal(18)]),
        ("7 div 2 + 7 mod 2", [.integer(4)]),
        ("(70 / (1.778).power(2)).round(1)", [.decimal(22.1)]),
        ("iif(telecom.exists(), 'yes', 'no')", [.string("yes")]),
        ("{}.empty() and true", [.bool(true)]),
        ("'b' in ('a' | 'b')", [.bool(true)]),
        ("('a' | 'b' | 'a').count()", [.integer(2)]),
        ("'a'.combine('a').count()", [.integer(2)]),
        ("telecom.value.where($this = '111').exists()", [.bool(true)]),
        ("today()", [.string("2026-11-23")]),
        // The caller's clock, not the system's: the same expression gives the same answer in a test.
        ("now()", [.string("2026-11-23T12:00:00Z")]),
        ("(1 | 2 | 3).sum()", [.integer(6)]),
        ("name.given.all($this.length() > 2)", [.bool(true)]),
        ("false or {}", []),
        ("true and {}", []),
        ("false implies {}", [.bool(true)]),
        ("name[0].family", [.string("Reyes")]),
    ] as [(String, [JSONValue])])
    func expressions(expression: String, expected: [JSONValue]) throws {
        let result = try eval(expression)
        #expect(result.count == expected.count, "\(expression) → \(result)")
        for (a, e) in zip(result, expected) {
            if let x = a.number, let y = e.number { #expect(abs(x - y) < 1e-9, "\(expression)") } else { #expect(a == e, "\(expression)") }
        }
    }

    @Test("variables and unknown names")
    func variables() throws {
        #expect(try eval("%answer + 1", variables: ["answer": [FHIRPathItem(.integer(41))]]) == [.integer(42)])
        #expect(throws: FHIRPathEvaluationError.self) { try eval("%missing") }
        #expect(throws: FHIRPathEvaluationError.self) { try eval("name.frobnicate()") }
        #expect(throws: FHIRPathSyntaxError.self) { try FHIRPath("name.where(") }
    }
}

@Suite("Engine contract: score by the weight rule, missing required items")
struct EngineContractTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let ordinal = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

    func coding(_ code: String, weight: Double? = nil) -> String {
        let ext = weight.map { #","extension":[{"url":"\#(Self.ordinal)","valueDecimal":\#($0)}]"# } ?? ""
        return #"{"system":"urn:test","code":"\#(code)"\#(ext)}"#
    }

    func evaluate(form: String, answers: [(String, String)]) throws -> QuestionnaireEvaluation {
        let items = answers.map { #"{"linkId":"\#($0.0)","answer":[{"valueCoding":\#($0.1)}]}"# }.joined(separator: ",")
        let response = #"{"resourceType":"QuestionnaireResponse","item":[\#(items)]}"#
        return try QuestionnaireEngine(try Questionnaire.load(Data(form.utf8)))
            .evaluate(response: try JSONValue.parse(Data(response.utf8)), now: Self.now)
    }

    /// A form that declares no weights at all: only the answers may carry them.
    let bare = #"{"resourceType":"Questionnaire","item":[{"linkId":"eyes","type":"choice","required":true},{"linkId":"verbal","type":"choice","required":true},{"linkId":"motor","type":"choice"}]}"#

    @Test("answers carrying their own weights are scored when the form declares none")
    func answerOnlyWeights() throws {
        let result = try evaluate(form: bare, answers: [("eyes", coding("4", weight: 4)), ("verbal", coding("5", weight: 5)), ("motor", coding("6", weight: 6))])
        #expect(result.score == 15)
        #expect(EvaluationReport.json(result, questionnaire: try Questionnaire.load(Data(bare.utf8)))["score"] == .integer(15))
    }

    @Test("mixed: an answer's own weight wins over the form's, unweighted answers add nothing")
    func mixedWeights() throws {
        let form = #"{"resourceType":"Questionnaire","item":[{"linkId":"a","type":"choice","answerOption":[{"valueCoding":{"system":"urn:test","code":"y","extension":[{"url":"\#(Self.ordinal)","valueDecimal":1}]}}]},{"linkId":"b","type":"choice"}]}"#
        #expect(try evaluate(form: form, answers: [("a", coding("y")), ("b", coding("z", weight: 2.5))]).score == 3.5)
        #expect(try evaluate(form: form, answers: [("a", coding("y", weight: 10))]).score == 10)
        #expect(try evaluate(form: form, answers: [("b", coding("z"))]).score == 0, "a weighted form with no weighted answer scores zero")
    }

    @Test("no weight anywhere: no score, not zero")
    func unweighted() throws {
        let result = try evaluate(form: bare, answers: [("eyes", coding("4")), ("verbal", coding("5"))])
        #expect(result.score == nil)
        #expect(EvaluationReport.json(result, questionnaire: try Questionnaire.load(Data(bare.utf8)))["score"] == nil)
    }

    @Test("enabled required items without an answer are reported missing; disabled ones are not")
    func missingRequired() throws {
        #expect(try evaluate(form: bare, answers: [("eyes", coding("4"))]).missing == ["verbal"])
        #expect(try evaluate(form: bare, answers: [("eyes", coding("4")), ("verbal", coding("1"))]).missing.isEmpty)
        let branching = #"{"resourceType":"Questionnaire","item":[{"linkId":"q1","type":"boolean","required":true},{"linkId":"q2","type":"choice","required":true,"enableWhen":[{"question":"q1","operator":"=","answerBoolean":true}]}]}"#
        let loaded = try QuestionnaireEngine(try Questionnaire.load(Data(branching.utf8)))
        func missing(_ answer: Bool) throws -> [String] {
            let response = #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"q1","answer":[{"valueBoolean":\#(answer)}]}]}"#
            return try loaded.evaluate(response: try JSONValue.parse(Data(response.utf8)), now: Self.now).missing
        }
        #expect(try missing(false).isEmpty)
        #expect(try missing(true) == ["q2"])
        let report = EvaluationReport.json(try loaded.evaluate(response: try JSONValue.parse(Data(#"{"resourceType":"QuestionnaireResponse"}"#.utf8)), now: Self.now),
                                           questionnaire: loaded.questionnaire)
        #expect(report["missing"] == .array([.string("q1")]))
    }
}
