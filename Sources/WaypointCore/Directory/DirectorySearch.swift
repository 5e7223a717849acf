import Foundation

/// What a person searches for: free text, a place and radius, who the service is for, language,
/// what it offers, and whether it answers now.
public struct DirectoryQuery: Sendable, Equatable {
    public var text = ""
    public var latitude: Double?
    public var longitude: Double?
    public var zip: String?
    public var radiusKm: Double = 40
    public var populations: [String] = []
    public var languages: [String] = []
    public var serviceTypes: [String] = []
    public var twentyFourSeven = false
    public var openNow = false
    public var page = 1
    public var perPage = 20

    public init() {}

    /// Checks ranges and facet values against the vocabulary; the error names the parameter.
    public func validated(vocabulary: DirectoryVocabulary = .bundled) throws -> DirectoryQuery {
        var query = self
        query.text = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard (1...500).contains(radiusKm) else { throw DirectoryError.badQuery(field: "radius_km", reason: LocalizedText("error_detail_radius")) }
        guard page >= 1, page <= 1000 else { throw DirectoryError.badQuery(field: "page", reason: LocalizedText("error_detail_page")) }
        guard (1...100).contains(perPage) else { throw DirectoryError.badQuery(field: "per_page", reason: LocalizedText("error_detail_per_page")) }
        if let zip = zip?.trimmingCharacters(in: .whitespaces), !zip.isEmpty {
            guard let place = ZIPCentroids.bundled.place(zip) else {
                throw DirectoryError.badQuery(field: "zip", reason: LocalizedText("error_detail_zip", ["value": String(zip.prefix(12))]))
            }
            query.latitude = place.latitude
            query.longitude = place.longitude
        }
        if let latitude = query.latitude, let longitude = query.longitude {
            guard (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                throw DirectoryError.badQuery(field: "near", reason: LocalizedText("error_detail_coordinates"))
            }
        } else if query.latitude != nil || query.longitude != nil {
            throw DirectoryError.badQuery(field: "near", reason: LocalizedText("error_detail_both_coordinates"))
        }
        for (field, values, group) in [("population", populations, DirectoryVocabulary.Group.population), ("service_type", serviceTypes, .serviceType)] {
            if let unknown = values.first(where: { vocabulary.term(group, $0) == nil }) {
                throw DirectoryError.badQuery(field: field, reason: LocalizedText("error_detail_unknown_value", ["value": String(unknown.prefix(40)), "values": vocabulary.terms(in: group).map(\.shortCode).joined(separator: ", ")]))
            }
        }
        query.languages = try languages.map { code in
            let normalized = DirectoryEntry.languageCode(code)
            guard (2...3).contains(normalized.count), normalized.allSatisfy({ $0.isLetter && $0.isASCII }) else {
                throw DirectoryError.badQuery(field: "language", reason: LocalizedText("error_detail_language_code"))
            }
            return normalized
        }
        return query
    }

    /// Words of the free text, folded as the index folds them.
    public var words: [String] { Array(DirectoryEntry.searchWords(text).prefix(8)) }
}

public struct DirectoryHit: Sendable, Equatable, Codable {
    public let key: String
    public let serviceId: String
    public let serviceName: String
    public let organizationName: String
    /// Kilometres from the search point; nil for services reached by phone or online only, or
    /// when no point was given. Approximate (to about 10 km) for confidential sites.
    public let distanceKm: Double?
    public let populations: [String]
    public let serviceTypes: [String]
    public let languages: [String]
    public let openNow: Bool
    public let alwaysOpen: Bool
    public let confidential: Bool
    public let verifiedOn: String?

    public init(key: String, serviceId: String, serviceName: String, organizationName: String, distanceKm: Double?,
                populations: [String], serviceTypes: [String], languages: [String], openNow: Bool, alwaysOpen: Bool,
                confidential: Bool, verifiedOn: String?) {
        self.key = key
        self.serviceId = serviceId
        self.serviceName = serviceName
        self.organizationName = organizationName
        self.distanceKm = distanceKm
        self.populations = populations
        self.serviceTypes = serviceTypes
        self.languages = languages
        self.openNow = openNow
        self.alwaysOpen = alwaysOpen
        self.confidential = confidential
        self.verifiedOn = verifiedOn
    }
}

public struct DirectorySearchPage: Sendable, Equatable {
    public let hits: [DirectoryHit]
    /// Matches found, counted up to `DirectoryRanking.candidateLimit`.
    public let total: Int
    public let page: Int
    public let perPage: Int
}

/// A match as the database found it, before the exact radius and the ranking: the hit with its
/// stored point (exact for public sites; blurred for confidential ones).
public struct DirectoryCandidate: Sendable {
    public let hit: DirectoryHit
    public let latitude: Double?
    public let longitude: Double?

    public init(hit: DirectoryHit, latitude: Double?, longitude: Double?) {
        self.hit = hit
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// How matches are kept and ordered: inside the radius, then by relevance, distance and freshness.
public enum DirectoryRanking {
    /// Ranking looks at up to this many matches; a search wider than that should be narrowed.
    public static let candidateLimit = 1000

    /// `candidates` come in the database's order (its text rank when there is no place).
    public static func page(_ candidates: [DirectoryCandidate], for query: DirectoryQuery, today: String) -> DirectorySearchPage {
        let point = query.latitude.flatMap { lat in query.longitude.map { (lat: lat, lon: $0) } }
        var scored: [(hit: DirectoryHit, score: Double)] = []
        for (position, candidate) in candidates.enumerated() {
            var hit = candidate.hit
            if let point, let latitude = candidate.latitude, let longitude = candidate.longitude {
                let exact = Geo.kilometres(point, (latitude, longitude))
                if exact > query.radiusKm { continue }
                hit = hit.with(distanceKm: DirectoryPrivacy.reportedDistance(exact, confidential: hit.confidential))
            }
            // Relevance: the words found in the service's own name, and (without a place, where the
            // database orders by its text rank) the rank; then distance within the radius, and how
            // recently someone confirmed the entry.
            let rank = point == nil ? 1 - Double(position) / Double(max(candidates.count, 1)) : 1
            let relevance = query.words.isEmpty ? 0.5 : 0.5 * nameMatch(query.words, hit.serviceName) + 0.5 * rank
            let proximity = point == nil ? 0.5 : hit.distanceKm.map { 1 - $0 / query.radiusKm } ?? 0.3
            let freshness = hit.verifiedOn.map { freshnessScore(verifiedOn: $0, today: today) } ?? 0
            scored.append((hit, 0.5 * relevance + 0.35 * proximity + 0.15 * freshness))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.hit.serviceName < $1.hit.serviceName }
        let start = (query.page - 1) * query.perPage
        let hits = start < scored.count ? scored[start..<min(start + query.perPage, scored.count)].map(\.hit) : []
        return DirectorySearchPage(hits: hits, total: scored.count, page: query.page, perPage: query.perPage)
    }

    /// The share of the words that begin a word of the name.
    static func nameMatch(_ words: [String], _ name: String) -> Double {
        let nameWords = DirectoryEntry.searchWords(name)
        let found = words.filter { word in nameWords.contains { $0.hasPrefix(word) } }.count
        return Double(found) / Double(max(words.count, 1))
    }

    /// An entry nobody has confirmed for a year is flagged for a call to the service.
    public static func needsReverification(verifiedOn: String?, today: String) -> Bool {
        guard let verifiedOn, let verified = HSDSRowRules.dayNumber(String(verifiedOn.prefix(10))),
              let now = HSDSRowRules.dayNumber(today) else { return true }
        return now - verified > 365
    }

    /// 1 when confirmed within a year, falling evenly to 0 at three years.
    public static func freshnessScore(verifiedOn: String, today: String) -> Double {
        guard let verified = HSDSRowRules.dayNumber(String(verifiedOn.prefix(10))), let now = HSDSRowRules.dayNumber(today) else { return 0 }
        let years = Double(now - verified) / 365.25
        return max(0, min(1, 1 - (years - 1) / 2))
    }
}

extension DirectoryHit {
    func with(distanceKm: Double?) -> DirectoryHit {
        DirectoryHit(key: key, serviceId: serviceId, serviceName: serviceName, organizationName: organizationName, distanceKm: distanceKm,
                     populations: populations, serviceTypes: serviceTypes, languages: languages, openNow: openNow, alwaysOpen: alwaysOpen,
                     confidential: confidential, verifiedOn: verifiedOn)
    }
}
