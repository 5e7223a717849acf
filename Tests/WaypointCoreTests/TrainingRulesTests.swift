import Foundation
import Testing
import WaypointCore

@Suite("Training rules: draws, scoring, the next step")
struct TrainingRulesTests {
    /// A small linear-congruential generator, so a draw can be repeated.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    static func question(_ id: String, correct: [String] = ["a"]) -> Course.Question {
        Course.Question(id: id, text: "?", choices: [.init(id: "a", text: "A"), .init(id: "b", text: "B"), .init(id: "c", text: "C")],
                        correct: correct, explanation: "why", source: "src")
    }

    @Test("each attempt draws distinct questions from the pool, and over many attempts every question comes up")
    func draws() {
        let pool = (1...10).map { Self.question("q\($0)") }
        var generator = Seeded(state: 42)
        var seen: [String: Int] = [:]
        for _ in 0..<500 {
            let drawn = TrainingRules.draw(pool, count: 4, using: &generator)
            #expect(drawn.count == 4 && Set(drawn).count == 4 && Set(drawn).isSubset(of: Set(pool.map(\.id))))
            for id in drawn { seen[id, default: 0] += 1 }
        }
        // 2,000 picks over 10 questions: each near 200; none starved.
        #expect(seen.count == 10 && seen.values.allSatisfy { (120...280).contains($0) })
    }

    @Test("a question is right only with exactly its right choices; the percent is of the drawn questions; strays and gaps are refused")
    func scoring() throws {
        let questions = ["q1": Self.question("q1"), "q2": Self.question("q2", correct: ["a", "c"]), "q3": Self.question("q3")]
        let drawn = ["q1", "q2", "q3"]
        var score = try TrainingRules.score(["q1": ["a"], "q2": ["c", "a"], "q3": ["a"]], drawn: drawn, questions: questions, passPercent: 80)
        #expect(score.percent == 100 && score.passed)
        score = try TrainingRules.score(["q1": ["a"], "q2": ["a"], "q3": ["a", "b"]], drawn: drawn, questions: questions, passPercent: 80)
        #expect(score.correct == 1 && score.percent == 33 && !score.passed && score.right == ["q1": true, "q2": false, "q3": false])
        score = try TrainingRules.score(["q1": ["a"], "q2": ["a", "c"], "q3": ["b"]], drawn: drawn, questions: questions, passPercent: 66)
        #expect(score.percent == 66 && score.passed)  // the threshold itself passes
        #expect(throws: TrainingError.notInDraw("q9")) {
            try TrainingRules.score(["q1": ["a"], "q2": ["a"], "q3": ["a"], "q9": ["a"]], drawn: drawn, questions: questions, passPercent: 80)
        }
        #expect(throws: TrainingError.unanswered(["q3"])) {
            try TrainingRules.score(["q1": ["a"], "q2": ["a"], "q3": []], drawn: drawn, questions: questions, passPercent: 80)
        }
        #expect(throws: TrainingError.unknownChoice(question: "q1", choice: "z")) {
            try TrainingRules.score(["q1": ["z"], "q2": ["a"], "q3": ["a"]], drawn: drawn, questions: questions, passPercent: 80)
        }
    }

    @Test("the next step: pretest, then each module's lessons and check in order, locked when out of attempts, then evaluation")
    func steps() {
        let lesson = { (id: String) in Course.Lesson(id: id, title: "t", body: "b", sources: [.init(id: "s", citation: "c")]) }
        let module = { (id: String) in
            Course.Module(id: id, title: id, minutes: 5, lessons: [lesson(id + "-a"), lesson(id + "-b")],
                          check: .init(draw: .init(count: 1), pool: [Self.question(id + "-q")]))
        }
        let course = Course(format: Course.format, id: "c", version: "1", language: "en", title: "t", summary: "s", objectives: ["o"], minutes: 10,
                            ce: nil, passPercent: 80, maxAttempts: 2, timeAttestation: false, releasedOn: nil, reviewedOn: nil, expiresOn: nil,
                            topics: [], pretest: .init(count: 1), modules: [module("m1"), module("m2")],
                            evaluation: [.init(id: "e", text: "?", kind: .text)])
        var progress = TrainingProgress()
        #expect(TrainingRules.next(course, progress) == .pretest)
        progress.pretestDone = true
        #expect(TrainingRules.next(course, progress) == .lesson(module: "m1", lesson: "m1-a"))
        progress.lessonsDone = ["m1-a", "m1-b", "m2-a"]
        #expect(TrainingRules.next(course, progress) == .check(module: "m1"))  // a later lesson read does not skip the check
        progress.attempts["m1"] = 2
        #expect(TrainingRules.next(course, progress) == .locked(module: "m1"))
        progress.checksPassed = ["m1"]
        #expect(TrainingRules.next(course, progress) == .lesson(module: "m2", lesson: "m2-b"))
        progress.lessonsDone.insert("m2-b")
        progress.checksPassed.insert("m2")
        #expect(TrainingRules.next(course, progress) == .evaluation)
        progress.evaluationDone = true
        #expect(TrainingRules.next(course, progress) == .complete)
    }
}
