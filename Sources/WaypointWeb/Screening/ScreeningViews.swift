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
        struct Action { let kind: String; let label: String; let instruction: String; let reason: String; let source: String }
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

    static func resultText(_ result: ScreenResult, _ strings: Localizer) -> String {
        strings["result_" + result.rawValue.replacingOccurrences(of: "-", with: "_")]
    }

    static func action(for planned: PlannedAction, _ strings: Localizer) -> Result.Action {
        Result.Action(kind: planned.kind.rawValue, label: strings["action_" + planned.kind.rawValue], instruction: planned.instruction(in: strings),
                      reason: planned.reason(in: strings), source: planned.source(in: strings))
    }

    static func result(_ record: ScreeningRecord, instrumentName: String, coding: Result.Coding?, strings: Localizer) -> Result {
        let outcome = record.outcome
        return Result(
            id: record.id, instrument: "\(instrumentName) \(outcome.version ?? "")", resultClass: outcome.result.rawValue,
            resultText: resultText(outcome.result, strings),
            counts: strings.format("counts", ["yes": String(outcome.yes), "open": String(outcome.open)]),
            warnings: outcome.warnings.map { strings($0) },
            actions: record.actions.filter { !$0.whenAlone }.map { action(for: $0, strings) },
            aloneActions: record.actions.filter(\.whenAlone).map { action(for: $0, strings) },
            hasAloneActions: record.actions.contains(where: \.whenAlone),
            safetyCheck: ICD10Assistant.safetyCheck.map { strings($0) }, coding: coding)
    }
}
