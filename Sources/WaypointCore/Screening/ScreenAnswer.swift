import Foundation

/// How one question was answered. Only "yes", "no" and a question's own option (a count band, say)
/// are answers in the scoring sense; the rest are open, so a skipped question is never read as "no".
///
/// Stored as its word: `yes`, `no`, `declined`, `unknown`, `not-asked`, or `option:<code>` for one
/// of the question's own answer options.
public struct ScreenAnswer: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String

    public init?(rawValue: String) {
        guard Self.words.contains(rawValue) || rawValue.hasPrefix(Self.optionPrefix) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ word: String) { rawValue = word }

    public static let yes = ScreenAnswer("yes")
    public static let no = ScreenAnswer("no")
    public static let declined = ScreenAnswer("declined")
    public static let unknown = ScreenAnswer("unknown")
    public static let notAsked = ScreenAnswer("not-asked")
    public static let allCases: [ScreenAnswer] = [.yes, .no, .declined, .unknown, .notAsked]
    static let words: Set<String> = Set(allCases.map(\.rawValue))
    static let optionPrefix = "option:"

    /// One of the question's own answer options, by its code.
    public static func option(_ code: String) -> ScreenAnswer { ScreenAnswer(optionPrefix + code) }

    /// The option code, for an answer that picked one of the question's own options.
    public var optionCode: String? { rawValue.hasPrefix(Self.optionPrefix) ? String(rawValue.dropFirst(Self.optionPrefix.count)) : nil }

    public init(word: String) throws {
        let normalized = word.trimmingCharacters(in: .whitespaces).lowercased()
        switch normalized {
        case "yes", "y", "si", "sí": self = .yes
        case "no", "n": self = .no
        case "declined", "decline", "refused": self = .declined
        case "unknown", "dont-know", "don't know", "dk": self = .unknown
        case "not-asked", "notasked", "unsafe": self = .notAsked
        default:
            let code = word.trimmingCharacters(in: .whitespaces)
            guard code.hasPrefix(Self.optionPrefix), code.count > Self.optionPrefix.count else { throw ScreeningError.unknownAnswer(word) }
            self = ScreenAnswer(code)
        }
    }

    public var isDecided: Bool { self == .yes || self == .no || optionCode != nil }

    static let localSystem = "urn:waypoint:fhir:CodeSystem:screening-answer"
    static let hmisSystem = "urn:waypoint:fhir:CodeSystem:hmis-response"

    /// The Coding when the question has no options of its own (LOINC for yes/no).
    public var coding: JSONValue {
        switch self {
        case .yes: .object(["system": .string("http://loinc.org"), "code": .string("LA33-6"), "display": .string("Yes")])
        case .no: .object(["system": .string("http://loinc.org"), "code": .string("LA32-8"), "display": .string("No")])
        default: .object(["system": .string(Self.localSystem), "code": .string(rawValue)])
        }
    }

    /// What an option of a form means in these words: LOINC yes/no, our own open answers, and the
    /// HMIS response list (1 yes, 0 no, 8 doesn't know, 9 prefers not to answer, 99 not collected).
    static func meaning(of coding: JSONValue) -> ScreenAnswer? {
        switch (coding["system"]?.string, coding["code"]?.string) {
        case ("http://loinc.org", "LA33-6"?), (hmisSystem?, "1"?): .yes
        case ("http://loinc.org", "LA32-8"?), (hmisSystem?, "0"?): .no
        case (hmisSystem?, "8"?): .unknown
        case (hmisSystem?, "9"?): .declined
        case (hmisSystem?, "99"?): .notAsked
        case (localSystem?, let code?): ScreenAnswer(rawValue: code)
        default: nil
        }
    }

    /// The question's own option this answer stands for; without options, the generic coding.
    /// Throws when the question offers no such option (a "yes" to a count question).
    public func coding(in item: QuestionnaireItem) throws -> JSONValue {
        let options = (item.raw["answerOption"]?.array ?? []).compactMap { $0["valueCoding"] }
        guard !options.isEmpty else { return coding }
        let match = options.first { option in
            if let code = optionCode { return option["code"]?.string == code }
            return Self.meaning(of: option) == self
        }
        guard case .object(var fields)? = match else { throw ScreeningError.unknownAnswer(rawValue) }
        fields = fields.filter { ["system", "code", "display"].contains($0.key) }
        return .object(fields)
    }

    /// The answers a question offers, as words: its own options read back through their meaning,
    /// or the five generic answers when it has none.
    public static func choices(for item: QuestionnaireItem) -> [(answer: ScreenAnswer, option: JSONValue?)] {
        let options = (item.raw["answerOption"]?.array ?? []).compactMap { $0["valueCoding"] }
        guard !options.isEmpty else { return allCases.map { ($0, nil) } }
        return options.compactMap { option in
            if let meaning = meaning(of: option) { return (meaning, option) }
            return option["code"]?.string.map { (.option($0), option) }
        }
    }
}
