import Foundation
import NIOConcurrencyHelpers
import SQLKit
import WaypointCore

/// The instruments an organization screens with: the bundled catalog plus its own licensed copies
/// of tools we list but do not ship. An import is checked by the core and audited; a damaged stored
/// copy is skipped (the tool stays unavailable) rather than taking screening down.
public struct OrganizationInstruments: Repository {
    let shared: StoreContext
    let bundled: InstrumentCatalog
    let cache = CatalogCache()

    /// An organization administrator's import (or the operator's, from the command line).
    public func importCopy(_ data: Data, as id: String, orgId: String, actorId: String, requestId: String) async throws {
        let form = try bundled.checkImport(data, as: id)
        let text = try form.raw.jsonText()
        let now = clock.millis()
        try await database.transaction { db in
            try await db.raw("DELETE FROM org_instruments WHERE org_id = \(bind: orgId) AND instrument_id = \(bind: id)").run()
            try await db.raw("""
                INSERT INTO org_instruments (org_id, instrument_id, questionnaire, imported_by, imported_at)
                VALUES (\(bind: orgId), \(bind: id), \(bind: text), \(bind: actorId), \(bind: now))
                """).run()
            try await audit.append(AuditEvent(orgId: orgId, actorId: actorId, action: "instrument.import",
                                              objectType: "instrument", objectId: id, requestId: requestId), on: db)
        }
        cache.forget(orgId)
    }

    public func catalog(for context: TenantContext) async throws -> InstrumentCatalog {
        try await catalog(forOrg: context.orgId)
    }

    public func catalog(forOrg orgId: String) async throws -> InstrumentCatalog {
        if let cached = cache.catalog(for: orgId) { return cached }
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT instrument_id, questionnaire FROM org_instruments WHERE org_id = \(bind: orgId)").all()
        }
        var imported: [String: Questionnaire] = [:]
        for row in rows {
            let id = try row.decode(column: "instrument_id", as: String.self)
            if let form = try? Questionnaire.load(Data(try row.decode(column: "questionnaire", as: String.self).utf8)) { imported[id] = form }
        }
        let catalog = bundled.with(imported: imported)
        cache.keep(catalog, for: orgId)
        return catalog
    }

    /// Screening asks for the catalog on every request; it changes only on an import.
    final class CatalogCache: Sendable {
        static let lifetime: Duration = .seconds(5)
        private let catalogs = NIOLockedValueBox<[String: (catalog: InstrumentCatalog, loaded: ContinuousClock.Instant)]>([:])

        func catalog(for orgId: String) -> InstrumentCatalog? {
            catalogs.withLockedValue { catalogs in
                guard let entry = catalogs[orgId], ContinuousClock.now - entry.loaded < Self.lifetime else { return nil }
                return entry.catalog
            }
        }

        func keep(_ catalog: InstrumentCatalog, for orgId: String) { catalogs.withLockedValue { $0[orgId] = (catalog, ContinuousClock.now) } }
        func forget(_ orgId: String) { _ = catalogs.withLockedValue { $0.removeValue(forKey: orgId) } }
    }
}
