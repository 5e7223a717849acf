import Foundation
import WaypointCore

/// What a case exercise shows: the scene and the conversation so far, the decision, the
/// instrument to record the patient's answers in, the steps to pick, and at the end the debrief.
struct ExerciseViews {
    let strings: Localizer

    struct Exchange { let prompt: String, chosen: String, reply: String }
    struct Option { let name: String, value: String, label: String, inputId: String }
    struct Question { let item: String, number: Int, question: String, says: String, options: [Option] }
    struct Play {
        let id: String, title: String, sceneHTML: String, companionInRoom: Bool, transcript: [Exchange], hasTranscript: Bool
        let isDecision: Bool, isInterview: Bool, isPlan: Bool
        let decisionId: String?, prompt: String?, choices: [Option]
        let instrument: String?, questions: [Question], actions: [Option]
    }

    struct Turn { let best: Bool, reply: String, feedback: String, source: String }

    struct DecisionRow { let prompt: String, chosen: String, best: Bool, bestChoices: String, feedback: String, source: String }
    struct AnswerRow { let question: String, says: String, entered: String, expected: String, right: Bool }
    struct StepRow { let kind: String, label: String, instruction: String, reason: String, source: String, note: String?, chosen: Bool }
    struct Debrief {
        let title: String, summary: String
        let decisions: [DecisionRow], answers: [AnswerRow], hasAnswers: Bool, learnerResult: String?, expectedResult: String?
        let plan: [StepRow], missed: [StepRow], hasMissed: Bool, extra: [StepRow], hasExtra: Bool
        let missedFacts: String?, unreached: String?, planMatched: Bool
    }

    func play(_ view: ExerciseView) -> Play {
        let answerWords = ScreenAnswer.allCases
        return Play(
            id: view.id, title: view.title, sceneHTML: LessonMarkdown.html(view.scene), companionInRoom: view.companionInRoom,
            transcript: view.transcript.map { Exchange(prompt: $0.prompt, chosen: $0.chosen, reply: $0.reply) }, hasTranscript: !view.transcript.isEmpty,
            isDecision: view.stage == .decision, isInterview: view.stage == .interview, isPlan: view.stage == .plan,
            decisionId: view.decision?.id, prompt: view.decision?.prompt,
            choices: (view.decision?.choices ?? []).map { Option(name: "choice", value: $0.id, label: $0.text, inputId: "choice-" + $0.id) },
            instrument: view.instrument.flatMap { try? InstrumentCatalog.bundled.info($0).shortName },
            questions: (view.questions ?? []).enumerated().map { index, question in
                Question(item: question.item, number: index + 1, question: question.question, says: question.says, options: answerWords.map {
                    Option(name: "a:" + question.item, value: $0.rawValue, label: answer($0), inputId: "a-\(question.item)-\($0.rawValue)")
                })
            },
            actions: (view.actions ?? []).map { Option(name: "action:" + $0.rawValue, value: "on", label: strings["action_" + $0.rawValue], inputId: "action-" + $0.rawValue) })
    }

    func turn(_ choice: Exercise.Choice) -> Turn {
        Turn(best: choice.best, reply: choice.reply, feedback: choice.feedback, source: choice.source)
    }

    func debrief(_ debrief: ExerciseDebrief, chosen: [ActionKind]) -> Debrief {
        func step(_ review: ExerciseDebrief.StepReview) -> StepRow {
            StepRow(kind: review.kind.rawValue, label: review.label, instruction: review.instruction, reason: review.reason, source: review.source,
                    note: review.note, chosen: chosen.contains(review.kind))
        }
        func result(_ value: ScreenResult?) -> String? { value.map { strings.label("result", $0.rawValue) } }
        return Debrief(
            title: debrief.title,
            summary: strings.format("exercise_debrief_summary", ["best": String(debrief.bestDecisions), "decisions": String(debrief.decisions.count),
                                                                  "right": String(debrief.answersRight), "answers": String(debrief.answers.count)]),
            decisions: debrief.decisions.map {
                DecisionRow(prompt: $0.prompt, chosen: $0.chosen, best: $0.best, bestChoices: $0.bestChoices.joined(separator: " / "), feedback: $0.feedback,
                            source: $0.source)
            },
            answers: debrief.answers.map {
                AnswerRow(question: $0.question, says: $0.says, entered: answer($0.entered), expected: answer($0.expected), right: $0.right)
            },
            hasAnswers: !debrief.answers.isEmpty, learnerResult: result(debrief.learnerResult), expectedResult: result(debrief.expectedResult),
            plan: debrief.plan.map(step), missed: debrief.missed.map(step), hasMissed: !debrief.missed.isEmpty,
            extra: debrief.extra.map(step), hasExtra: !debrief.extra.isEmpty,
            missedFacts: debrief.missedFacts.isEmpty ? nil : debrief.missedFacts.map { strings.label("exercise_fact", $0.rawValue) }.joined(separator: ", "),
            unreached: debrief.unreached.isEmpty ? nil : debrief.unreached.map { strings["action_" + $0.rawValue] }.joined(separator: ", "),
            planMatched: debrief.planMatched)
    }

    func answer(_ answer: ScreenAnswer) -> String { strings["answer_" + answer.rawValue.replacingOccurrences(of: "-", with: "_")] }

    /// The move a page form makes: a choice, the answers recorded, or the steps picked.
    static func move(from form: [String: String]) -> ExerciseMove? {
        guard let exercise = form["exercise"] else { return nil }
        switch form["stage"] {
        case "decision": return ExerciseMove(exercise: exercise, decision: form["decision"], choice: form["choice"] ?? "")
        case "interview":
            var entered: [String: ScreenAnswer] = [:]
            // An answer word the server does not know is left out, so the move is refused as unanswered.
            for (key, value) in form where key.hasPrefix("a:") { entered[String(key.dropFirst(2))] = ScreenAnswer(rawValue: value) }
            return ExerciseMove(exercise: exercise, entered: entered)
        default:
            return ExerciseMove(exercise: exercise, actions: form.keys.filter { $0.hasPrefix("action:") }.compactMap { ActionKind(rawValue: String($0.dropFirst(7))) })
        }
    }
}
