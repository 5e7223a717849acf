import Foundation

/// Where the learner is in an exercise and what they see there.
public struct ExerciseView: Codable, Sendable, Equatable {
    public enum Stage: String, Codable, Sendable { case decision, interview, plan }

    /// A decision taken: the prompt, the choice and what came back.
    public struct Exchange: Codable, Sendable, Equatable {
        public let prompt: String, chosen: String, reply: String
    }

    /// An instrument question with what the patient says to it on the learner's path.
    public struct InterviewQuestion: Codable, Sendable, Equatable {
        public let item: String, question: String, says: String
    }

    public let id: String
    public let title: String
    public let scene: String
    public let stage: Stage
    public let companionInRoom: Bool
    public let transcript: [Exchange]
    /// At a decision: its prompt and choices, unmarked.
    public let decision: Exercise.Decision?
    public let instrument: String?
    public let questions: [InterviewQuestion]?
    /// At the plan: every step the learner may pick from.
    public let actions: [ActionKind]?
    public let sources: [Course.Source]
}

/// The end of an exercise: the learner's path beside the plan for the best path, each difference explained.
public struct ExerciseDebrief: Codable, Sendable, Equatable {
    public struct DecisionReview: Codable, Sendable, Equatable {
        public let prompt: String, chosen: String, best: Bool, bestChoices: [String], feedback: String, source: String
    }
    public struct AnswerReview: Codable, Sendable, Equatable {
        public let item: String, question: String, says: String, entered: ScreenAnswer, expected: ScreenAnswer
        public var right: Bool { entered == expected }
    }
    /// A step of the plan, worded for the reader, with the exercise's own note when it has one.
    public struct StepReview: Codable, Sendable, Equatable {
        public let kind: ActionKind, label: String, instruction: String, reason: String, source: String, note: String?
    }

    public let exercise: String
    public let title: String
    public let decisions: [DecisionReview]
    public let instrument: String?
    public let answers: [AnswerReview]
    /// The real engine's result on what the learner recorded, and on what the patient says in private.
    public let learnerResult: ScreenResult?
    public let expectedResult: ScreenResult?
    /// The real planner's plan for the best path.
    public let plan: [StepReview]
    /// In the plan, not picked: what skipping it costs.
    public let missed: [StepReview]
    /// Picked, not in the plan: why it does not belong here.
    public let extra: [StepReview]
    /// What the learner's choices did not bring out, and the plan's steps they would not have reached because of it.
    public let missedFacts: [Exercise.Fact]
    public let unreached: [ActionKind]
    public let bestDecisions: Int
    public let answersRight: Int
    public var planMatched: Bool { missed.isEmpty && extra.isEmpty }
}

/// Playing an exercise. Pure: the state is the learner's choices, the rest follows from the
/// exercise, the instrument engine and the response planner.
public enum ExerciseRules {
    public enum Stage: Equatable, Sendable {
        case decision(String)
        case interview
        case plan
        case done
    }

    public static func stage(_ exercise: Exercise, _ state: ExerciseState) -> Stage {
        if let open = exercise.decisions.first(where: { state.choices[$0.id] == nil }) { return .decision(open.id) }
        if exercise.interview != nil, state.entered == nil { return .interview }
        return state.actions == nil ? .plan : .done
    }

    /// What the choices so far have led to: who is in the room, what came out, what was said.
    public struct Situation: Equatable, Sendable {
        public var alone: Bool
        public var known: Set<Exercise.Fact>
        public var transcript: [ExerciseView.Exchange]
    }

    public static func situation(_ exercise: Exercise, choices: [String: String]) -> Situation {
        var situation = Situation(alone: !exercise.patient.companion, known: [], transcript: [])
        for decision in exercise.decisions {
            guard let chosen = choices[decision.id], let choice = decision.choices.first(where: { $0.id == chosen }) else { break }
            if let alone = choice.alone { situation.alone = alone }
            let open = !(choice.needsPrivacy ?? false) || situation.alone
            if open { situation.known.formUnion(choice.reveals ?? []) }
            situation.transcript.append(.init(prompt: decision.prompt, chosen: choice.text, reply: open ? choice.reply : choice.guardedReply ?? choice.reply))
        }
        return situation
    }

    /// The first best choice at every decision: the path the debrief measures against.
    public static func bestChoices(_ exercise: Exercise) -> [String: String] {
        Dictionary(exercise.decisions.compactMap { decision in decision.choices.first(where: \.best).map { (decision.id, $0.id) } },
                   uniquingKeysWith: { first, _ in first })
    }

    /// What the patient says to each instrument question, in private or guarded (a plain "no" in the
    /// reader's language where the exercise gives no guarded words), and how it should be recorded.
    static func script(_ interview: Exercise.Interview, alone: Bool, strings: Localizer) -> [(item: String, says: String, answer: ScreenAnswer)] {
        interview.items.map { item in
            alone ? (item.item, item.says, item.answer) : (item.item, item.guardedSays ?? strings["exercise_guarded_says"], item.guardedAnswer ?? .no)
        }
    }

    public static func view(_ exercise: Exercise, _ state: ExerciseState, language: Language, catalog: InstrumentCatalog = .bundled) throws -> ExerciseView {
        let situation = situation(exercise, choices: state.choices)
        var decision: Exercise.Decision?
        var questions: [ExerciseView.InterviewQuestion]?
        let stage: ExerciseView.Stage
        switch self.stage(exercise, state) {
        case .decision(let id):
            stage = .decision
            decision = exercise.decisions.first { $0.id == id }.map { Exercise.Decision(id: $0.id, prompt: $0.prompt, choices: $0.choices.map(\.unmarked)) }
        case .interview:
            stage = .interview
            if let interview = exercise.interview {
                let texts = try questionTexts(interview, language: language, catalog: catalog)
                questions = script(interview, alone: situation.alone, strings: Localizer(language)).map { .init(item: $0.item, question: texts[$0.item] ?? $0.item, says: $0.says) }
            }
        case .plan, .done:
            stage = .plan
        }
        return ExerciseView(id: exercise.id, title: exercise.title, scene: exercise.scene, stage: stage, companionInRoom: !situation.alone,
                            transcript: situation.transcript, decision: decision, instrument: exercise.interview?.instrument, questions: questions,
                            actions: stage == .plan ? ActionKind.allCases : nil, sources: exercise.sources)
    }

    /// Applies one move where the learner stands; anything else is refused and nothing changes.
    /// Returns the new state and, for a choice, its immediate feedback.
    public static func apply(_ move: ExerciseMove, to state: ExerciseState, of exercise: Exercise,
                             catalog: InstrumentCatalog = .bundled) throws -> (ExerciseState, Exercise.Choice?) {
        var state = state
        switch stage(exercise, state) {
        case .decision(let id):
            guard move.decision == id, move.entered == nil, move.actions == nil, let chosen = move.choice else { throw TrainingError.outOfOrder }
            guard let choice = exercise.decisions.first(where: { $0.id == id })?.choices.first(where: { $0.id == chosen }) else {
                throw TrainingError.invalid(field: "choice", reason: LocalizedText("error_detail_exercise_choice", ["choice": chosen]))
            }
            state.choices[id] = chosen
            return (state, choice)
        case .interview:
            guard let entered = move.entered, move.decision == nil, move.actions == nil, let interview = exercise.interview else { throw TrainingError.outOfOrder }
            let items = interview.items.map(\.item)
            for item in entered.keys.sorted() where !items.contains(item) { throw TrainingError.notInDraw(item) }
            let missing = items.filter { entered[$0] == nil }
            guard missing.isEmpty else { throw TrainingError.unanswered(missing) }
            for (item, answer) in entered where !ScreenAnswer.allCases.contains(answer) {
                throw TrainingError.unknownChoice(question: item, choice: answer.rawValue)
            }
            state.entered = entered
            return (state, nil)
        case .plan:
            guard let actions = move.actions, move.decision == nil, move.entered == nil else { throw TrainingError.outOfOrder }
            state.actions = ActionKind.allCases.filter(actions.contains)
            return (state, nil)
        case .done:
            throw TrainingError.outOfOrder
        }
    }

    static func questionTexts(_ interview: Exercise.Interview, language: Language, catalog: InstrumentCatalog) throws -> [String: String] {
        Dictionary(try catalog.questionnaire(interview.instrument).questions.map { ($0.linkId, $0.raw.translated("text", in: language)) },
                   uniquingKeysWith: { first, _ in first })
    }

    /// The planner's input for a path: only what the choices brought out counts.
    static func planInput(_ exercise: Exercise, situation: Situation, result: ScreenResult?) -> PlanInput {
        let patient = exercise.patient
        func knows(_ fact: Exercise.Fact) -> Bool { situation.known.contains(fact) }
        return PlanInput(age: patient.age, result: result, concern: knows(.concern) ? patient.concern : .none, danger: knows(.danger) && patient.danger,
                         companionPresent: !situation.alone, state: patient.state, consentToReferral: knows(.consent) && patient.consentToReferral,
                         foreignNational: knows(.foreignNational) && patient.foreignNational, dependentAdult: knows(.dependentAdult) && patient.dependentAdult)
    }

    public static func debrief(_ exercise: Exercise, _ state: ExerciseState, strings: Localizer, now: Date,
                               screener: Screener = Screener(), planner: ResponsePlanner = ResponsePlanner()) throws -> ExerciseDebrief {
        guard let chosenSteps = state.actions else { throw TrainingError.outOfOrder }
        let best = bestChoices(exercise)
        let learner = situation(exercise, choices: state.choices)
        let reference = situation(exercise, choices: best)
        let decisions = exercise.decisions.compactMap { decision -> ExerciseDebrief.DecisionReview? in
            guard let choice = decision.choices.first(where: { $0.id == state.choices[decision.id] }) else { return nil }
            return .init(prompt: decision.prompt, chosen: choice.text, best: choice.best, bestChoices: decision.choices.filter(\.best).map(\.text),
                         feedback: choice.feedback, source: choice.source)
        }

        var answers: [ExerciseDebrief.AnswerReview] = []
        var learnerResult: ScreenResult?, expectedResult: ScreenResult?
        if let interview = exercise.interview {
            let texts = try questionTexts(interview, language: strings.language, catalog: screener.catalog)
            let entered = state.entered ?? [:]
            // Recording is judged against what the patient said on the learner's own path.
            answers = script(interview, alone: learner.alone, strings: strings).map {
                .init(item: $0.item, question: texts[$0.item] ?? $0.item, says: $0.says, entered: entered[$0.item] ?? .notAsked, expected: $0.answer)
            }
            learnerResult = try screener.screen(interview.instrument, age: exercise.patient.age, answers: entered, now: now).result
            let privateAnswers = Dictionary(script(interview, alone: reference.alone, strings: strings).map { ($0.item, $0.answer) }, uniquingKeysWith: { first, _ in first })
            expectedResult = try screener.screen(interview.instrument, age: exercise.patient.age, answers: privateAnswers, now: now).result
        }

        let plan = planner.plan(planInput(exercise, situation: reference, result: expectedResult))
        let pathPlan = planner.plan(planInput(exercise, situation: learner, result: learnerResult)).map(\.kind)
        func review(_ action: PlannedAction) -> ExerciseDebrief.StepReview {
            .init(kind: action.kind, label: strings["action_" + action.kind.rawValue], instruction: action.instruction(in: strings),
                  reason: action.reason(in: strings), source: action.source(in: strings), note: exercise.notes?[action.kind.rawValue])
        }
        let planned = plan.map(\.kind)
        let extra = chosenSteps.filter { !planned.contains($0) }.map { kind in
            ExerciseDebrief.StepReview(kind: kind, label: strings["action_" + kind.rawValue], instruction: "", reason: "", source: "",
                                       note: exercise.notes?[kind.rawValue] ?? strings["exercise_not_in_plan"])
        }
        return ExerciseDebrief(
            exercise: exercise.id, title: exercise.title, decisions: decisions, instrument: exercise.interview?.instrument, answers: answers,
            learnerResult: learnerResult, expectedResult: expectedResult, plan: plan.map(review),
            missed: plan.filter { !chosenSteps.contains($0.kind) }.map(review), extra: extra,
            missedFacts: Exercise.Fact.allCases.filter { reference.known.contains($0) && !learner.known.contains($0) },
            unreached: planned.filter { !pathPlan.contains($0) }, bestDecisions: decisions.filter(\.best).count,
            answersRight: answers.filter(\.right).count)
    }

    /// The rules an exercise in a bundle must follow, each problem with its path.
    static func check(_ exercise: Exercise, at path: String, into check: inout BundleCheck, catalog: InstrumentCatalog = .bundled,
                      jurisdictions: JurisdictionTable = .bundled) {
        check.slug(exercise.id, path + ".id")
        check.text(exercise.title, path + ".title", max: 200)
        check.markdown(exercise.scene, path + ".scene", max: 10_000)
        check.sources(exercise.sources, path + ".sources")
        let patient = exercise.patient
        check.require((0...120).contains(patient.age), path + ".patient.age", "should be 0 to 120")
        if let state = patient.state {
            check.require(jurisdictions.states.contains { $0.code == state }, path + ".patient.state", "\"\(state)\" is not a U.S. state or DC code")
        }
        check.require(!exercise.decisions.isEmpty, path + ".decisions", "needs at least one decision")
        var ids = Set<String>()
        for (d, decision) in exercise.decisions.enumerated() {
            let at = path + ".decisions[\(d)]"
            check.slug(decision.id, at + ".id")
            check.require(ids.insert(decision.id).inserted, at + ".id", "\"\(decision.id)\" is used twice in the exercise")
            check.text(decision.prompt, at + ".prompt", max: 1000)
            check.require((2...6).contains(decision.choices.count), at + ".choices", "should have 2 to 6 choices")
            check.require(decision.choices.contains(where: \.best), at + ".choices", "marks no choice as best")
            check.require(Set(decision.choices.map(\.id)).count == decision.choices.count, at + ".choices", "choice ids repeat")
            for (c, choice) in decision.choices.enumerated() {
                let path = at + ".choices[\(c)]"
                check.slug(choice.id, path + ".id")
                check.text(choice.text, path + ".text", max: 500)
                check.text(choice.reply, path + ".reply", max: 2000)
                check.text(choice.feedback, path + ".feedback", max: 2000)
                check.text(choice.source, path + ".source", max: 500)
                if choice.needsPrivacy == true {
                    check.require(choice.guardedReply != nil, path + ".guarded_reply", "is required when the choice needs privacy")
                }
            }
        }
        if let interview = exercise.interview {
            let at = path + ".interview"
            if let info = try? catalog.info(interview.instrument), info.isAvailable, let questions = try? catalog.questionnaire(interview.instrument).questions {
                check.require(info.usable(forAge: patient.age), at + ".instrument",
                              "\(info.shortName) is not for a patient aged \(patient.age) (\(info.minAge) to \(info.maxAge))")
                let items = interview.items.map(\.item)
                check.require(items == questions.map(\.linkId), at + ".items",
                              "should script every question of \(info.shortName) in order: " + questions.map(\.linkId).joined(separator: ", "))
                for (i, item) in interview.items.enumerated() {
                    check.text(item.says, at + ".items[\(i)].says", max: 1000)
                    if let guarded = item.guardedSays { check.text(guarded, at + ".items[\(i)].guarded_says", max: 1000) }
                }
            } else {
                check.problems.append(CourseProblem(path: at + ".instrument", message: "\"\(interview.instrument)\" is not an instrument this server can score"))
            }
        }
        for kind in (exercise.notes ?? [:]).keys.sorted() {
            check.require(ActionKind(rawValue: kind) != nil, path + ".notes." + kind, "is not a plan step; use one of: " +
                          ActionKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        for (kind, note) in exercise.notes ?? [:] { check.text(note, path + ".notes." + kind, max: 2000) }
    }
}
