import Foundation
import Testing
@testable import WaypointCore

@Suite("Case exercises: the real instrument and planner, and the debrief")
struct ExerciseRulesTests {
    static let course = BuiltInCourses.course("recognize-respond-refer")!
    static let exercises = course.modules.flatMap { $0.exercises ?? [] }
    static func exercise(_ id: String) -> Exercise { exercises.first { $0.id == id }! }
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Plays an exercise: the given choice per decision (the best one where none is given), the
    /// answers as the patient gives them on that path, then the steps picked.
    static func play(_ exercise: Exercise, choices: [String: String] = [:], entered: [String: ScreenAnswer]? = nil,
                     steps: [ActionKind]? = nil) throws -> (ExerciseState, ExerciseDebrief) {
        var state = ExerciseState()
        let best = ExerciseRules.bestChoices(exercise)
        for decision in exercise.decisions {
            (state, _) = try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, decision: decision.id, choice: choices[decision.id] ?? best[decision.id]),
                                                 to: state, of: exercise)
        }
        if let interview = exercise.interview {
            let alone = ExerciseRules.situation(exercise, choices: state.choices).alone
            let asGiven = Dictionary(ExerciseRules.script(interview, alone: alone, strings: .english).map { ($0.item, $0.answer) }, uniquingKeysWith: { first, _ in first })
            (state, _) = try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, entered: entered ?? asGiven), to: state, of: exercise)
        }
        let reference = try ExerciseRules.debrief(exercise, ExerciseState(choices: best, entered: state.entered, actions: []), strings: .english, now: now)
        (state, _) = try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, actions: steps ?? reference.plan.map(\.kind)), to: state, of: exercise)
        return (state, try ExerciseRules.debrief(exercise, state, strings: .english, now: now))
    }

    @Test("the built-in course is valid, with at least 6 modules, 60 pool questions and 8 exercises covering the cases the issue names")
    func builtInCourse() throws {
        let course = Self.course
        #expect(CourseBundle.check(course).isEmpty)
        #expect(course.modules.count >= 6 && course.questions.count >= 60 && Self.exercises.count >= 8)
        #expect(course.modules.allSatisfy { $0.lessons.allSatisfy { !$0.sources.isEmpty } })
        // Every question can be answered wrong: at least one choice is not right.
        #expect(course.questions.values.allSatisfy { $0.correct.count < $0.choices.count })
        let patients = Self.exercises.map(\.patient)
        #expect(patients.contains { $0.age < 18 } && patients.contains { $0.age >= 18 })
        #expect(patients.contains { $0.concern == .sex } && patients.contains { $0.concern == .labor })
        #expect(patients.contains(where: \.companion) && patients.contains(where: \.danger) && patients.contains(where: \.foreignNational))
        #expect(Set(patients.compactMap(\.state)).count >= 6)
        // Each lesson cites, in its text, only sources it lists.
        for lesson in course.modules.flatMap(\.lessons) {
            let listed = Set(lesson.sources.map(\.id))
            let cited = lesson.body.matches(of: /\[([a-z0-9-]+)\]/).map { String($0.1) }
            #expect(!cited.isEmpty && cited.allSatisfy(listed.contains), "\(lesson.id)")
        }
    }

    @Test("the Spanish course is the English one translated: valid, the same modules, lessons, questions, right answers and exercises by the same ids")
    func spanishCourse() throws {
        let spanish = try #require(BuiltInCourses.course("reconocer-responder-derivar"))
        #expect(spanish.language == "es" && CourseBundle.check(spanish).isEmpty && spanish.topics == Self.course.topics)
        func shape(_ exercise: Exercise) -> String {
            let decisions = exercise.decisions.map { decision in decision.id + decision.choices.map { $0.id + ($0.best ? "*" : "") }.joined() }
            let script = exercise.interview?.items.map { $0.item + $0.answer.rawValue } ?? []
            return ([exercise.id] + decisions + script).joined(separator: "/")
        }
        func shape(_ course: Course) -> [String] {
            course.modules.flatMap { module -> [String] in
                let questions = module.check.pool.map { $0.id + $0.correct.joined() }
                let exercises = (module.exercises ?? []).map(shape)
                return [module.id] + module.lessons.map(\.id) + questions + exercises
            }
        }
        #expect(shape(spanish) == shape(Self.course))
        for exercise in spanish.modules.flatMap({ $0.exercises ?? [] }) {
            let view = try ExerciseRules.view(exercise, ExerciseRules.bestChoices(exercise).reduce(into: ExerciseState()) { $0.choices[$1.key] = $1.value },
                                              language: .es)
            if exercise.interview != nil { #expect(view.stage == .interview && view.questions?.isEmpty == false) }
            let (_, debrief) = try Self.play(exercise)
            #expect(debrief.planMatched, "\(exercise.id)")
        }
    }

    @Test("the best path with the plan's own steps matches: every decision best, every answer recorded as given")
    func bestPathMatches() throws {
        for exercise in Self.exercises {
            let (_, debrief) = try Self.play(exercise)
            #expect(debrief.planMatched && debrief.bestDecisions == exercise.decisions.count && debrief.answersRight == debrief.answers.count, "\(exercise.id)")
            #expect(debrief.missedFacts.isEmpty && debrief.unreached.isEmpty, "\(exercise.id)")
        }
    }

    @Test("asking with the companion in the room: guarded answers, a negative result, no disclosure — and the report the plan needed is explained")
    func companionKept() throws {
        let exercise = Self.exercise("ex-companion-boyfriend")
        let (state, debrief) = try Self.play(exercise, choices: ["privacy": "ask-now"], steps: [.document, .followUp])
        #expect(ExerciseRules.situation(exercise, choices: state.choices).alone == false)
        #expect(debrief.learnerResult == .negative && debrief.expectedResult == .positive)
        #expect(debrief.answers.allSatisfy { $0.says == "No." && $0.right })  // recorded as given; what was given was guarded
        #expect(debrief.missedFacts == [.concern])
        #expect(debrief.unreached.contains(.mandatedReport) && debrief.unreached.contains(.furtherAssessment))
        let report = try #require(debrief.missed.first { $0.kind == .mandatedReport })
        #expect(report.instruction.contains("Texas") || report.instruction.contains("DFPS") || !report.instruction.isEmpty)
        #expect(!report.reason.isEmpty && report.note == nil)
        #expect(debrief.decisions.first?.best == false && debrief.decisions.first?.bestChoices.first?.contains("routine") == true)
        #expect(!debrief.planMatched)
    }

    @Test("an answer recorded as 'no' when the patient declined is marked, and changes the engine's result")
    func recordingMatters() throws {
        let exercise = Self.exercise("ex-place-to-stay")
        var entered: [String: ScreenAnswer] = ["sscst-1": .no, "sscst-2": .no, "sscst-3": .no, "sscst-4": .no, "sscst-5": .yes, "sscst-6": .no]
        var (_, debrief) = try Self.play(exercise, entered: entered)
        #expect(debrief.learnerResult == .negative && debrief.expectedResult == .positive)
        #expect(debrief.answers.filter { !$0.right }.map(\.item) == ["sscst-1", "sscst-2", "sscst-6"])
        entered["sscst-1"] = .yes
        (_, debrief) = try Self.play(exercise, entered: entered)
        #expect(debrief.learnerResult == .positive)
    }

    @Test("a step the plan does not include is explained by the exercise's note, or as not in the plan")
    func extraSteps() throws {
        let (_, debrief) = try Self.play(Self.exercise("ex-crew-leader"), steps: [.mandatedReport, .emergency, .document])
        #expect(debrief.extra.map(\.kind) == [.emergency, .mandatedReport])
        #expect(debrief.extra.first { $0.kind == .mandatedReport }?.note?.contains("consent") == true)
        #expect(debrief.extra.first { $0.kind == .emergency }?.note == Localizer.english["exercise_not_in_plan"])
        #expect(debrief.missed.map(\.kind).contains(.immigrationRelief))
    }

    @Test("the real planner drives each case: danger adds the emergency, a dependent adult the APS report, a foreign-national child the federal request")
    func plansFromTheRealPlanner() throws {
        #expect(try Self.play(Self.exercise("ex-not-safe-tonight")).1.plan.first?.kind == .emergency)
        #expect(try Self.play(Self.exercise("ex-group-home")).1.plan.contains { $0.kind == .apsReport })
        let farm = try Self.play(Self.exercise("ex-farm-seventeen")).1.plan.map(\.kind)
        #expect(farm.contains(.mandatedReport) && farm.contains(.eligibilityRequest) && !farm.contains(.offerHotline))
        let quiet = try Self.play(Self.exercise("ex-nothing-to-tell")).1.plan.map(\.kind)
        #expect(quiet == [.document, .followUp])
    }

    @Test("moves out of turn, unknown choices and answers to questions not in the instrument are refused; nothing changes")
    func refusals() throws {
        let exercise = Self.exercise("ex-place-to-stay")
        let empty = ExerciseState()
        #expect(throws: TrainingError.outOfOrder) { try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, decision: "ask", choice: "plain"), to: empty, of: exercise) }
        #expect(throws: TrainingError.self) { try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, decision: "open", choice: "nope"), to: empty, of: exercise) }
        #expect(throws: TrainingError.outOfOrder) { try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, actions: [.document]), to: empty, of: exercise) }
        let decided = ExerciseState(choices: ["open": "limits", "ask": "plain"])
        #expect(throws: TrainingError.notInDraw("qyit-1")) {
            try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, entered: ["qyit-1": .yes]), to: decided, of: exercise)
        }
        #expect(throws: TrainingError.unanswered(["sscst-2", "sscst-3", "sscst-4", "sscst-5", "sscst-6"])) {
            try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, entered: ["sscst-1": .yes]), to: decided, of: exercise)
        }
        let done = ExerciseState(choices: decided.choices, entered: [:], actions: [])
        #expect(throws: TrainingError.outOfOrder) { try ExerciseRules.apply(ExerciseMove(exercise: exercise.id, actions: [.document]), to: done, of: exercise) }
    }

    @Test("what a learner sees gives nothing away: no best choice, reply, feedback, hidden fact or script")
    func nothingGivenAway() throws {
        let exercise = Self.exercise("ex-companion-boyfriend")
        let shown = exercise.unmarked
        let json = String(decoding: try CourseBundle.write(Self.course.withoutAnswers), as: UTF8.self)
        #expect(!json.contains("\"best\" : true") && !json.contains("nobody would believe me"))
        #expect(shown.patient.concern == .none && shown.interview?.items.isEmpty == true && shown.notes == nil)
        let view = try ExerciseRules.view(exercise, ExerciseState(), language: .en)
        #expect(view.stage == .decision && view.decision?.choices.allSatisfy { !$0.best && $0.feedback.isEmpty && $0.reply.isEmpty } == true)
        #expect(view.companionInRoom && view.questions == nil)
        let asking = try ExerciseRules.view(exercise, ExerciseState(choices: ["privacy": "routine", "start": "limits", "listen": "believe"]), language: .en)
        #expect(asking.stage == .interview && asking.questions?.count == 6 && !asking.companionInRoom)
        #expect(asking.questions?.first?.says.contains("Sometimes") == true)
    }

    @Test("a bundle's exercise is checked: unknown instrument, missing items, an age the screen is not for, a note on no step")
    func bundleChecks() {
        var exercise = Self.exercise("ex-place-to-stay")
        exercise.interview?.items.removeLast()
        exercise.notes = ["report-everything": "no"]
        exercise.patient.age = 40
        exercise.patient.state = "ZZ"
        exercise.decisions[0].choices = exercise.decisions[0].choices.map { var choice = $0; choice.best = false; return choice }
        var check = BundleCheck()
        ExerciseRules.check(exercise, at: "$.x", into: &check)
        let paths = Set(check.problems.map(\.path))
        #expect(paths.isSuperset(of: ["$.x.interview.items", "$.x.interview.instrument", "$.x.notes.report-everything", "$.x.patient.state",
                                      "$.x.decisions[0].choices"]))
        exercise.interview?.instrument = "raft"
        check = BundleCheck()
        ExerciseRules.check(exercise, at: "$.x", into: &check)
        #expect(check.problems.contains { $0.path == "$.x.interview.instrument" && $0.message.contains("not an instrument this server can score") })
    }
}
