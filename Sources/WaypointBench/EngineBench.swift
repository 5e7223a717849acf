import Foundation
import NIOConcurrencyHelpers
import WaypointCore

/// Unique idempotency keys for the load generator's requests.
final class ManagedCounter: Sendable {
    private let value = NIOLockedValueBox(0)
    func next() -> Int { value.withLockedValue { $0 += 1; return $0 } }
}

/// Time to evaluate one response with the FHIR engine (questionnaire compiled once).
enum EngineBench {
    static func run() throws {
        let screener = Screener()
        print("engine: evaluation time per response (questionnaire compiled once, 5 rounds, best round)")
        let cases: [(String, [String: ScreenAnswer])] = [
            ("sscst", ["sscst-1": .yes, "sscst-2": .no, "sscst-3": .declined, "sscst-4": .no, "sscst-5": .yes, "sscst-6": .no]),
            ("qyit", ["qyit-1": .no, "qyit-2": .no, "qyit-3": .unknown, "qyit-4": .no]),
        ]
        for (id, answers) in cases {
            let questionnaire = try InstrumentCatalog.bundled.questionnaire(id)
            let engine = QuestionnaireEngine(questionnaire)
            let response = try screener.screen(id, age: 19, answers: answers, now: Date()).response
            report("\(id) engine.evaluate", iterations: 20_000) { _ = try engine.evaluate(response: response, now: Date()) }
            report("\(id) full screen (score)", iterations: 20_000) { _ = try screener.screen(id, age: 19, answers: answers, now: Date()) }
        }
        let hmis = try InstrumentCatalog.bundled.questionnaire("hmis-r15-r16")
        let hmisEngine = QuestionnaireEngine(hmis)
        let yes = JSONValue.object(["system": .string("urn:waypoint:fhir:CodeSystem:hmis-response"), "code": .string("1")])
        let response = JSONValue.object(["resourceType": .string("QuestionnaireResponse"), "item": .array([
            .object(["linkId": .string("R16"), "item": .array([
                .object(["linkId": .string("WorkplaceViolenceThreats"), "answer": .array([.object(["valueCoding": yes])])]),
            ])]),
        ])])
        report("hmis-r15-r16 engine.evaluate (enableWhen)", iterations: 20_000) { _ = try hmisEngine.evaluate(response: response, now: Date()) }
        print("(TVIT is not measured: it is shipped as unavailable until its items are transcribed.)")
    }

    static func report(_ label: String, iterations: Int, _ body: () throws -> Void) {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            for _ in 0..<(iterations / 5) { try? body() }
            let elapsed = ContinuousClock.now - start
            best = min(best, elapsed.inSeconds / Double(iterations / 5))
        }
        print(label.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%8.2f µs", best * 1e6))
    }
}
