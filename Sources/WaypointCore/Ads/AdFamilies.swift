import Foundation

/// What a family's summary needs of each ad, kept small (a million ads are grouped at once).
public struct AdSummaryPart: Sendable, Codable {
    public let places: [String]
    public let indicators: [String]
    public let identifiers: [String]
    public let postedAt: Date?

    public init(_ facts: AdFacts, postedAt: Date?) {
        places = facts.places.map(\.value)
        indicators = Array(Set(facts.indicators.map(\.id))).sorted()
        identifiers = facts.identifiers
        self.postedAt = postedAt
    }
}

/// A family of ads at a glance: where its ads were posted from, when, which identifiers they share
/// and which lexicon entries they show (with how many ads), for the list and the top of its page.
public struct AdFamilySummary: Sendable, Codable, Equatable {
    public let size: Int
    public let firstPosted: Date?
    public let lastPosted: Date?
    /// Places, most ads first.
    public let places: [Count]
    public let indicators: [Count]
    /// Identifiers on two or more of the family's ads.
    public let sharedIdentifiers: [Count]

    public struct Count: Sendable, Codable, Equatable {
        public let value: String
        public let ads: Int
    }

    public init(_ parts: [AdSummaryPart]) {
        size = parts.count
        let dates = parts.compactMap(\.postedAt)
        firstPosted = dates.min()
        lastPosted = dates.max()
        func counted(_ values: (AdSummaryPart) -> [String], minimum: Int = 1) -> [Count] {
            var counts: [String: Int] = [:]
            for part in parts { for value in Set(values(part)) { counts[value, default: 0] += 1 } }
            return counts.filter { $0.value >= minimum }.map { Count(value: $0.key, ads: $0.value) }
                .sorted { ($0.ads, $1.value) > ($1.ads, $0.value) }
        }
        places = counted(\.places)
        indicators = counted(\.indicators)
        sharedIdentifiers = counted(\.identifiers, minimum: 2)
    }
}
