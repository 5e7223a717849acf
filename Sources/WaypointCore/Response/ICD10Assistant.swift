/// Suggests the ICD-10-CM code for documented labor or sex exploitation, with the safety check that
/// must come before any such code is attached.
///
/// Codes and rules: ICD-10-CM FY2019 addenda (effective 1 Oct 2018), categories T74.5-/T74.6-
/// (confirmed) and T76.5-/T76.6- (suspected), 7th character A/D/S; Official Guidelines I.C.19.f:
/// when suspected exploitation is ruled out during the encounter, code Z04.81 / Z04.82, not T76.
/// Adult vs child follows the code titles; we treat under 18 as a child, as the guidelines' child
/// abuse codes and U.S. child-welfare law do.
public enum ICD10Assistant {
    public enum ExploitationType: String, CaseIterable, Sendable, Codable { case sex, labor }
    public enum Status: String, CaseIterable, Sendable, Codable { case confirmed, suspected, ruledOut = "ruled-out" }
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
        /// FHIR security labels for any resource that carries the code.
        public let securityLabels: [String]
        /// The rationale's sentences as catalog keys, for the reader's language.
        public let rationaleText: [LocalizedText]

        init(code: String, description: String, rationale: [LocalizedText], securityLabels: [String]) {
            self.code = code
            self.description = description
            self.rationale = rationale.map(\.english).joined(separator: " ")
            self.safetyCheck = ICD10Assistant.safetyCheck.map(\.english)
            self.securityLabels = securityLabels
            self.rationaleText = rationale
        }

        public func rationale(in strings: Localizer) -> String { rationaleText.map { strings($0) }.joined(separator: " ") }
    }

    public static let safetyCheck = (1...4).map { LocalizedText("coding_safety_\($0)") }

    public static func suggest(type: ExploitationType, status: Status, age: Int, encounter: Encounter) -> Suggestion {
        let child = age < 18
        let labels = ["http://terminology.hl7.org/CodeSystem/v3-ActCode|SDV", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R"]
        if status == .ruledOut {
            let code = type == .sex ? "Z04.81" : "Z04.82"
            return Suggestion(
                code: code,
                description: "Encounter for examination and observation of victim following forced \(type == .sex ? "sexual" : "labor") exploitation",
                rationale: [LocalizedText("coding_rationale_ruled_out")], securityLabels: labels)
        }
        let category = status == .confirmed ? "T74" : "T76"
        let subcategory = (type == .sex ? "5" : "6") + (child ? "2" : "1")
        let code = "\(category).\(subcategory)X\(encounter.character)"
        let subject = switch (type, child) {
        case (.sex, false): "Adult forced sexual exploitation"
        case (.sex, true): "Child sexual exploitation"
        case (.labor, false): "Adult forced labor exploitation"
        case (.labor, true): "Child forced labor exploitation"
        }
        return Suggestion(
            code: code,
            description: "\(subject), \(status == .confirmed ? "confirmed" : "suspected"), \(encounter.rawValue) encounter",
            rationale: [LocalizedText(status == .confirmed ? "coding_rationale_confirmed" : "coding_rationale_suspected"),
                        LocalizedText(child ? "coding_rationale_child" : "coding_rationale_adult",
                                      ["character": encounter.character, "encounter": encounter.rawValue])],
            securityLabels: labels)
    }
}
