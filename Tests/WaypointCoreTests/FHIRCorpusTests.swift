import Foundation
import Testing
@testable import WaypointCore

/// Runs every case of the shared FHIR Questionnaire corpus (read by path, never copied) through the
/// engine and checks it against the corpus's expectations.
@Suite("FHIR corpus (shared/vendor/fhir-questionnaires)")
struct FHIRCorpusTests {
    /// What `now()` and `today()` answer during these evaluations.
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    static let folder: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/vendor/fhir-questionnaires")
    }()

    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let json: JSONValue
        var testDescription: String { id }
    }

    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("cases.json").path),
              let corpus = try? JSONValue.parse(data) else { return [] }
        return (corpus["cases"]?.array ?? []).map { Case(id: $0["id"]?.string ?? "?", json: $0) }
    }()

    @Test("the corpus is present")
    func corpusPresent() {
        #expect(Self.cases.count >= 23, "expected the shared corpus at \(Self.folder.path)")
    }

    @Test("each case matches its expectations", arguments: cases)
    func corpusCase(_ testCase: Case) throws {
        let spec = testCase.json
        let expect = spec["expect"]!
        func load(_ key: String) throws -> Data? {
            guard let path = spec[key]?.string else { return nil }
            return try Data(contentsOf: Self.folder.appendingPathComponent(path))
        }
        if expect["error"]?.bool == true {
            #expect(throws: (any Error).self) {
                let form = try Questionnaire.load(try load("questionnaire")!)
                _ = try QuestionnaireEngine(form).evaluate(response: try JSONValue.parse(try load("response")!), now: Self.now)
            }
            return
        }
        let form = try Questionnaire.load(try load("questionnaire")!)
        var context: [String: JSONValue] = [:]
        if let data = try load("context"), case .object(let fields) = try JSONValue.parse(data) { context = fields }
        let evaluation = try QuestionnaireEngine(form).evaluate(response: try JSONValue.parse(try load("response")!), context: context, now: Self.now)
        let report = EvaluationReport.json(evaluation, questionnaire: form)
        let enabled = Set(report["enabled"]!.array.compactMap(\.string))
        for linkId in expect["enabled"]?.array.compactMap(\.string) ?? [] {
            #expect(enabled.contains(linkId), "\(linkId) should be enabled")
        }
        for linkId in expect["disabled"]?.array.compactMap(\.string) ?? [] {
            #expect(!enabled.contains(linkId), "\(linkId) should be disabled")
        }
        if case .object(let values)? = expect["values"] {
            for (linkId, expected) in values {
                let actual = report["values"]?[linkId] ?? .null
                #expect(Self.same(actual, expected), "\(linkId): expected \(expected), got \(actual)")
            }
        }
        if let score = expect["score"]?.number {
            #expect(report["score"]?.number.map { abs($0 - score) <= 1e-6 * max(1, abs(score)) } == true,
                    "score: expected \(score), got \(String(describing: report["score"]))")
        }
    }

    /// Numbers within 1e-6 relative, Codings on system + code, lists element by element.
    static func same(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        if let a = actual.number, let e = expected.number { return abs(a - e) <= 1e-6 * max(1, abs(e)) }
        switch (actual, expected) {
        case (.object(let a), .object(let e)) where e["code"] != nil:
            return a["code"] == e["code"] && a["system"] == e["system"]
        case (.array(let a), .array(let e)):
            return a.count == e.count && zip(a, e).allSatisfy { same($0, $1) }
        default:
            return actual == expected
        }
    }
}
