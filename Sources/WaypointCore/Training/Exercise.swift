import Foundation

/// A case exercise: a short branching encounter with a fictional patient. The learner chooses
/// what to do at each decision (who stays in the room, what to ask), enters what the patient says
/// into the real screening instrument, and picks the steps they would take; the debrief sets their
/// path beside the real planner's plan for the best path and explains each difference.
public struct Exercise: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// The scene as the learner walks into it (Markdown, rendered like a lesson).
    public var scene: String
    /// The facts of the case; the learner sees only what their choices bring out.
    public var patient: Patient
    public var decisions: [Decision]
    /// The validated screen the learner records the patient's answers in, when one fits the age.
    public var interview: Interview?
    /// Per action kind (e.g. "mandated-report"): why the step belongs in this case, or why a tempting one does not.
    public var notes: [String: String]?
    public var sources: [Course.Source]

    public init(id: String, title: String, scene: String, patient: Patient, decisions: [Decision], interview: Interview?,
                notes: [String: String]?, sources: [Course.Source]) {
        (self.id, self.title, self.scene, self.patient, self.decisions, self.interview, self.notes, self.sources) =
            (id, title, scene, patient, decisions, interview, notes, sources)
    }

    /// As a learner may see it before playing: no best choices, replies, hidden facts or script.
    public var unmarked: Exercise {
        Exercise(id: id, title: title, scene: scene,
                 patient: Patient(age: patient.age, state: patient.state, concern: .none, companion: patient.companion),
                 decisions: decisions.map { Decision(id: $0.id, prompt: $0.prompt, choices: $0.choices.map(\.unmarked)) },
                 interview: interview.map { Interview(instrument: $0.instrument, items: []) }, notes: nil, sources: sources)
    }

    public struct Patient: Codable, Sendable, Equatable {
        public var age: Int
        /// Two-letter state: where a report would go.
        public var state: String?
        /// What the patient discloses when asked in private.
        public var concern: Concern
        public var danger: Bool
        public var foreignNational: Bool
        public var dependentAdult: Bool
        /// Whether the patient agrees to a referral when offered one in private.
        public var consentToReferral: Bool
        /// Someone came in with the patient and is in the room at the start.
        public var companion: Bool

        public init(age: Int, state: String?, concern: Concern, danger: Bool = false, foreignNational: Bool = false, dependentAdult: Bool = false,
                    consentToReferral: Bool = false, companion: Bool = false) {
            (self.age, self.state, self.concern, self.danger) = (age, state, concern, danger)
            (self.foreignNational, self.dependentAdult, self.consentToReferral, self.companion) = (foreignNational, dependentAdult, consentToReferral, companion)
        }
    }

    /// What a choice can bring out about the patient.
    public enum Fact: String, Codable, Sendable, CaseIterable {
        case concern, danger
        case foreignNational = "foreign_national"
        case dependentAdult = "dependent_adult"
        case consent
    }

    public struct Decision: Codable, Sendable, Equatable {
        public var id: String
        public var prompt: String
        public var choices: [Choice]
        public init(id: String, prompt: String, choices: [Choice]) {
            (self.id, self.prompt, self.choices) = (id, prompt, choices)
        }
    }

    public struct Choice: Codable, Sendable, Equatable {
        public var id: String
        public var text: String
        /// What a well-prepared clinician would do here (one or more choices per decision).
        public var best: Bool
        /// After this choice the companion is out of the room (true) or stays in it (false).
        public var alone: Bool?
        /// The patient only answers this openly when no companion is in the room.
        public var needsPrivacy: Bool?
        /// What the answer brings out, when it is given openly.
        public var reveals: [Fact]?
        /// What the patient (or companion) says or does.
        public var reply: String
        /// What they say instead when the question needed privacy and the companion is there.
        public var guardedReply: String?
        /// Shown right after the choice: why it helps or harms, with its source.
        public var feedback: String
        public var source: String

        public init(id: String, text: String, best: Bool, alone: Bool? = nil, needsPrivacy: Bool? = nil, reveals: [Fact]? = nil, reply: String,
                    guardedReply: String? = nil, feedback: String, source: String) {
            (self.id, self.text, self.best, self.alone, self.needsPrivacy, self.reveals) = (id, text, best, alone, needsPrivacy, reveals)
            (self.reply, self.guardedReply, self.feedback, self.source) = (reply, guardedReply, feedback, source)
        }

        /// As the learner sees it before choosing.
        public var unmarked: Choice {
            Choice(id: id, text: text, best: false, reply: "", feedback: "", source: "")
        }
    }

    /// The instrument and what the patient says to each of its questions, in private and guarded.
    public struct Interview: Codable, Sendable, Equatable {
        public var instrument: String
        public var items: [ScriptedAnswer]
        public init(instrument: String, items: [ScriptedAnswer]) {
            self.instrument = instrument
            self.items = items
        }
    }

    public struct ScriptedAnswer: Codable, Sendable, Equatable {
        /// The instrument question's linkId.
        public var item: String
        /// The patient's words when asked in private, and how they should be recorded.
        public var says: String
        public var answer: ScreenAnswer
        /// With the companion in the room (a plain "No." recorded as no when left out).
        public var guardedSays: String?
        public var guardedAnswer: ScreenAnswer?

        public init(item: String, says: String, answer: ScreenAnswer, guardedSays: String? = nil, guardedAnswer: ScreenAnswer? = nil) {
            (self.item, self.says, self.answer, self.guardedSays, self.guardedAnswer) = (item, says, answer, guardedSays, guardedAnswer)
        }
    }
}

/// A learner's way through one exercise so far: a choice per decision taken, the answers recorded,
/// the steps picked (the exercise is done once they are).
public struct ExerciseState: Codable, Sendable, Equatable {
    public var choices: [String: String]
    public var entered: [String: ScreenAnswer]?
    public var actions: [ActionKind]?

    public init(choices: [String: String] = [:], entered: [String: ScreenAnswer]? = nil, actions: [ActionKind]? = nil) {
        (self.choices, self.entered, self.actions) = (choices, entered, actions)
    }

    public var isDone: Bool { actions != nil }
}

/// One move in an exercise: a choice at a decision, the answers recorded, or the steps picked.
public struct ExerciseMove: Codable, Sendable, Equatable {
    public var exercise: String
    public var decision: String?
    public var choice: String?
    /// Instrument linkId → answer word (`yes`, `no`, `declined`, `unknown`, `not-asked`).
    public var entered: [String: ScreenAnswer]?
    public var actions: [ActionKind]?

    public init(exercise: String, decision: String? = nil, choice: String? = nil, entered: [String: ScreenAnswer]? = nil, actions: [ActionKind]? = nil) {
        (self.exercise, self.decision, self.choice, self.entered, self.actions) = (exercise, decision, choice, entered, actions)
    }
}
