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

extension Directory {
    /// Runs the search: the database filters (text, box around the point, facets, open now); the
    /// core keeps what is inside the radius and ranks it (`DirectoryRanking`).
    public func search(_ input: DirectoryQuery) async throws -> DirectorySearchPage {
        let query = try input.validated(vocabulary: vocabulary)
        let zones = try await timeZones()
        let rows = try await database.withConnection { db in
            try await db.raw(sql(query, now: clock.now(), zones: zones)).all()
        }
        let candidates = try rows.map { row in
            DirectoryCandidate(
                hit: DirectoryHit(
                    key: try row.decode(column: "entry_key", as: String.self), serviceId: try row.decode(column: "service_id", as: String.self),
                    serviceName: try row.decode(column: "service_name", as: String.self),
                    organizationName: try row.decode(column: "organization_name", as: String.self), distanceKm: nil,
                    populations: codes(try row.decode(column: "populations", as: String.self)),
                    serviceTypes: codes(try row.decode(column: "service_types", as: String.self)),
                    languages: codes(try row.decode(column: "languages", as: String.self)),
                    openNow: try row.decode(column: "open_now", as: Int64.self) == 1,
                    alwaysOpen: try row.decode(column: "always_open", as: Int64.self) == 1,
                    confidential: try row.decode(column: "confidential", as: Int64.self) == 1,
                    verifiedOn: try row.decode(column: "verified_on", as: String?.self)),
                latitude: try row.decode(column: "latitude", as: Double?.self), longitude: try row.decode(column: "longitude", as: Double?.self))
        }
        return DirectoryRanking.page(candidates, for: query, today: clock.today())
    }

    /// Runs only the search's database query and returns how many rows it gave: what the benchmark
    /// times against the full HTTP search.
    public func databaseRows(_ input: DirectoryQuery) async throws -> Int {
        let query = try input.validated(vocabulary: vocabulary)
        let statement = sql(query, now: clock.now(), zones: try await timeZones())
        return try await database.withConnection { db in try await db.raw(statement).all().count }
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
            ORDER BY \(order) LIMIT \(unsafeRaw: String(DirectoryRanking.candidateLimit))
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
