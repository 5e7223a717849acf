import Foundation

/// What the person disclosed, or what the clinician reasonably suspects.
public enum Concern: String, CaseIterable, Sendable, Codable {
    case sex, labor, both, none
}

public enum ActionKind: String, Sendable, Codable, CaseIterable {
    case emergency
    case stopUnsafe = "stop-unsafe"
    case mandatedReport = "mandated-report"
    case furtherAssessment = "further-assessment"
    case safetyPlan = "safety-plan"
    case offerHotline = "offer-hotline"
    case refer
    case document
    case followUp = "follow-up"
}

public struct PlannedAction: Sendable, Codable, Equatable {
    public let kind: ActionKind
    public let instruction: String
    public let reason: String
    public let source: String
}

public struct PlanInput: Sendable, Equatable {
    public var age: Int
    public var result: ScreenResult?
    public var concern: Concern
    public var danger: Bool
    public var companionPresent: Bool
    public var state: String?
    public var consentToReferral: Bool

    public init(age: Int, result: ScreenResult?, concern: Concern = .none, danger: Bool = false,
                companionPresent: Bool = false, state: String? = nil, consentToReferral: Bool = false) {
        self.age = age
        self.result = result
        self.concern = concern
        self.danger = danger
        self.companionPresent = companionPresent
        self.state = state
        self.consentToReferral = consentToReferral
    }
}

/// Turns a screen result and the situation into ordered, sourced actions. Pure: same input, same plan.
/// A positive screen always means further assessment — never a conclusion about what happened.
public struct ResponsePlanner: Sendable {
    public static let hotline = "the national confidential help line: call 1-888-373-7888 or text 233733 (24/7, interpreters available). Confirm the numbers on the help line's own site before printing materials."
    // On-screen sources stay short and neutral (a companion may glance at the screen); full citations
    // are in docs/sources.md.
    static let heal = "HEAL Protocol Toolkit for health care settings (2017)"
    static let pearr = "Dignity Health PEARR tool (Provide privacy, Educate, Ask, Respect & Respond), 2018"

    public let jurisdictions: JurisdictionTable

    public init(jurisdictions: JurisdictionTable = .bundled) { self.jurisdictions = jurisdictions }

    public func plan(_ input: PlanInput) -> [PlannedAction] {
        let minor = input.age < 18
        let concern = input.concern != .none
        let screenedOpen = input.result == .positive || input.result == .incomplete
        var actions: [PlannedAction] = []

        if input.danger {
            actions.append(PlannedAction(kind: .emergency,
                instruction: "Call 911 now. Keep yourself, the patient and staff safe; follow your facility's security procedure.",
                reason: "Someone is in immediate danger.", source: Self.heal + ", safety assessment"))
        }
        if input.companionPresent {
            actions.append(PlannedAction(kind: .stopUnsafe,
                instruction: "Stop asking these questions. Find a private moment with the patient alone (for example during an exam or a test) and use a professional interpreter, never a companion.",
                reason: "A companion is present; asking in front of them can put the patient in danger.", source: Self.pearr + ": provide privacy"))
        }
        if minor && concern {
            let route = jurisdictions.route(for: input.state)
            let fallbackNote = route.isFallback == true ? " (state not in our table: fallback route)" : ""
            actions.append(PlannedAction(kind: .mandatedReport,
                instruction: "Make a child-abuse report to \(route.agency): \(route.phone). \(route.route) Tell the patient first what will be reported and why.",
                reason: "A person under 18 with a disclosure or reasonable suspicion of commercial sexual exploitation or exploited labor is a child-abuse report; no force, fraud or coercion needs to be shown for a minor.",
                source: "CAPTA as amended by P.L. 114-22 (2015), §802; \(route.name) reporting route\(fallbackNote), \(route.source), verified \(route.verified)"))
        }
        if screenedOpen || concern {
            let why = switch (input.result, concern) {
            case (.positive?, _): "The screen is positive: it calls for further assessment. It does not mean that anything has happened to the person."
            case (.incomplete?, _): "The screen is incomplete: open questions could still make it positive. Use clinical judgment."
            default: "The person disclosed, or you have a reasonable suspicion."
            }
            actions.append(PlannedAction(kind: .furtherAssessment,
                instruction: "Arrange a fuller, trauma-informed assessment by trained staff (social work or your response team), in private, at the person's pace.",
                reason: why, source: Self.heal + ", identification"))
            actions.append(PlannedAction(kind: .safetyPlan,
                instruction: "Make a safety plan with the person: a safe way and time to reach them, what to do if they are in danger, and whether materials are safe to carry.",
                reason: "Leaving, or being found out, can raise the danger.", source: Self.heal + ", discharge and safety planning"))
            if !minor {
                actions.append(PlannedAction(kind: .offerHotline,
                    instruction: "Offer, discreetly and without pressure: \(Self.hotline) Respect a refusal to take written materials if carrying them is unsafe.",
                    reason: "Adults decide for themselves; there is no general duty to report a competent adult, so help is offered with consent.",
                    source: Self.pearr + ": respect & respond; 45 CFR 164.512(c) limits disclosure about adult victims"))
            }
            if input.consentToReferral {
                actions.append(PlannedAction(kind: .refer,
                    instruction: "Refer to a service the person chose (a warm hand-off where possible), sharing only what they agreed to.",
                    reason: "The person consented to a referral.", source: Self.heal + ", referral and warm hand-off"))
            }
        }
        actions.append(PlannedAction(kind: .document,
            instruction: screenedOpen || concern
                ? "Document objectively, in the person's own words where possible. Before adding a diagnosis code, do the safety check (portal, insurance statement, who can see the record)."
                : "Record that the screen was done and its result.",
            reason: "What is written travels to portals and claims that a controlling person may see.",
            source: Self.heal + ", documentation; Greenbaum J, J Law Med Ethics 2021 (safe use of diagnosis codes)"))
        actions.append(PlannedAction(kind: .followUp,
            instruction: screenedOpen || concern
                ? "Offer a follow-up visit and check on the referral and safety plan."
                : "Screen again at a later visit or if new concerns appear.",
            reason: screenedOpen || concern ? "Trust and safety take more than one visit." : "A negative screen is not a guarantee.",
            source: Self.heal + ", follow-up"))
        return actions
    }

    /// What to tell the person before the first question: the limits of confidentiality.
    public func confidentialityLimits(age: Int, state: String?) -> String {
        if age < 18 {
            let route = jurisdictions.route(for: state)
            return "Before asking: tell the young person that what they share stays private except where someone under 18 may be at risk of harm; then you must make a report (\(route.agency))."
        }
        return "Before asking: tell the person that what they share stays private; you will only share it with their agreement, except if someone is in immediate danger or the law requires it."
    }
}
