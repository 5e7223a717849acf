/// Suggests the ICD-10-CM code for documented labor or sex exploitation, with the safety check that
/// must come before any such code is attached.
///
/// Codes and rules (docs/sources.md): categories T74.5-/T74.6- (confirmed) and T76.5-/T76.6-
/// (suspected), 7th character A/D/S (FY2019 addenda); Z04.81/Z04.82 when a suspicion is ruled out
/// during the encounter (guideline I.C.19.f); Z62.813 / Z91.42 for a personal history of forced labor
/// or sexual exploitation in childhood / in adulthood (FY2022 addenda). "Child" in these titles is the
/// person's age **when the exploitation happened**, not today, so the assistant asks for that age; it
/// falls back to today's age only at the initial encounter, where the two are the same.
public enum ICD10Assistant {
    public enum ExploitationType: String, CaseIterable, Sendable, Codable { case sex, labor }
    public enum Status: String, CaseIterable, Sendable, Codable { case confirmed, suspected, ruledOut = "ruled-out", history }
    public enum Encounter: String, CaseIterable, Sendable, Codable {
        case initial, subsequent, sequela
        /// The 7th character.
        var character: String {
            switch self {
            case .initial: "A"
            case .subsequent: "D"
            case .sequela: "S"
            }
        }
    }

    public struct Suggestion: Sendable, Equatable, Codable {
        public let code: String
        /// The code's official ICD-10-CM title, which stays in English.
        public let description: String
        public let rationale: String
        /// Questions to settle before the code is attached: codes travel to portals, claims and
        /// insurance statements that a controlling person may read (Greenbaum, JLME 2021).
        public let safetyCheck: [String]
        /// Other codes the guideline asks for alongside this one (confirmed cases only).
        public let reminders: [String]
        /// FHIR security labels for any resource that carries the code.
        public let securityLabels: [String]
        /// The rationale's and reminders' sentences as catalog keys, for the reader's language.
        public let rationaleText: [LocalizedText]
        public let reminderText: [LocalizedText]

        init(code: String, description: String, rationale: [LocalizedText], reminders: [LocalizedText] = []) {
            self.code = code
            self.description = description
            self.rationale = rationale.map(\.english).joined(separator: " ")
            self.safetyCheck = ICD10Assistant.safetyCheck.map(\.english)
            self.reminders = reminders.map(\.english)
            self.securityLabels = ICD10Assistant.securityLabels
            self.rationaleText = rationale
            self.reminderText = reminders
        }

        public func rationale(in strings: Localizer) -> String { rationaleText.map { strings($0) }.joined(separator: " ") }
        public func reminders(in strings: Localizer) -> [String] { reminderText.map { strings($0) } }
    }

    public enum CodingError: UserFacingError, Equatable {
        /// A history code, or a later encounter, without the age the exploitation happened at.
        case ageAtExploitationNeeded
        case invalidAge(field: String)

        public var messageKey: String { "error_invalid_coding_request" }
        public var kind: FailureKind { .invalid }
        public var field: String? {
            switch self {
            case .ageAtExploitationNeeded: "age_at_exploitation"
            case .invalidAge(let field): field
            }
        }
        public var detail: LocalizedText? {
            switch self {
            case .ageAtExploitationNeeded: LocalizedText("error_detail_age_at_exploitation_needed")
            case .invalidAge(let field): LocalizedText("error_detail_coding_age", ["field": field])
            }
        }
    }

    public static let safetyCheck = (1...4).map { LocalizedText("coding_safety_\($0)") }
    static let securityLabels = ["http://terminology.hl7.org/CodeSystem/v3-ActCode|SDV", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R"]

    public static func suggest(type: ExploitationType, status: Status, age: Int, ageAtExploitation: Int? = nil,
                               encounter: Encounter) throws -> Suggestion {
        guard (0...130).contains(age) else { throw CodingError.invalidAge(field: "age") }
        if let ageAtExploitation, !(0...age).contains(ageAtExploitation) { throw CodingError.invalidAge(field: "age_at_exploitation") }
        if status == .ruledOut {
            let code = type == .sex ? "Z04.81" : "Z04.82"
            return Suggestion(
                code: code,
                description: "Encounter for examination and observation of victim following forced \(type == .sex ? "sexual" : "labor") exploitation",
                rationale: [LocalizedText("coding_rationale_ruled_out")])
        }
        // Only the encounter at which the exploitation is being identified may assume it is current.
        guard let exploitedAt = ageAtExploitation ?? (status != .history && encounter == .initial ? age : nil) else {
            throw CodingError.ageAtExploitationNeeded
        }
        let child = exploitedAt < 18
        if status == .history {
            return Suggestion(
                code: child ? "Z62.813" : "Z91.42",
                description: child ? "Personal history of forced labor or sexual exploitation in childhood"
                                   : "Personal history of forced labor or sexual exploitation",
                rationale: [LocalizedText(child ? "coding_rationale_history_child" : "coding_rationale_history_adult",
                                          ["age": String(exploitedAt)])])
        }
        let category = status == .confirmed ? "T74" : "T76"
        let subcategory = (type == .sex ? "5" : "6") + (child ? "2" : "1")
        let subject = switch (type, child) {
        case (.sex, false): "Adult forced sexual exploitation"
        case (.sex, true): "Child sexual exploitation"
        case (.labor, false): "Adult forced labor exploitation"
        case (.labor, true): "Child forced labor exploitation"
        }
        return Suggestion(
            code: "\(category).\(subcategory)X\(encounter.character)",
            description: "\(subject), \(status == .confirmed ? "confirmed" : "suspected"), \(encounter.rawValue) encounter",
            rationale: [LocalizedText(status == .confirmed ? "coding_rationale_confirmed" : "coding_rationale_suspected"),
                        LocalizedText(child ? "coding_rationale_child" : "coding_rationale_adult",
                                      ["character": encounter.character, "encounter": encounter.rawValue, "age": String(exploitedAt)])],
            // Guideline I.C.19.f: external cause and perpetrator codes for confirmed cases, never for suspected ones.
            reminders: status == .confirmed ? [LocalizedText("coding_reminder_external_cause"), LocalizedText("coding_reminder_perpetrator")] : [])
    }
}
