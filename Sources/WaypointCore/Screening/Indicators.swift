import Foundation

/// One observable sign that calls for a private, further assessment. A sign never decides
/// anything and is never stored as a label on a person: the encounter flow uses the ticked signs
/// to suggest the next step and forgets them.
public struct Indicator: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case sex, labor, both }
    public enum Population: String, Codable, Sendable, CaseIterable { case minor, adult, any }

    public let id: String
    public let kind: Kind
    public let population: Population
    /// `general`, or a sector such as agriculture, domestic-work or truck-stops.
    public let sector: String
    /// The wording by language code (`en`, `es`).
    public let text: [String: String]
    public let source: String

    public func text(in language: Language) -> String { text[language.rawValue] ?? text["en"] ?? id }

    /// Whether the sign applies to a person of this age.
    public func applies(toAge age: Int) -> Bool {
        switch population {
        case .any: true
        case .minor: age < 18
        case .adult: age >= 18
        }
    }
}

/// The cited list in `Resources/indicators/indicators.json`; training reuses it.
public struct IndicatorLibrary: Sendable, Codable {
    public static let sectors = ["general", "agriculture", "restaurants", "domestic-work", "massage-spa", "hotels", "truck-stops",
                                 "construction", "online", "door-to-door"]
    public let indicators: [Indicator]

    static let loaded = BundledResources.load("indicators/indicators.json") { data in
        let library = try JSONDecoder().decode(IndicatorLibrary.self, from: data)
        guard let unknown = library.indicators.first(where: { !sectors.contains($0.sector) || $0.text["en"] == nil || $0.text["es"] == nil })
        else { return library }
        throw BundledResourceError(file: "indicators/indicators.json", reason: "has an entry without both languages or with an unknown sector (\(unknown.id))")
    }
    public static var bundled: IndicatorLibrary { loaded.loadedValue }

    public func forAge(_ age: Int) -> [Indicator] { indicators.filter { $0.applies(toAge: age) } }

    /// What a lesson may ask to list: the signs of one kind of exploitation, or all of them.
    public static let lessonKinds = ["sex", "labor", "any"]

    /// The signs a lesson on this kind lists: its own and those of both kinds; "any" lists every one.
    public func forLesson(_ kind: String) -> [Indicator] {
        indicators.filter { kind == "any" || $0.kind.rawValue == kind || $0.kind == .both }
    }

    /// What ticking these signs suggests: further assessment in private, with the instrument that
    /// fits the age, and for a child with labor signs, that no validated labor screen exists.
    public func assess(observed ids: Set<String>, age: Int, catalog: InstrumentCatalog = .bundled) -> IndicatorAssessment {
        let seen = indicators.filter { ids.contains($0.id) && $0.applies(toAge: age) }
        return IndicatorAssessment(
            observed: seen, suggested: seen.isEmpty ? nil : catalog.suggested(forAge: age),
            laborWithoutScreen: age < 18 && seen.contains { $0.kind != .sex })
    }
}

public struct IndicatorAssessment: Sendable, Equatable {
    public let observed: [Indicator]
    /// The validated screen for the person's age, when signs were seen and one exists.
    public let suggested: InstrumentInfo?
    /// A minor with signs of exploited labor: the validated screens for this age ask about sex only.
    public let laborWithoutScreen: Bool

    public var callsForFurtherAssessment: Bool { !observed.isEmpty }
}
