import Foundation
import SQLKit
import WaypointCore

extension Directory {

    /// Replaces the search entries of these services with fresh ones built from their rows.
    /// Then the entries of other services at locations whose confidentiality these rows changed
    /// (a flag added through one service hides the site for every service there).
    func reindex(_ serviceIds: [String], on db: any SQLDatabase, known: HSDSRecordSet = HSDSRecordSet()) async throws {
        let hidden = try await confidentialLocations(on: db)
        for slice in serviceIds.chunks(of: 2000) {
            let graph = HSDSGraph(try await closure(ofServices: slice, on: db, known: known))
            let owners = try await ownerOf(slice, on: db)
            let entries = slice.flatMap { DirectoryEntry.entries(forService: $0, in: graph, confidentialLocations: hidden, vocabulary: vocabulary) }
            try await removeEntries(ofServices: slice, on: db)
            try await insert(entries, owners: owners, on: db)
        }
        let done = Set(serviceIds)
        let stale = try await servicesWithStaleConfidentiality(hidden, on: db).filter { !done.contains($0) }
        if !stale.isEmpty { try await reindex(stale, on: db) }
    }

    /// Locations confidential through any flag on any path, over the whole directory (the rule is
    /// `DirectoryPrivacy.locations`). A few small indexed reads: flags are rare.
    func confidentialLocations(on db: any SQLDatabase) async throws -> Set<String> {
        guard let flag = DirectoryPrivacy.flagTermId(vocabulary) else { return [] }
        let flagged = Set(try await db.raw("""
            SELECT l.target FROM hsds_links l JOIN hsds_links t ON t.table_name = 'attribute' AND t.id = l.id
            WHERE l.table_name = 'attribute' AND l.column_name = 'link_id' AND t.column_name = 'taxonomy_term_id' AND t.target = \(bind: flag)
            """).all().map { try $0.decode(column: "target", as: String.self) })
        guard !flagged.isEmpty else { return [] }
        var sites: [(id: String, serviceId: String, locationId: String?)] = []
        for slice in Array(flagged).chunks(of: 500) {
            let rows = try await db.raw("""
                SELECT s.id, s.target AS service_id, loc.target AS location_id
                FROM hsds_links s JOIN hsds_links loc ON loc.table_name = 'service_at_location' AND loc.id = s.id AND loc.column_name = 'location_id'
                WHERE s.table_name = 'service_at_location' AND s.column_name = 'service_id' AND (s.id IN (\(binds: slice)) OR s.target IN (\(binds: slice)))
                """).all()
            sites += try rows.map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "service_id", as: String.self),
                                     try $0.decode(column: "location_id", as: String?.self)) }
        }
        return DirectoryPrivacy.locations(flagged: flagged, sites: sites)
    }

    /// Services with an entry at a confidential location that is not marked so, or marked so at a
    /// location that no longer is.
    func servicesWithStaleConfidentiality(_ hidden: Set<String>, on db: any SQLDatabase) async throws -> [String] {
        var stale = Set<String>()
        for slice in Array(hidden).chunks(of: 500) {
            for row in try await db.raw("""
                SELECT DISTINCT service_id FROM directory_entries WHERE confidential = 0 AND location_id IN (\(binds: slice))
                """).all() { stale.insert(try row.decode(column: "service_id", as: String.self)) }
        }
        for row in try await db.raw("SELECT DISTINCT service_id, location_id FROM directory_entries WHERE confidential = 1").all() {
            if let location = try row.decode(column: "location_id", as: String?.self), !hidden.contains(location) {
                stale.insert(try row.decode(column: "service_id", as: String.self))
            }
        }
        return stale.sorted()
    }

    func ownerOf(_ serviceIds: [String], on db: any SQLDatabase) async throws -> [String: String] {
        var owners: [String: String] = [:]
        for row in try await db.raw("SELECT id, owner_org FROM hsds_rows WHERE table_name = 'service' AND id IN (\(binds: serviceIds))").all() {
            if let owner = try row.decode(column: "owner_org", as: String?.self) { owners[try row.decode(column: "id", as: String.self)] = owner }
        }
        return owners
    }

    func removeEntries(ofServices serviceIds: [String], on db: any SQLDatabase) async throws {
        let old = try await db.raw("SELECT entry_id FROM directory_entries WHERE service_id IN (\(binds: serviceIds))").all()
            .map { try $0.decode(column: "entry_id", as: Int64.self) }
        guard !old.isEmpty else { return }
        for slice in old.chunks(of: 500) {
            try await db.raw("DELETE FROM directory_hours WHERE entry_id IN (\(binds: slice))").run()
            if database.kind == .sqlite {
                try await db.raw("DELETE FROM directory_fts WHERE rowid IN (\(binds: slice))").run()
                try await db.raw("DELETE FROM directory_geo WHERE id IN (\(binds: slice))").run()
            }
        }
        try await db.raw("DELETE FROM directory_entries WHERE service_id IN (\(binds: serviceIds))").run()
    }

    func insert(_ entries: [DirectoryEntry], owners: [String: String], on db: any SQLDatabase) async throws {
        guard !entries.isEmpty else { return }
        let first = try await db.raw("SELECT COALESCE(MAX(entry_id), 0) AS top FROM directory_entries").first()!
            .decode(column: "top", as: Int64.self) + 1
        // Entry ids come from MAX()+1 inside the write transaction: SQLite writers are serialized,
        // and on PostgreSQL the lock below keeps two importing instances from taking the same ids.
        if database.kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(727003)").run() }
        // Numbered by half-degree cell, so a batch's neighbours share pages: a search near a place
        // then reads a few pages per cell rather than one per entry.
        let cell = { (entry: DirectoryEntry) -> [Int] in
            guard let lat = entry.latitude, let lon = entry.longitude else { return [Int.max, Int.max] }
            return [Int((lat * 2).rounded(.down)), Int((lon * 2).rounded(.down))]
        }
        let ordered = entries.map { (cell($0), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
        let numbered = ordered.enumerated().map { (first + Int64($0.offset), $0.element) }
        let spaced = { (codes: [String]) in " " + codes.joined(separator: " ") + " " }
        for slice in numbered.chunks(of: 500) {
            let vector: SQLQueryString = database.kind == .postgres ? ", search_vector" : ""
            let rows: [SQLQueryString] = slice.map { id, entry in
                let text: SQLQueryString = database.kind == .postgres ? ", to_tsvector('simple', \(bind: entry.searchText))" : ""
                return """
                    (\(bind: id), \(bind: entry.key), \(bind: entry.serviceId), \(bind: entry.locationId), \(bind: owners[entry.serviceId]),
                     \(bind: entry.serviceName), \(bind: entry.organizationName), \(bind: entry.searchText), \(bind: entry.latitude),
                     \(bind: entry.longitude), \(bind: spaced(entry.populations)), \(bind: spaced(entry.serviceTypes)),
                     \(bind: spaced(entry.languages)), \(bind: entry.alwaysOpen ? 1 : 0), \(bind: entry.confidential ? 1 : 0),
                     \(bind: entry.active ? 1 : 0), \(bind: entry.timeZone), \(bind: entry.verifiedOn), \(bind: entry.minimumAge),
                     \(bind: entry.maximumAge)\(text))
                    """
            }
            try await db.raw("""
                INSERT INTO directory_entries (entry_id, entry_key, service_id, location_id, owner_org, service_name, organization_name,
                    search_text, latitude, longitude, populations, service_types, languages, always_open, confidential, active,
                    time_zone, verified_on, minimum_age, maximum_age\(vector))
                VALUES \(rows.joined(separator: ", "))
                """).run()
            if database.kind == .sqlite {
                try await db.raw("INSERT INTO directory_fts (rowid, search_text) VALUES \(slice.map { "(\(bind: $0.0), \(bind: $0.1.searchText))" as SQLQueryString }.joined(separator: ", "))").run()
                let located = slice.filter { $0.1.latitude != nil && $0.1.longitude != nil }
                if !located.isEmpty {
                    try await db.raw("""
                        INSERT INTO directory_geo (id, min_lat, max_lat, min_lon, max_lon)
                        VALUES \(located.map { "(\(bind: $0.0), \(bind: $0.1.latitude!), \(bind: $0.1.latitude!), \(bind: $0.1.longitude!), \(bind: $0.1.longitude!))" as SQLQueryString }.joined(separator: ", "))
                        """).run()
                }
            }
            let hours: [SQLQueryString] = slice.flatMap { id, entry in
                entry.hours.map { "(\(bind: id), \(bind: Int64($0.minutes.lowerBound)), \(bind: Int64($0.minutes.upperBound)), \(bind: $0.validFrom), \(bind: $0.validTo))" }
            }
            if !hours.isEmpty {
                try await db.raw("INSERT INTO directory_hours (entry_id, opens_minute, closes_minute, valid_from, valid_to) VALUES \(hours.joined(separator: ", "))").run()
            }
        }
        for zone in Set(entries.map(\.timeZone)) {
            try await db.raw("INSERT INTO directory_time_zones (time_zone) VALUES (\(bind: zone)) ON CONFLICT (time_zone) DO NOTHING").run()
        }
        zoneCache.clear()
    }

}
