import Foundation

/// What the person disclosed, or what the clinician reasonably suspects.
public enum Concern: String, CaseIterable, Sendable, Codable {
    case sex, labor, both, none
}

public enum ActionKind: String, Sendable, Codable, CaseIterable {
    case emergency
    case stopUnsafe = "stop-unsafe"
    case mandatedReport = "mandated-report"
    case safeDischarge = "safe-discharge"
    case eligibilityRequest = "eligibility-request"
    case apsReport = "aps-report"
    case furtherAssessment = "further-assessment"
    case safetyPlan = "safety-plan"
    case offerHotline = "offer-hotline"
    case immigrationRelief = "immigration-relief"
    case refer
    case document
    case followUp = "follow-up"
}

public struct PlannedAction: Sendable, Codable, Equatable {
    public let kind: ActionKind
    /// The sentences as catalog keys with their values: stored so, and shown in the reader's language.
    public let instructionText: LocalizedText?
    public let reasonText: LocalizedText?
    /// The citation: publication titles stay as published, the rest is worded by the catalogs.
    public let sourceText: LocalizedText?
    /// With a companion in the room, a step that needs a word with the person waits until they
    /// are alone; shells list these apart, under "when you are alone with the person".
    public let whenAlone: Bool
    /// Plans stored before the catalogs worded them hold English text only.
    private let storedInstruction: String?
    private let storedReason: String?
    private let storedSource: String?

    init(kind: ActionKind, instruction: LocalizedText, reason: LocalizedText, source: LocalizedText, whenAlone: Bool = false) {
        self.kind = kind
        self.instructionText = instruction
        self.reasonText = reason
        self.sourceText = source
        self.whenAlone = whenAlone
        self.storedInstruction = nil
        self.storedReason = nil
        self.storedSource = nil
    }

    /// In English (the command line, tests).
    public var instruction: String { instruction(in: .english) }
    public var reason: String { reason(in: .english) }
    public var source: String { source(in: .english) }

    public func instruction(in strings: Localizer) -> String { instructionText.map { strings($0) } ?? storedInstruction ?? "" }
    public func reason(in strings: Localizer) -> String { reasonText.map { strings($0) } ?? storedReason ?? "" }
    public func source(in strings: Localizer) -> String { sourceText.map { strings($0) } ?? storedSource ?? "" }

    private enum CodingKeys: String, CodingKey { case kind, instructionText, reasonText, sourceText, whenAlone, instruction, reason, source }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(ActionKind.self, forKey: .kind)
        instructionText = try container.decodeIfPresent(LocalizedText.self, forKey: .instructionText)
        reasonText = try container.decodeIfPresent(LocalizedText.self, forKey: .reasonText)
        sourceText = try container.decodeIfPresent(LocalizedText.self, forKey: .sourceText)
        whenAlone = try container.decodeIfPresent(Bool.self, forKey: .whenAlone) ?? false
        storedInstruction = try container.decodeIfPresent(String.self, forKey: .instruction)
        storedReason = try container.decodeIfPresent(String.self, forKey: .reason)
        storedSource = try container.decodeIfPresent(String.self, forKey: .source)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(instructionText, forKey: .instructionText)
        try container.encodeIfPresent(reasonText, forKey: .reasonText)
        try container.encodeIfPresent(sourceText, forKey: .sourceText)
        if whenAlone { try container.encode(whenAlone, forKey: .whenAlone) }
        try container.encodeIfPresent(storedInstruction, forKey: .instruction)
        try container.encodeIfPresent(storedReason, forKey: .reason)
        try container.encodeIfPresent(storedSource, forKey: .source)
    }
}

/// One step of a plan worded for a reader: what the API and the command line print.
public struct WordedAction: Sendable, Encodable, Equatable {
    public let kind: ActionKind
    public let instruction: String
    public let reason: String
    public let source: String
    /// Wait until the person is alone (a companion is present).
    public let whenAlone: Bool

    public init(_ action: PlannedAction, in strings: Localizer) {
        kind = action.kind
        instruction = action.instruction(in: strings)
        reason = action.reason(in: strings)
        source = action.source(in: strings)
        whenAlone = action.whenAlone
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
    /// Not a U.S. citizen or lawful permanent resident: federal benefits and immigration relief apply.
    public var foreignNational: Bool
    /// An adult who depends on others for care, or whom the state's adult-protection law covers.
    public var dependentAdult: Bool

    public init(age: Int, result: ScreenResult?, concern: Concern = .none, danger: Bool = false,
                companionPresent: Bool = false, state: String? = nil, consentToReferral: Bool = false,
                foreignNational: Bool = false, dependentAdult: Bool = false) {
        self.age = age
        self.result = result
        self.concern = concern
        self.danger = danger
        self.companionPresent = companionPresent
        self.state = state
        self.consentToReferral = consentToReferral
        self.foreignNational = foreignNational
        self.dependentAdult = dependentAdult
    }
}

/// Turns a screen result and the situation into ordered, sourced actions. Pure: same input, same plan.
/// A positive screen always means further assessment — never a conclusion about what happened.
///
/// With a companion present the plan is what can be done without speaking to the person in front
/// of them (emergency, stop, the report and a safe discharge for a child); every step that needs a
/// private word is marked `whenAlone`. Nothing on screen names the topic: a companion may glance at it.
public struct ResponsePlanner: Sendable {
    public let jurisdictions: JurisdictionTable

    public init(jurisdictions: JurisdictionTable = .bundled) { self.jurisdictions = jurisdictions }

    public func plan(_ input: PlanInput) -> [PlannedAction] {
        let minor = input.age < 18
        let concern = input.concern != .none
        let screenedOpen = input.result == .positive || input.result == .incomplete
        let open = screenedOpen || concern
        var actions: [PlannedAction] = []
        func add(_ kind: ActionKind, _ instruction: LocalizedText, _ reason: LocalizedText, _ source: LocalizedText, private needsWord: Bool = false) {
            actions.append(PlannedAction(kind: kind, instruction: instruction, reason: reason, source: source,
                                         whenAlone: needsWord && input.companionPresent))
        }
        func text(_ key: String, _ arguments: [String: String] = [:]) -> LocalizedText { LocalizedText(key, arguments) }

        if input.danger { add(.emergency, text("plan_emergency"), text("plan_emergency_why"), text("source_heal_safety")) }
        if input.companionPresent { add(.stopUnsafe, text("plan_stop_unsafe"), text("plan_stop_unsafe_why"), text("source_pearr_privacy")) }
        if minor && concern {
            let route = jurisdictions.route(for: input.state)
            add(.mandatedReport, mandatedReportInstruction(route, concern: input.concern, companion: input.companionPresent),
                text(input.concern == .labor ? "plan_mandated_report_why_labor" : "plan_mandated_report_why"),
                routeSource(input.concern == .labor ? "source_child_labor_report" : "source_child_report", route))
            if input.companionPresent {
                add(.safeDischarge, text("plan_safe_discharge", ["agency": route.agency]), text("plan_safe_discharge_why"), text("source_heal_discharge"))
            }
            if input.foreignNational {
                add(.eligibilityRequest, text("plan_eligibility_request"), text("plan_eligibility_request_why"), text("source_child_eligibility"))
            }
        }
        if !minor && input.dependentAdult && concern {
            let aps = jurisdictions.adultProtectiveServices(for: input.state)
            add(.apsReport, text("plan_aps_report", ["agency": aps.route.agency, "phone": aps.route.phone, "route": aps.route.route]),
                text("plan_aps_report_why"), routeSource("source_aps", aps.jurisdiction, route: aps.route, fallback: aps.isFallback))
        }
        if open {
            let why = switch (input.result, concern) {
            case (.positive?, _): "plan_further_assessment_why_positive"
            case (.incomplete?, _): "plan_further_assessment_why_incomplete"
            default: "plan_further_assessment_why_disclosed"
            }
            add(.furtherAssessment, text("plan_further_assessment"), text(why), text("source_heal_identification"), private: true)
            add(.safetyPlan, text("plan_safety_plan"), text("plan_safety_plan_why"), text("source_heal_safety_planning"), private: true)
            if !minor {
                add(.offerHotline, text("plan_offer_hotline"), text("plan_offer_hotline_why"), text("source_pearr_respond"), private: true)
            }
            if !minor && input.foreignNational && concern {
                add(.immigrationRelief, text("plan_immigration_relief"), text("plan_immigration_relief_why"), text("source_immigration_relief"), private: true)
            }
            if input.consentToReferral {
                add(.refer, text("plan_refer"), text("plan_refer_why"), text("source_heal_referral"), private: true)
            }
        }
        add(.document, text(open ? "plan_document_open" : "plan_document_closed"), text("plan_document_why"), text("source_documentation"),
            private: true)
        add(.followUp, text(open ? "plan_follow_up_open" : "plan_follow_up_closed"),
            text(open ? "plan_follow_up_why_open" : "plan_follow_up_why_closed"), text("source_heal_follow_up"), private: true)
        return actions
    }

    /// Who takes the report and how: a labor concern goes where the state says labor exploitation
    /// of a child is reported (the child-welfare agency only where its law makes it abuse or neglect).
    func mandatedReportInstruction(_ route: Jurisdiction, concern: Concern, companion: Bool) -> LocalizedText {
        let key = switch (concern, route.childReport.labor) {
        case (.labor, .some): "plan_mandated_report_labor"
        case (.labor, .none): "plan_mandated_report_labor_unverified"
        default: "plan_mandated_report"
        }
        return LocalizedText(companion ? key + "_companion" : key,
                             ["agency": route.agency, "phone": route.phone, "route": route.route])
    }

    func routeSource(_ key: String, _ jurisdiction: Jurisdiction, route: ReportingRoute? = nil, fallback: Bool? = nil) -> LocalizedText {
        let used = route ?? jurisdiction.childReport
        let isFallback = fallback ?? (jurisdiction.isFallback == true)
        return LocalizedText(isFallback ? key + "_fallback" : key,
                             ["state": jurisdiction.name, "source": used.source, "verified": used.verified])
    }

    /// What to tell the person before the first question: the limits of confidentiality.
    public func confidentiality(age: Int, state: String?) -> LocalizedText {
        age < 18 ? LocalizedText("plan_confidentiality_minor", ["agency": jurisdictions.route(for: state).agency])
            : LocalizedText("plan_confidentiality_adult")
    }

    /// The same, in English (the command line).
    public func confidentialityLimits(age: Int, state: String?) -> String { confidentiality(age: age, state: state).english }
}
