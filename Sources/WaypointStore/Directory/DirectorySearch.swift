import Foundation
import NIOConcurrencyHelpers
import SQLKit
import WaypointCore

/// The directory's time zones, remembered briefly between searches.
final class ZoneCache: Sendable {
    private let state = NIOLockedValueBox<(zones: [String], at: Date)?>(nil)

    func fresh(at now: Date) -> [String]? {
        state.withLockedValue { value in value.flatMap { abs(now.timeIntervalSince($0.at)) < 30 ? $0.zones : nil } }
    }

    func store(_ zones: [String], at now: Date) { state.withLockedValue { $0 = (zones, now) } }
    func clear() { state.withLockedValue { $0 = nil } }
}

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
        guard (1...500).contains(radiusKm) else { throw DirectoryError.badQuery(field: "radius_km", reason: "Give a radius from 1 to 500 km.") }
        guard page >= 1, page <= 1000 else { throw DirectoryError.badQuery(field: "page", reason: "Pages start at 1.") }
        guard (1...100).contains(perPage) else { throw DirectoryError.badQuery(field: "per_page", reason: "Ask for 1 to 100 results per page.") }
        if let zip = zip?.trimmingCharacters(in: .whitespaces), !zip.isEmpty {
            guard let place = ZIPCentroids.bundled.place(zip) else {
                throw DirectoryError.badQuery(field: "zip", reason: "\"\(zip.prefix(12))\" is not a US ZIP code we know.")
            }
            query.latitude = place.latitude
            query.longitude = place.longitude
        }
        if let latitude = query.latitude, let longitude = query.longitude {
            guard (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                throw DirectoryError.badQuery(field: "near", reason: "Latitude is -90 to 90 and longitude -180 to 180.")
            }
        } else if query.latitude != nil || query.longitude != nil {
            throw DirectoryError.badQuery(field: "near", reason: "Give both latitude and longitude.")
        }
        for (field, values, group) in [("population", populations, DirectoryVocabulary.Group.population), ("service_type", serviceTypes, .serviceType)] {
            if let unknown = values.first(where: { vocabulary.term(group, $0) == nil }) {
                throw DirectoryError.badQuery(field: field, reason: "\"\(unknown.prefix(40))\" is not a known value; use one of: \(vocabulary.terms(in: group).map(\.shortCode).joined(separator: ", ")).")
            }
        }
        query.languages = try languages.map { code in
            let normalized = DirectoryEntry.languageCode(code)
            guard (2...3).contains(normalized.count), normalized.allSatisfy({ $0.isLetter && $0.isASCII }) else {
                throw DirectoryError.badQuery(field: "language", reason: "Give a language as an ISO 639 code such as es or spa.")
            }
            return normalized
        }
        return query
    }

    /// Words of the free text, folded as the index folds them.
    var words: [String] { Array(DirectoryEntry.searchWords(text).prefix(8)) }
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
}

public struct DirectorySearchPage: Sendable, Equatable {
    public let hits: [DirectoryHit]
    /// Matches found, counted up to `candidateLimit`.
    public let total: Int
    public let page: Int
    public let perPage: Int
}

extension Directory {
    /// Ranking looks at up to this many matches; a search wider than that should be narrowed.
    public static let candidateLimit = 1000

    /// Runs the search: filters in the database (text, box around the point, facets, open now),
    /// then the exact radius and the ranking — relevance, distance and freshness — here.
    public func search(_ input: DirectoryQuery) async throws -> DirectorySearchPage {
        let query = try input.validated(vocabulary: vocabulary)
        let now = clock.now()
        let zones = try await timeZones()
        let candidates = try await database.withConnection { db in
            try await db.raw(sql(query, now: now, zones: zones)).all()
        }
        let point = query.latitude.flatMap { lat in query.longitude.map { (lat: lat, lon: $0) } }
        var scored: [(hit: DirectoryHit, score: Double)] = []
        let today = clock.today()
        for (position, row) in candidates.enumerated() {
            let latitude = try row.decode(column: "latitude", as: Double?.self)
            let longitude = try row.decode(column: "longitude", as: Double?.self)
            var distance: Double?
            if let point, let latitude, let longitude {
                distance = Geo.kilometres(point, (latitude, longitude))
                if distance! > query.radiusKm { continue }
            }
            let verified = try row.decode(column: "verified_on", as: String?.self)
            let confidential = try row.decode(column: "confidential", as: Int64.self) == 1
            distance = distance.map { DirectoryPrivacy.reportedDistance($0, confidential: confidential) }
            let hit = DirectoryHit(
                key: try row.decode(column: "entry_key", as: String.self), serviceId: try row.decode(column: "service_id", as: String.self),
                serviceName: try row.decode(column: "service_name", as: String.self),
                organizationName: try row.decode(column: "organization_name", as: String.self), distanceKm: distance,
                populations: codes(try row.decode(column: "populations", as: String.self)),
                serviceTypes: codes(try row.decode(column: "service_types", as: String.self)),
                languages: codes(try row.decode(column: "languages", as: String.self)),
                openNow: try row.decode(column: "open_now", as: Int64.self) == 1,
                alwaysOpen: try row.decode(column: "always_open", as: Int64.self) == 1,
                confidential: confidential, verifiedOn: verified)
            // Relevance: the words found in the service's own name, and (without a place, where the
            // database orders by its text rank) the rank; then distance within the radius, and how
            // recently someone confirmed the entry.
            let rank = point == nil ? 1 - Double(position) / Double(max(candidates.count, 1)) : 1
            let relevance = query.words.isEmpty ? 0.5 : 0.5 * Self.nameMatch(query.words, hit.serviceName) + 0.5 * rank
            let proximity = point == nil ? 0.5 : distance.map { 1 - $0 / query.radiusKm } ?? 0.3
            let freshness = verified.map { freshnessScore(verifiedOn: $0, today: today) } ?? 0
            scored.append((hit, 0.5 * relevance + 0.35 * proximity + 0.15 * freshness))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.hit.serviceName < $1.hit.serviceName }
        let start = (query.page - 1) * query.perPage
        let hits = start < scored.count ? scored[start..<min(start + query.perPage, scored.count)].map(\.hit) : []
        return DirectorySearchPage(hits: hits, total: scored.count, page: query.page, perPage: query.perPage)
    }

    /// Runs only the search's database query and returns how many rows it gave: what the benchmark
    /// times against the full HTTP search.
    public func databaseRows(_ input: DirectoryQuery) async throws -> Int {
        let query = try input.validated(vocabulary: vocabulary)
        let statement = sql(query, now: clock.now(), zones: try await timeZones())
        return try await database.withConnection { db in try await db.raw(statement).all().count }
    }

    /// The share of the words that begin a word of the name.
    static func nameMatch(_ words: [String], _ name: String) -> Double {
        let nameWords = DirectoryEntry.searchWords(name)
        let found = words.filter { word in nameWords.contains { $0.hasPrefix(word) } }.count
        return Double(found) / Double(max(words.count, 1))
    }

    /// 1 when confirmed within a year, falling evenly to 0 at three years.
    func freshnessScore(verifiedOn: String, today: String) -> Double {
        guard let verified = HSDSRowRules.dayNumber(String(verifiedOn.prefix(10))), let now = HSDSRowRules.dayNumber(today) else { return 0 }
        let years = Double(now - verified) / 365.25
        return max(0, min(1, 1 - (years - 1) / 2))
    }

    private func codes(_ spaced: String) -> [String] { spaced.split(separator: " ").map(String.init) }

    /// Zones that entries keep their hours in; few, so "now" is computed once per zone per search.
    /// Kept for half a minute: a zone new to the directory (another instance imported it) counts as
    /// closed for at most that long.
    func timeZones() async throws -> [String] {
        let now = clock.now()
        if let cached = zoneCache.fresh(at: now) { return cached }
        let zones = try await database.withConnection { db in
            try await db.raw("SELECT time_zone FROM directory_time_zones ORDER BY time_zone").all()
                .map { try $0.decode(column: "time_zone", as: String.self) }
        }
        zoneCache.store(zones, at: now)
        return zones
    }

    /// The bare database query the search runs (also what the benchmark times on its own). Without
    /// a place, the full-text index drives and orders by its own rank; with one, entries come nearest
    /// first.
    func sql(_ query: DirectoryQuery, now: Date, zones: [String]) -> SQLQueryString {
        let sqlite = database.kind == .sqlite
        let words = query.words
        let match = words.map { "\"\($0)\"*" }.joined(separator: " ")
        let tsquery = words.map { "\($0):*" }.joined(separator: " & ")
        var from: SQLQueryString = "directory_entries e"
        var conditions: [SQLQueryString] = ["e.active = 1"]
        var textConditions: [SQLQueryString] = []
        var order: SQLQueryString = "e.service_name"
        let point = query.latitude.flatMap { lat in query.longitude.map { (lat, $0) } }
        if let (latitude, longitude) = point {
            let box = Geo.box(around: (latitude, longitude), kilometres: query.radiusKm)
            // Services with no coordinates are reached by phone or online, from anywhere.
            if sqlite {
                conditions.append("""
                    e.entry_id IN (SELECT id FROM directory_geo WHERE max_lat >= \(bind: box.minLat) AND min_lat <= \(bind: box.maxLat)
                     AND max_lon >= \(bind: box.minLon) AND min_lon <= \(bind: box.maxLon)
                     UNION ALL SELECT entry_id FROM directory_entries WHERE latitude IS NULL)
                    """)
            } else {
                conditions.append("""
                    (e.latitude IS NULL OR point(e.longitude, e.latitude) <@ box(point(\(bind: box.minLon), \(bind: box.minLat)),
                     point(\(bind: box.maxLon), \(bind: box.maxLat))))
                    """)
            }
            let scale = cos(latitude * Double.pi / 180)
            order = """
                CASE WHEN e.latitude IS NULL THEN 1 ELSE 0 END, (e.latitude - \(bind: latitude)) * (e.latitude - \(bind: latitude))
                + (e.longitude - \(bind: longitude)) * (e.longitude - \(bind: longitude)) * \(bind: scale * scale)
                """
        }
        if !words.isEmpty {
            if point != nil {
                // Near a place the nearest matches come first (the caller weighs the words). SQLite
                // tests the words on the entries the geographic index found: a common word matches
                // tens of thousands of entries directory-wide, and gathering those to intersect
                // them cost more than the test (21 → 11 ms at 250k sites). PostgreSQL's planner
                // weighs the two indexes itself.
                textConditions += sqlite
                    ? words.map { "e.search_text LIKE \(bind: "% " + $0 + "%")" }
                    : ["e.search_vector @@ to_tsquery('simple', \(bind: tsquery))"]
            } else if sqlite {
                from = "directory_fts f JOIN directory_entries e ON e.entry_id = f.rowid"
                conditions.append("directory_fts MATCH \(bind: match)")
                order = "bm25(directory_fts)"
            } else {
                conditions.append("e.search_vector @@ to_tsquery('simple', \(bind: tsquery))")
                order = "ts_rank(e.search_vector, to_tsquery('simple', \(bind: tsquery))) DESC"
            }
        }
        for (column, values) in [("populations", query.populations), ("service_types", query.serviceTypes), ("languages", query.languages)] {
            for value in values { conditions.append("e.\(unsafeRaw: column) LIKE \(bind: "% " + value + " %")") }
        }
        if query.twentyFourSeven { conditions.append("e.always_open = 1") }
        // Cheap tests first: the schedule lookup runs only for entries that passed the others.
        conditions += textConditions
        let openNow = openNowExpression(now: now, zones: zones)
        if query.openNow { conditions.append(openNow) }
        return """
            SELECT e.entry_key, e.service_id, e.service_name, e.organization_name, e.latitude, e.longitude, e.populations,
                   e.service_types, e.languages, e.always_open, e.confidential, e.verified_on,
                   CASE WHEN \(openNow) THEN 1 ELSE 0 END AS open_now
            FROM \(from) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(order) LIMIT \(unsafeRaw: String(Self.candidateLimit))
            """
    }

    /// Open now: always open, or inside one of its weekly spans at the local time of its zone.
    func openNowExpression(now: Date, zones: [String]) -> SQLQueryString {
        guard !zones.isEmpty else { return "e.always_open = 1" }
        var minute: SQLQueryString = "CASE e.time_zone"
        var date: SQLQueryString = "CASE e.time_zone"
        for zone in zones {
            let local = ScheduleRules.localWeekMinute(now, timeZone: TimeZone(identifier: zone) ?? .gmt)
            minute = minute + " WHEN \(bind: zone) THEN \(unsafeRaw: String(local.minute))"
            date = date + " WHEN \(bind: zone) THEN \(bind: local.date)"
        }
        minute = minute + " ELSE -1 END"
        date = date + " ELSE '' END"
        return """
            (e.always_open = 1 OR EXISTS (SELECT 1 FROM directory_hours h WHERE h.entry_id = e.entry_id
             AND h.opens_minute <= \(minute) AND h.closes_minute > \(minute)
             AND (h.valid_from IS NULL OR h.valid_from <= \(date)) AND (h.valid_to IS NULL OR h.valid_to >= \(date))))
            """
    }
}

extension Directory {
    /// One page of services for the HSDS API: `search` over the full-text index, a taxonomy term
    /// (through attributes), and services changed after a date; in id order, stable across pages.
    public func servicePage(search: String, taxonomyTermId: String?, modifiedAfter: Date?, page: Int, perPage: Int) async throws -> (total: Int, ids: [String]) {
        var query = DirectoryQuery()
        query.text = search
        var conditions: [SQLQueryString] = ["s.table_name = 'service'"]
        if !query.words.isEmpty {
            if database.kind == .sqlite {
                let match = query.words.map { "\"\($0)\"*" }.joined(separator: " ")
                conditions.append("s.id IN (SELECT e.service_id FROM directory_fts f JOIN directory_entries e ON e.entry_id = f.rowid WHERE directory_fts MATCH \(bind: match))")
            } else {
                let tsquery = query.words.map { "\($0):*" }.joined(separator: " & ")
                conditions.append("s.id IN (SELECT service_id FROM directory_entries WHERE search_vector @@ to_tsquery('simple', \(bind: tsquery)))")
            }
        }
        if let term = taxonomyTermId {
            conditions.append("""
                s.id IN (SELECT a.target FROM hsds_links a JOIN hsds_links t ON t.table_name = 'attribute' AND t.id = a.id
                         AND t.column_name = 'taxonomy_term_id' AND t.target = \(bind: term)
                         WHERE a.table_name = 'attribute' AND a.column_name = 'link_id')
                """)
        }
        if let modifiedAfter { conditions.append("s.updated_at > \(bind: Int64(modifiedAfter.timeIntervalSince1970 * 1000))") }
        let filter = conditions.joined(separator: " AND ")
        return try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM hsds_rows s WHERE \(filter)").first()!.decode(column: "n", as: Int64.self)
            let ids = try await db.raw("""
                SELECT s.id FROM hsds_rows s WHERE \(filter) ORDER BY s.id LIMIT \(bind: Int64(perPage)) OFFSET \(bind: Int64((page - 1) * perPage))
                """).all().map { try $0.decode(column: "id", as: String.self) }
            return (Int(total), ids)
        }
    }
}
