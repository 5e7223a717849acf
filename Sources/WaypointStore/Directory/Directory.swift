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
    func unknownTerms(_ read: HSDSReadResult) async throws -> [HSDSProblem] {
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

    func existingIds(_ table: String, _ ids: [String]) async throws -> Set<String> {
        var found = Set<String>()
        for slice in ids.chunks(of: 500) {
            let rows = try await database.withConnection { db in
                try await db.raw("SELECT id FROM hsds_rows WHERE table_name = \(bind: table) AND id IN (\(binds: slice))").all()
            }
            for row in rows { found.insert(try row.decode(column: "id", as: String.self)) }
        }
        return found
    }

    func rowsOwnedByOthers(_ records: HSDSRecordSet, owner: String?) async throws -> [(table: String, id: String)] {
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
}
