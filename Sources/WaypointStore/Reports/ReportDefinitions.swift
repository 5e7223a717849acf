import Foundation
import SQLKit
import WaypointCore

/// The reports an organization can run: the shipped definitions and those its administrators
/// added from a file (checked by `ReportCatalog.parseImported`, kept as JSON).
public struct ReportDefinitions: Repository {
    let shared: StoreContext

    /// The shipped reports, then the organization's own by id.
    public func all(in context: TenantContext) async throws -> [ReportDefinition] {
        guard Policy.allows(context.role, .readReports) || Policy.allows(context.role, .defineReports) else { throw AccessError.forbidden }
        return ReportCatalog.shipped + (try await own(context.orgId))
    }

    public func definition(_ id: String, in context: TenantContext) async throws -> ReportDefinition {
        guard Policy.allows(context.role, .readReports) else { throw AccessError.forbidden }
        if let shipped = ReportCatalog.shipped.first(where: { $0.id == id }) { return shipped }
        guard let found = try await own(context.orgId, id: id).first else { throw ReportError.unknownReport }
        return found
    }

    /// Adds or replaces the file's definitions, all or none: one wrong definition (named in the
    /// error) and nothing is kept. Audited as one import.
    @discardableResult
    public func importFile(_ data: Data, file: String = "definitions", in context: TenantContext) async throws -> [ReportDefinition] {
        guard Policy.allows(context.role, .defineReports) else { throw AccessError.forbidden }
        let definitions = try ReportCatalog.parseImported(data, file: file)
        let existing = Set(try await own(context.orgId).map(\.id))
        guard existing.union(definitions.map(\.id)).count <= ReportCatalog.importLimit else {
            throw ReportError.invalidDefinition(id: file, reason: "would give the organization more than \(ReportCatalog.importLimit) reports of its own")
        }
        let now = clock.millis()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await database.transaction { db in
            for definition in definitions {
                try await db.raw("""
                    INSERT INTO report_definitions (org_id, id, definition, updated_at, updated_by)
                    VALUES (\(bind: context.orgId), \(bind: definition.id), \(bind: String(decoding: try encoder.encode(definition), as: UTF8.self)),
                            \(bind: now), \(bind: context.userId))
                    ON CONFLICT (org_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at,
                        updated_by = excluded.updated_by
                    """).run()
            }
            try await audit.append(AuditEvent(context, action: "report.definitions-import", objectType: "organization", objectId: context.orgId), on: db)
        }
        return definitions
    }

    func own(_ orgId: String, id: String? = nil) async throws -> [ReportDefinition] {
        let only: SQLQueryString = id.map { "AND id = \(bind: $0)" } ?? ""
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT definition FROM report_definitions WHERE org_id = \(bind: orgId) \(only) ORDER BY id").all()
        }
        return try rows.map { try JSONDecoder().decode(ReportDefinition.self, from: Data(try $0.decode(column: "definition", as: String.self).utf8)) }
    }
}
