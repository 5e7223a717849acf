import Foundation
import SQLKit
import WaypointCore

public struct DirectoryImportSummary: Sendable, Codable, Equatable {
    public let rowsRead: Int
    public let rowsImported: Int
    public let servicesIndexed: Int
    public let skipped: [HSDSProblem]
}

/// The resource directory: HSDS rows, the search index built from them, import and export.
/// Directory entries are not client records; reads are not audited, writes are.
public struct Directory: Repository {
    let shared: StoreContext
    let vocabulary: DirectoryVocabulary = .bundled
    let zoneCache = ZoneCache()

    /// How many rows one statement writes: few statements (each is a round trip on PostgreSQL), and
    /// well under both databases' limits on bound values (32,766 and 65,535) even with every link.
    static let chunk = 1000

    /// Columns that tie a row to the row it nests under, kept in `hsds_links` so a service's rows
    /// can be gathered without reading the whole directory. Attribute terms are kept too, for the
    /// HSDS API's taxonomy_term_id filter.
    static let linkColumns: [String] = {
        var columns = Set(HSDSModel.relations.values.flatMap { $0 }.compactMap { relation -> String? in
            if case .childColumn(let column) = relation.link { return column } else { return nil }
        })
        columns.insert("taxonomy_term_id")
        return columns.sorted()
    }()

    // MARK: Import

    /// Writes what was read, all or nothing. Rows with problems stop the import unless
    /// `skipInvalid`, which leaves those rows out and lists them. Returns what was done.
    public func importRecords(_ read: HSDSReadResult, owner: String?, skipInvalid: Bool, actor: AuditEvent,
                              progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> DirectoryImportSummary {
        var checked = read
        checked.problems += try await unknownTerms(read)
        let problems = checked.problems
        if !problems.isEmpty && !skipInvalid { throw HSDSImportError(problems: problems) }
        let records = checked.withoutInvalidRows()
        let foreign = try await rowsOwnedByOthers(records, owner: owner)
        if !foreign.isEmpty {
            throw HSDSImportError(problems: foreign.map {
                HSDSProblem(file: read.origins[$0.table + "/" + $0.id] ?? $0.table, location: "\($0.table) \($0.id)", field: "id",
                            message: "belongs to another organization's entries and was not changed", table: $0.table, id: $0.id)
            })
        }
        let total = records.count
        let accepted = records
        let indexed = try await database.transaction(alone: true) { db in
            try await write(accepted, owner: owner, on: db, progress: progress, total: total)
            let services = try await affectedServices(accepted, on: db)
            try await reindex(services, on: db, known: accepted)
            try await audit.append(AuditEvent(orgId: actor.orgId, actorId: actor.actorId, action: "directory.import", objectType: "directory",
                                              objectId: "\(total) rows", requestId: actor.requestId), on: db)
            return services.count
        }
        return DirectoryImportSummary(rowsRead: read.rowsRead, rowsImported: total, servicesIndexed: indexed,
                                      skipped: skipInvalid ? problems : [])
    }

    /// Attributes must name a term the directory knows: one in this import or already stored.
    private func unknownTerms(_ read: HSDSReadResult) async throws -> [HSDSProblem] {
        let known = Set((read.records.tables["taxonomy_term"] ?? [:]).keys)
        let wanted = Set(read.records.rows("attribute").compactMap { $0.text("taxonomy_term_id") }).subtracting(known)
        guard !wanted.isEmpty else { return [] }
        let stored = try await existingIds("taxonomy_term", Array(wanted))
        return read.records.rows("attribute").compactMap { row in
            guard let term = row.text("taxonomy_term_id"), wanted.contains(term), !stored.contains(term) else { return nil }
            let id = row.text("id")!
            let origin = read.origins["attribute/" + id] ?? "attribute"
            let file = String(origin.prefix { $0 != "," })
            return HSDSProblem(file: file, location: String(origin.dropFirst(file.count + 2)), field: "taxonomy_term_id",
                               message: "names an unknown taxonomy term \(term.prefix(40)); import the term first or in the same package",
                               table: "attribute", id: id)
        }
    }

    private func existingIds(_ table: String, _ ids: [String]) async throws -> Set<String> {
        var found = Set<String>()
        for slice in ids.chunks(of: 500) {
            let rows = try await database.withConnection { db in
                try await db.raw("SELECT id FROM hsds_rows WHERE table_name = \(bind: table) AND id IN (\(binds: slice))").all()
            }
            for row in rows { found.insert(try row.decode(column: "id", as: String.self)) }
        }
        return found
    }

    private func rowsOwnedByOthers(_ records: HSDSRecordSet, owner: String?) async throws -> [(table: String, id: String)] {
        var foreign: [(String, String)] = []
        for (table, rows) in records.tables.sorted(by: { $0.key < $1.key }) {
            let ids = Array(rows.keys)
            for slice in ids.chunks(of: 500) {
                let found = try await database.withConnection { db in
                    try await db.raw("SELECT id, owner_org FROM hsds_rows WHERE table_name = \(bind: table) AND id IN (\(binds: slice))").all()
                }
                for row in found where try row.decodeNil(column: "owner_org") ? owner != nil : (try row.decode(column: "owner_org", as: String.self)) != owner {
                    foreign.append((table, try row.decode(column: "id", as: String.self)))
                }
            }
        }
        return foreign
    }

    func write(_ records: HSDSRecordSet, owner: String?, on db: any SQLDatabase,
               progress: (@Sendable (Int, Int) -> Void)?, total: Int) async throws {
        let now = clock.millis()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var done = 0
        for (table, rows) in records.tables.sorted(by: { $0.key < $1.key }) {
            let list = rows.sorted { $0.key < $1.key }
            for slice in list.chunks(of: Self.chunk) {
                var values: [SQLQueryString] = []
                var links: [SQLQueryString] = []
                for (id, fields) in slice {
                    let text = String(decoding: try encoder.encode(fields), as: UTF8.self)
                    values.append("(\(bind: table), \(bind: id), \(bind: owner), \(bind: text), \(bind: now))")
                    for column in Self.linkColumns { if let target = fields.text(column) {
                        links.append("(\(bind: table), \(bind: id), \(bind: column), \(bind: target))")
                    } }
                }
                try await db.raw("""
                    INSERT INTO hsds_rows (table_name, id, owner_org, fields, updated_at) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (table_name, id) DO UPDATE SET fields = excluded.fields, owner_org = excluded.owner_org,
                    updated_at = excluded.updated_at
                    """).run()
                try await db.raw("DELETE FROM hsds_links WHERE table_name = \(bind: table) AND id IN (\(binds: slice.map(\.key)))").run()
                if !links.isEmpty {
                    try await db.raw("INSERT INTO hsds_links (table_name, id, column_name, target) VALUES \(links.joined(separator: ", "))").run()
                }
                done += slice.count
                progress?(done, total)
            }
        }
    }

    // MARK: Reading rows back

    /// Every row reachable from these services, as the nested API shape needs them. Gathered level
    /// by level through the link table; an organization's other services are not followed.
    /// Rows in `known` (what an import just wrote) are taken from there rather than read back.
    func closure(ofServices serviceIds: [String], on db: any SQLDatabase, known: HSDSRecordSet = HSDSRecordSet()) async throws -> HSDSRecordSet {
        var records = HSDSRecordSet()
        var wanted: [String: Set<String>] = ["service": Set(serviceIds)]
        var seen = Set<String>()
        for _ in 0..<10 where !wanted.isEmpty {
            var fresh: [(String, HSDSFields)] = []
            for (table, ids) in wanted.sorted(by: { $0.key < $1.key }) {
                var ids = Array(ids.subtracting(seen))
                seen.formUnion(ids)
                ids = ids.filter { id in
                    guard let row = known.row(table, id) else { return true }
                    fresh.append((table, row))
                    return false
                }
                for slice in ids.chunks(of: 500) {
                    for row in try await db.raw("SELECT id, fields FROM hsds_rows WHERE table_name = \(bind: table) AND id IN (\(binds: slice))").all() {
                        let fields = try JSONDecoder().decode(HSDSFields.self, from: Data(try row.decode(column: "fields", as: String.self).utf8))
                        fresh.append((table, fields))
                    }
                }
            }
            wanted = [:]
            var tableOf: [String: String] = [:]
            for (table, fields) in fresh {
                records.merge(table, fields)
                let id = fields.text("id")!
                tableOf[id] = table
                for relation in HSDSModel.relations[table] ?? [] {
                    if case .parentColumn(let column) = relation.link, let target = fields.text(column), !seen.contains(target) {
                        wanted[relation.child, default: []].insert(target)
                    }
                }
            }
            let parents = Array(tableOf.keys)
            for slice in parents.chunks(of: 500) {
                let links = try await db.raw("""
                    SELECT table_name, id, column_name, target FROM hsds_links WHERE target IN (\(binds: slice))
                    AND NOT (table_name = 'service' AND column_name = 'organization_id')
                    """).all()
                for link in links {
                    let child = try link.decode(column: "table_name", as: String.self)
                    let column = try link.decode(column: "column_name", as: String.self)
                    let parentTable = tableOf[try link.decode(column: "target", as: String.self)] ?? ""
                    let nests = (HSDSModel.relations[parentTable] ?? []).contains { $0.child == child && $0.link == .childColumn(column) }
                    let id = try link.decode(column: "id", as: String.self)
                    if nests && !seen.contains(id) { wanted[child, default: []].insert(id) }
                }
            }
        }
        return records
    }

    /// Services whose search entries may change because these rows changed: the services
    /// themselves, and those reached upwards through the rows' links (a phone's service, a
    /// location's sites, an organization's services). Climbs through the batch in memory first and
    /// asks the database only about rows the batch does not hold.
    func affectedServices(_ records: HSDSRecordSet, on db: any SQLDatabase) async throws -> [String] {
        let batch = HSDSGraph(records)
        var services = Set((records.tables["service"] ?? [:]).keys)
        var external = Set<String>()
        var reverse = Set<String>()  // locations and organizations: who points at them may live outside the batch
        for (table, rows) in records.tables where table != "service" {
            for (id, row) in rows {
                var climbing: [(String, HSDSFields)] = [(table, row)]
                var steps = 0
                while let (rowTable, current) = climbing.popLast(), steps < 50 {
                    steps += 1
                    let currentId = current.text("id") ?? ""
                    if rowTable == "location" || rowTable == "organization" {
                        reverse.insert(currentId)
                        let column = rowTable == "location" ? "location_id" : "organization_id"
                        for site in batch.children("service_at_location", column, currentId) { climbing.append(("service_at_location", site)) }
                        if rowTable == "organization" { services.formUnion(batch.children("service", column, currentId).compactMap { $0.text("id") }) }
                        continue
                    }
                    for column in Self.linkColumns where column != "organization_id" && column != "taxonomy_term_id" {
                        guard let target = current.text(column) else { continue }
                        if records.row("service", target) != nil { services.insert(target); continue }
                        if let parent = records.tables.first(where: { $0.key != "service" && $0.value[target] != nil }) {
                            climbing.append((parent.key, parent.value[target]!))
                        } else {
                            external.insert(target)
                        }
                    }
                }
                _ = id
            }
        }
        // Rows outside the batch: what they nest under, and who points at the batch's locations and organizations.
        var frontier = external.union(reverse)
        var seen = frontier
        for _ in 0..<6 where !frontier.isEmpty {
            var next = Set<String>()
            let ids = Array(frontier)
            for slice in ids.chunks(of: 500) {
                for row in try await db.raw("""
                    SELECT table_name, id FROM hsds_links WHERE target IN (\(binds: slice))
                    AND table_name IN ('service', 'service_at_location') AND column_name IN ('organization_id', 'location_id')
                    """).all() {
                    let id = try row.decode(column: "id", as: String.self)
                    if try row.decode(column: "table_name", as: String.self) == "service" {
                        services.insert(id)
                    } else if records.row("service_at_location", id) == nil {
                        next.insert(id)  // sites in the batch were climbed above
                    }
                }
                for row in try await db.raw("""
                    SELECT column_name, target FROM hsds_links WHERE id IN (\(binds: slice))
                    AND column_name NOT IN ('organization_id', 'taxonomy_term_id')
                    """).all() {
                    let column = try row.decode(column: "column_name", as: String.self)
                    let target = try row.decode(column: "target", as: String.self)
                    if column == "service_id" { services.insert(target) } else { next.insert(target) }
                }
                for row in try await db.raw("SELECT id FROM hsds_rows WHERE table_name = 'service' AND id IN (\(binds: slice))").all() {
                    services.insert(try row.decode(column: "id", as: String.self))
                }
            }
            frontier = next.subtracting(seen)
            seen.formUnion(frontier)
        }
        return services.sorted()
    }

    // MARK: Search index

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
    private func servicesWithStaleConfidentiality(_ hidden: Set<String>, on db: any SQLDatabase) async throws -> [String] {
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

    private func ownerOf(_ serviceIds: [String], on db: any SQLDatabase) async throws -> [String: String] {
        var owners: [String: String] = [:]
        for row in try await db.raw("SELECT id, owner_org FROM hsds_rows WHERE table_name = 'service' AND id IN (\(binds: serviceIds))").all() {
            if let owner = try row.decode(column: "owner_org", as: String?.self) { owners[try row.decode(column: "id", as: String.self)] = owner }
        }
        return owners
    }

    private func removeEntries(ofServices serviceIds: [String], on db: any SQLDatabase) async throws {
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

    private func insert(_ entries: [DirectoryEntry], owners: [String: String], on db: any SQLDatabase) async throws {
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

    // MARK: Local entries

    /// Saves an organization's local service: rows the draft no longer has (an unticked term, a
    /// removed address) are deleted, the rest written, the search entry rebuilt — all at once.
    public func saveLocalService(_ draft: LocalServiceDraft, in context: TenantContext) async throws -> String {
        guard context.role == .directoryEditor else { throw AccessError.forbidden }
        if let existing = draft.serviceId, try await ownerOf(existing) != context.orgId { throw AccessError.notFound }
        let organization = try await database.withConnection { db in
            try await Organizations.name(of: context.orgId, on: db) ?? ""
        }
        let today = clock.today()
        let records = try draft.records(organizationId: context.orgId, organizationName: organization, today: today, vocabulary: vocabulary)
        let serviceId = records.rows("service")[0].text("id")!
        try await database.transaction { db in
            let old = try await closure(ofServices: [serviceId], on: db)
            for (table, rows) in old.tables where table != "organization" && table != "taxonomy" && table != "taxonomy_term" {
                let gone = rows.keys.filter { records.row(table, $0) == nil }
                guard !gone.isEmpty else { continue }
                try await db.raw("DELETE FROM hsds_rows WHERE table_name = \(bind: table) AND owner_org = \(bind: context.orgId) AND id IN (\(binds: gone))").run()
                try await db.raw("DELETE FROM hsds_links WHERE table_name = \(bind: table) AND id IN (\(binds: gone))").run()
            }
            try await write(records, owner: context.orgId, on: db, progress: nil, total: records.count)
            try await reindex([serviceId], on: db)
            try await audit.append(AuditEvent(context, action: draft.serviceId == nil ? "directory.create" : "directory.update",
                                              objectType: "service", objectId: serviceId), on: db)
        }
        return serviceId
    }

    private func ownerOf(_ serviceId: String) async throws -> String? {
        try await database.withConnection { db in try await ownerOf([serviceId], on: db)[serviceId] }
    }

    /// The organization's own services, for its editors: id, name, status and last verified day.
    public func localServices(in context: TenantContext) async throws -> [(id: String, name: String, status: String, verifiedOn: String?)] {
        guard context.role == .directoryEditor else { throw AccessError.forbidden }
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT fields FROM hsds_rows WHERE table_name = 'service' AND owner_org = \(bind: context.orgId)").all()
        }
        return try rows.map { row in
            let fields = try JSONDecoder().decode(HSDSFields.self, from: Data(try row.decode(column: "fields", as: String.self).utf8))
            return (fields.text("id") ?? "", fields.text("name") ?? "", fields.text("status") ?? "", fields.text("assured_date"))
        }.sorted { $0.name < $1.name }
    }

    // MARK: Bundled content

    /// Readies the directory at start-up. Loads our taxonomy and the national entries the first
    /// time; later runs leave them (and any corrections made since) alone. Rebuilds search entries
    /// an older version wrote in another form. Returns whether it loaded the bundled entries.
    @discardableResult
    public func prepare(requestId: String = "seed") async throws -> Bool {
        try await reindexOutdatedEntries()
        let present = try await existingIds("taxonomy", [DirectoryVocabulary.bundled.taxonomy.text("id")!])
        guard present.isEmpty else { return false }
        _ = try await importRecords(BundledDirectory.national, owner: nil, skipInvalid: false,
                                    actor: AuditEvent(orgId: "system", actorId: "system", action: "", objectType: "", objectId: "", requestId: requestId))
        return true
    }

    /// Entries whose search text is not in the folded, space-framed form search expects.
    private func reindexOutdatedEntries() async throws {
        // Read first: the usual start finds nothing and takes no write lock.
        let outdated = "SELECT DISTINCT service_id FROM directory_entries WHERE substr(search_text, 1, 1) <> ' '"
        let found = try await database.withConnection { db in try await db.raw(SQLQueryString(outdated)).all() }
        guard !found.isEmpty else { return }
        try await database.transaction { db in
            let services = try await db.raw(SQLQueryString(outdated)).all().map { try $0.decode(column: "service_id", as: String.self) }
            if !services.isEmpty { try await reindex(services, on: db) }
        }
    }

    // MARK: Export and reads

    /// Every row, for export. Confidential addresses are left out unless `redact` is false (the
    /// owning organization's editors only).
    public func allRecords(redact: Bool = true) async throws -> HSDSRecordSet {
        var records = HSDSRecordSet()
        let (rows, hidden) = try await database.withConnection { db in
            (try await db.raw("SELECT table_name, fields FROM hsds_rows").all(), try await confidentialLocations(on: db))
        }
        let decoder = JSONDecoder()
        for row in rows {
            records.merge(try row.decode(column: "table_name", as: String.self),
                          try decoder.decode(HSDSFields.self, from: Data(try row.decode(column: "fields", as: String.self).utf8)))
        }
        return redact ? DirectoryPrivacy.redacted(records, hiding: hidden) : records
    }

    /// Services in their full nested shape; confidential addresses removed unless `viewer` is a
    /// directory editor of the organization that owns the entry.
    public func services(_ ids: [String], viewer: TenantContext?) async throws -> [JSONValue] {
        guard !ids.isEmpty else { return [] }
        let (records, owners, hidden) = try await database.withConnection { db in
            (try await closure(ofServices: ids, on: db), try await ownerOf(ids, on: db), try await confidentialLocations(on: db))
        }
        let redacted = DirectoryPrivacy.redacted(records, hiding: hidden)
        return ids.compactMap { id in
            guard records.row("service", id) != nil else { return nil }
            let maysee = viewer.map { $0.role == .directoryEditor && owners[id] == $0.orgId } ?? false
            let graph = HSDSGraph(maysee ? records : redacted)
            return graph.nested("service", id)
        }
    }

    public func owner(ofService id: String) async throws -> String? { try await ownerOf(id) }

    /// How many rows of one HSDS table the directory holds.
    public func rowCount(_ table: String) async throws -> Int {
        try await database.withConnection { db in
            Int(try await db.raw("SELECT COUNT(*) AS n FROM hsds_rows WHERE table_name = \(bind: table)").first()!.decode(column: "n", as: Int64.self))
        }
    }

    /// A service's name, status and owning organization from its own row, without gathering the
    /// rows nested in it: what sending a referral needs.
    public func serviceHeader(_ id: String) async throws -> ReferralTarget? {
        try await database.withConnection { db in
            guard let row = try await db.raw("SELECT fields, owner_org FROM hsds_rows WHERE table_name = 'service' AND id = \(bind: id)").first()
            else { return nil }
            let fields = try JSONDecoder().decode(HSDSFields.self, from: Data(try row.decode(column: "fields", as: String.self).utf8))
            return ReferralTarget(name: fields.text("name") ?? "", status: fields.text("status") ?? "",
                                  owner: try row.decode(column: "owner_org", as: String?.self))
        }
    }
}

extension Array {
    /// Consecutive pieces of at most `size` elements: one statement per piece keeps bound values
    /// under the databases' limits.
    func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
