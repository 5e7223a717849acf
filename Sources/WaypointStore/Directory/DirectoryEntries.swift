import Foundation
import SQLKit
import WaypointCore

extension Directory {

    /// Saves an organization's local service: rows the draft no longer has (an unticked term, a
    /// removed address) are deleted, the rest written, the search entry rebuilt — all at once.
    public func saveLocalService(_ draft: LocalServiceDraft, in context: TenantContext) async throws -> String {
        guard Policy.allows(context, .editDirectory) else { throw AccessError.forbidden }
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

    func ownerOf(_ serviceId: String) async throws -> String? {
        try await database.withConnection { db in try await ownerOf([serviceId], on: db)[serviceId] }
    }

    /// The organization's own services, for its editors: id, name, status and last verified day.
    public func localServices(in context: TenantContext) async throws -> [(id: String, name: String, status: String, verifiedOn: String?)] {
        guard Policy.allows(context, .editDirectory) else { throw AccessError.forbidden }
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
    func reindexOutdatedEntries() async throws {
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
            let maysee = viewer.map { Policy.allows($0, .editDirectory) && owners[id] == $0.orgId } ?? false
            let graph = HSDSGraph(maysee ? records : redacted)
            return graph.nested("service", id)
        }
    }

    /// The same services as the pages show them: typed, with the same redaction.
    public func serviceDetails(_ ids: [String], viewer: TenantContext?) async throws -> [ServiceDetails] {
        let now = clock.now()
        return try await services(ids, viewer: viewer).compactMap { ServiceDetails(nested: $0, vocabulary: vocabulary, at: now) }
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
            let decoder = JSONDecoder()
            let fields = try decoder.decode(HSDSFields.self, from: Data(try row.decode(column: "fields", as: String.self).utf8))
            // A consent may name the organization that runs the service rather than the service.
            var organization: String?
            if let orgId = fields.text("organization_id"),
               let orgRow = try await db.raw("SELECT fields FROM hsds_rows WHERE table_name = 'organization' AND id = \(bind: orgId)").first() {
                organization = try decoder.decode(HSDSFields.self, from: Data(try orgRow.decode(column: "fields", as: String.self).utf8)).text("name")
            }
            return ReferralTarget(name: fields.text("name") ?? "", status: fields.text("status") ?? "",
                                  owner: try row.decode(column: "owner_org", as: String?.self), organizationName: organization)
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
