import Foundation
import WaypointCore

/// What the screening templates show, one type per page. Built from core values in the reader's
/// language; the templates name these properties and nothing else (plus the shared chrome).
enum ScreeningViews {
    struct Option { let value: String; let label: String }
    struct HiddenField { let name: String; let value: String }
    struct State { let code: String; let name: String }

    struct Start {
        let settings: [Option]
        let states: [State]
    }

    struct Prepare {
        struct Instrument { let id: String; let label: String; let selected: Bool }
        let hidden: [HiddenField]
        let instruments: [Instrument]
        let noSuggestion: Bool
        let confidentiality: String
        let companionPresent: Bool
        /// Who the suggested instrument was validated in, and any policy use beyond that.
        let population: String
        let hasPopulation: Bool
        /// Ages 10–17: the validated screens ask about sex only.
        let laborGap: Bool
        /// The signs step: what the clinician may tick, and what the ticked signs suggest.
        struct Sign { let name: String; let id: String; let text: String; let group: String; let checked: Bool }
        let signs: [Sign]
        let signsNotice: String
        let hasSignsNotice: Bool
    }

    struct Questions {
        struct Choice { let value: String; let label: String; let id: String }
        struct Item { let linkId: String; let number: Int; let text: String; let options: [Choice] }
        struct ConcernChoice { let value: String; let label: String; let checked: Bool }
        let hidden: [HiddenField]
        let items: [Item]
        let questionLanguage: String
        let idempotencyKey: String
        let concerns: [ConcernChoice]
        /// The dependent-adult question is asked of adults only.
        let adult: Bool
    }

    struct Result {
        struct Action {
            let kind: String; let label: String; let instruction: String; let reason: String; let source: String
            /// The eligibility-request step links to the hand-over that starts the child's request.
            let startsRequest: Bool
        }
        /// Handing the person over to a case manager (shown for a positive screen or a child's request to start).
        struct Handover {
            let staff: [WaypointWeb.Option], startsEligibility: Bool, alias: String, error: String?, done: Bool
        }
        /// The documentation assistant's state: not asked yet, asked without the safety check, or a code.
        struct Coding {
            let code: String?; let description: String?; let rationale: String?; let needsCheck: Bool
            var reminders: [String] = []
            var problem: String?
        }
        let id: String
        let instrument: String
        let resultClass: String
        let resultText: String
        let counts: String
        let warnings: [String]
        /// What to do now; with a companion present, only what needs no word with the person.
        let actions: [Action]
        /// Steps that wait until the clinician is alone with the person.
        let aloneActions: [Action]
        let hasAloneActions: Bool
        let safetyCheck: [String]
        let coding: Coding?
        let handover: Handover?
    }

    struct Card {
        struct ChildLine { let agency: String; let phone: String }
        let id: String
        let childLine: ChildLine?
    }

    struct List {
        struct Row { let id: String; let when: String; let instrument: String; let result: String }
        let screenings: [Row]
        let empty: Bool
    }

    static func hidden(_ encounter: Encounter) -> [HiddenField] {
        [HiddenField(name: "age", value: String(encounter.age)), HiddenField(name: "patient_language", value: encounter.language.rawValue),
         HiddenField(name: "setting", value: encounter.setting),
         HiddenField(name: "present", value: encounter.companionPresent ? "companion" : "alone"),
         HiddenField(name: "state", value: encounter.state ?? "")]
    }

    /// The validation population of the suggested tool, in the reader's language, with its policy
    /// use when the age lies beyond it.
    static func population(of info: InstrumentInfo?, age: Int, _ strings: Localizer) -> String {
        guard let info else { return "" }
        var text = strings["population_" + info.id]
        if !info.covers(age: age) && info.usable(forAge: age) { text += " " + strings["population_policy_" + info.id] }
        return text
    }

    /// What ticked signs call for: a private, further assessment with the instrument that fits.
    static func signsNotice(_ assessment: IndicatorAssessment, _ strings: Localizer) -> String {
        guard assessment.callsForFurtherAssessment else { return "" }
        var text = strings.format("signs_notice", ["count": String(assessment.observed.count)])
        if let suggested = assessment.suggested { text += " " + strings.format("signs_notice_instrument", ["instrument": suggested.shortName]) }
        if assessment.laborWithoutScreen { text += " " + strings["signs_notice_labor_minor"] }
        return text
    }

    static func resultText(_ result: ScreenResult, _ strings: Localizer) -> String {
        strings["result_" + result.rawValue.replacingOccurrences(of: "-", with: "_")]
    }

    static func action(for planned: PlannedAction, _ strings: Localizer) -> Result.Action {
        Result.Action(kind: planned.kind.rawValue, label: strings["action_" + planned.kind.rawValue], instruction: planned.instruction(in: strings),
                      reason: planned.reason(in: strings), source: planned.source(in: strings), startsRequest: planned.kind == .eligibilityRequest)
    }

    static func result(_ record: ScreeningRecord, instrumentName: String, coding: Result.Coding?, handover: Result.Handover? = nil,
                       strings: Localizer) -> Result {
        let outcome = record.outcome
        return Result(
            id: record.id, instrument: "\(instrumentName) \(outcome.version ?? "")", resultClass: outcome.result.rawValue,
            resultText: resultText(outcome.result, strings),
            counts: strings.format("counts", ["yes": String(outcome.yes), "open": String(outcome.open)]),
            warnings: outcome.warnings.map { strings($0) },
            actions: record.actions.filter { !$0.whenAlone }.map { action(for: $0, strings) },
            aloneActions: record.actions.filter(\.whenAlone).map { action(for: $0, strings) },
            hasAloneActions: record.actions.contains(where: \.whenAlone),
            safetyCheck: ICD10Assistant.safetyCheck.map { strings($0) }, coding: coding, handover: handover)
    }
}
