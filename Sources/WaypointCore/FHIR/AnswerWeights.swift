import Foundation

/// Scoring weights of a Questionnaire's answer choices, for SDC `weight()` / `ordinal()`.
///
/// Rule (SDC 3.0 §weight): the weight on the answer Coding itself wins; otherwise the weight of the
/// matching answerOption, or of the concept in a contained ValueSet the item draws on. A Coding with
/// no `system` matches on code when that code is unambiguous. Both extension URLs are read: the SDC
/// `itemWeight` and the older core `ordinalValue`.
public struct AnswerWeights: Sendable {
    public static let extensionURLs: Set<String> = [
        "http://hl7.org/fhir/StructureDefinition/itemWeight",
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-itemWeight",
    ]

    struct Key: Hashable, Sendable { let system: String?; let code: String }

    private var byItem: [String: [Key: Double]] = [:]
    private var everywhere: [Key: Double] = [:]

    public init() {}

    public var isEmpty: Bool { everywhere.isEmpty }

    mutating func add(system: String?, code: String, weight: Double, linkId: String?) {
        let key = Key(system: system, code: code)
        if let linkId { byItem[linkId, default: [:]][key] = weight }
        everywhere[key] = weight
    }

    public static func weight(inExtensionsOf value: JSONValue) -> Double? {
        for ext in value["extension"]?.array ?? [] where extensionURLs.contains(ext["url"]?.string ?? "") {
            if let weight = (ext["valueDecimal"] ?? ext["valueInteger"])?.number { return weight }
        }
        return nil
    }

    public func weight(of coding: JSONValue, linkId: String?) -> Double? {
        if let own = Self.weight(inExtensionsOf: coding) { return own }
        guard let code = coding["code"]?.string else { return nil }
        let system = coding["system"]?.string
        for table in [linkId.flatMap { byItem[$0] }, everywhere].compactMap({ $0 }) {
            if let system, let weight = table[Key(system: system, code: code)] { return weight }
            if system == nil {
                let candidates = Set(table.filter { $0.key.code == code }.values)
                if candidates.count == 1 { return candidates.first }
            }
        }
        return nil
    }
}
