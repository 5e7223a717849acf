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
    /// Citations stay as published.
    public let source: String
    /// The sentences as catalog keys with their values: stored so, and shown in the reader's language.
    public let instructionText: LocalizedText?
    public let reasonText: LocalizedText?
    /// Plans stored before the catalogs worded them hold English text only.
    private let storedInstruction: String?
    private let storedReason: String?

    init(kind: ActionKind, instruction: LocalizedText, reason: LocalizedText, source: String) {
        self.kind = kind
        self.source = source
        self.instructionText = instruction
        self.reasonText = reason
        self.storedInstruction = nil
        self.storedReason = nil
    }

    /// In English (the command line, tests).
    public var instruction: String { instruction(in: .english) }
    public var reason: String { reason(in: .english) }

    public func instruction(in strings: Localizer) -> String { instructionText.map { strings($0) } ?? storedInstruction ?? "" }
    public func reason(in strings: Localizer) -> String { reasonText.map { strings($0) } ?? storedReason ?? "" }

    private enum CodingKeys: String, CodingKey { case kind, source, instructionText, reasonText, instruction, reason }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(ActionKind.self, forKey: .kind)
        source = try container.decode(String.self, forKey: .source)
        instructionText = try container.decodeIfPresent(LocalizedText.self, forKey: .instructionText)
        reasonText = try container.decodeIfPresent(LocalizedText.self, forKey: .reasonText)
        storedInstruction = try container.decodeIfPresent(String.self, forKey: .instruction)
        storedReason = try container.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(instructionText, forKey: .instructionText)
        try container.encodeIfPresent(reasonText, forKey: .reasonText)
        try container.encodeIfPresent(storedInstruction, forKey: .instruction)
        try container.encodeIfPresent(storedReason, forKey: .reason)
    }
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
        func add(_ kind: ActionKind, _ instruction: LocalizedText, _ reason: LocalizedText, _ source: String) {
            actions.append(PlannedAction(kind: kind, instruction: instruction, reason: reason, source: source))
        }

        if input.danger {
            add(.emergency, LocalizedText("plan_emergency"), LocalizedText("plan_emergency_why"), Self.heal + ", safety assessment")
        }
        if input.companionPresent {
            add(.stopUnsafe, LocalizedText("plan_stop_unsafe"), LocalizedText("plan_stop_unsafe_why"), Self.pearr + ": provide privacy")
        }
        if minor && concern {
            let route = jurisdictions.route(for: input.state)
            let fallbackNote = route.isFallback == true ? " (state not in our table: fallback route)" : ""
            add(.mandatedReport, LocalizedText("plan_mandated_report", ["agency": route.agency, "phone": route.phone, "route": route.route]),
                LocalizedText("plan_mandated_report_why"),
                "CAPTA as amended by P.L. 114-22 (2015), §802; \(route.name) reporting route\(fallbackNote), \(route.source), verified \(route.verified)")
        }
        if screenedOpen || concern {
            let why = switch (input.result, concern) {
            case (.positive?, _): "plan_further_assessment_why_positive"
            case (.incomplete?, _): "plan_further_assessment_why_incomplete"
            default: "plan_further_assessment_why_disclosed"
            }
            add(.furtherAssessment, LocalizedText("plan_further_assessment"), LocalizedText(why), Self.heal + ", identification")
            add(.safetyPlan, LocalizedText("plan_safety_plan"), LocalizedText("plan_safety_plan_why"), Self.heal + ", discharge and safety planning")
            if !minor {
                add(.offerHotline, LocalizedText("plan_offer_hotline"), LocalizedText("plan_offer_hotline_why"),
                    Self.pearr + ": respect & respond; 45 CFR 164.512(c) limits disclosure about adult victims")
            }
            if input.consentToReferral {
                add(.refer, LocalizedText("plan_refer"), LocalizedText("plan_refer_why"), Self.heal + ", referral and warm hand-off")
            }
        }
        let open = screenedOpen || concern
        add(.document, LocalizedText(open ? "plan_document_open" : "plan_document_closed"), LocalizedText("plan_document_why"),
            Self.heal + ", documentation; Greenbaum J, J Law Med Ethics 2021 (safe use of diagnosis codes)")
        add(.followUp, LocalizedText(open ? "plan_follow_up_open" : "plan_follow_up_closed"),
            LocalizedText(open ? "plan_follow_up_why_open" : "plan_follow_up_why_closed"), Self.heal + ", follow-up")
        return actions
    }

    /// What to tell the person before the first question: the limits of confidentiality.
    public func confidentiality(age: Int, state: String?) -> LocalizedText {
        age < 18 ? LocalizedText("plan_confidentiality_minor", ["agency": jurisdictions.route(for: state).agency])
            : LocalizedText("plan_confidentiality_adult")
    }

    /// The same, in English (the command line).
    public func confidentialityLimits(age: Int, state: String?) -> String { confidentiality(age: age, state: state).english }
}
