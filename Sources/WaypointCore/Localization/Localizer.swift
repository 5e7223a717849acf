import Foundation

/// The languages every screen is available in.
public enum Language: String, CaseIterable, Sendable, Codable {
    case en, es

    /// Picks the best supported language from an `Accept-Language` header value (RFC 9110 §12.5.4).
    public static func negotiate(acceptLanguage: String?) -> Language {
        guard let header = acceptLanguage else { return .en }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag.lowercased(), quality)
        }
        for (tag, quality) in ranked.sorted(by: { $0.1 > $1.1 }) where quality > 0 {
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            if let language = Language(rawValue: primary) { return language }
        }
        return .en
    }
}

/// Strings for one language, from the catalogs in `Resources/locales`. A key missing from a
/// non-English catalog falls back to English so a screen is never blank; the test suite keeps the
/// catalogs complete.
public struct Localizer: Sendable {
    public let language: Language
    private let strings: [String: String]
    private let fallback: [String: String]

    public init(_ language: Language) {
        self.language = language
        self.strings = Catalogs.shared[language] ?? [:]
        self.fallback = Catalogs.shared[.en] ?? [:]
    }

    /// Made once: plans and errors are worded in English for the command line and problem logs.
    public static let english = Localizer(.en)

    public subscript(key: String) -> String {
        strings[key] ?? fallback[key] ?? key
    }

    /// The string for `key` with each `{name}` replaced by its argument.
    public func format(_ key: String, _ arguments: [String: String]) -> String {
        var text = self[key]
        for (name, value) in arguments { text = text.replacingOccurrences(of: "{" + name + "}", with: value) }
        return text
    }

    public func callAsFunction(_ text: LocalizedText) -> String { format(text.key, text.arguments) }

    /// The label of a coded value: `label("crisis_channel", "walk-in")` reads `crisis_channel_walk_in`.
    public func label(_ group: String, _ code: String) -> String {
        self[group + "_" + code.replacingOccurrences(of: "-", with: "_")]
    }

    /// Every key and string of this language, for templates (merged once per language, not per page).
    public var all: [String: String] { Catalogs.merged[language] ?? fallback }

    public static func keys(of language: Language) -> Set<String> {
        Set((Catalogs.shared[language] ?? [:]).keys)
    }
}

/// A sentence decided in the core and worded by the catalogs: a key and the values it mentions.
/// Shells render it in the reader's language; records keep it so a plan reads in Spanish too.
public struct LocalizedText: Sendable, Codable, Equatable {
    public let key: String
    public let arguments: [String: String]

    public init(_ key: String, _ arguments: [String: String] = [:]) {
        self.key = key
        self.arguments = arguments
    }

    /// The English wording: what the command line prints and what a record stores as said.
    public var english: String { Localizer.english(self) }

    // Stored with every planned action, so kept small: a sentence without values is just its key.
    private enum CodingKeys: String, CodingKey { case key, arguments }

    public init(from decoder: any Decoder) throws {
        if let key = try? decoder.singleValueContainer().decode(String.self) {
            self.init(key)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try container.decode(String.self, forKey: .key),
                  try container.decodeIfPresent([String: String].self, forKey: .arguments) ?? [:])
    }

    public func encode(to encoder: any Encoder) throws {
        guard !arguments.isEmpty else {
            var single = encoder.singleValueContainer()
            try single.encode(key)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(arguments, forKey: .arguments)
    }
}

enum Catalogs {
    static let loaded: Result<[Language: [String: String]], BundledResourceError> = Result {
        var result: [Language: [String: String]] = [:]
        for language in Language.allCases {
            result[language] = try BundledResources.load("locales/\(language.rawValue).json") {
                try JSONDecoder().decode([String: String].self, from: $0)
            }.get()
        }
        return result
    }.mapError { $0 as! BundledResourceError }

    static let shared: [Language: [String: String]] = loaded.loadedValue

    /// Each language over English, so a key missing from a catalog still reads.
    static let merged: [Language: [String: String]] = Dictionary(uniqueKeysWithValues: Language.allCases.map { language in
        (language, (shared[.en] ?? [:]).merging(shared[language] ?? [:]) { _, local in local })
    })
}
