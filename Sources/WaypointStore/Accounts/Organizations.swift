import Foundation
import SQLKit
import WaypointCore

public struct Organization: Sendable, Equatable {
    public let id: String
    public let name: String
}

/// Tenants. Creating one and finding one by name are operator tasks (command line, demo set-up);
/// nothing here lists one tenant's data to another.
public struct Organizations: Repository {
    let shared: StoreContext

    public func create(name: String, requestId: String) async throws -> Organization {
        let organization = Organization(id: Tokens.opaqueId(), name: name)
        let now = clock.millis()
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO organizations (id, name, created_at) VALUES (\(bind: organization.id), \(bind: name), \(bind: now))
                """).run()
            _ = try await keys.sealer(for: organization.id, on: db, now: now)
            try await OrganizationLists.seedDefaults(orgId: organization.id, at: now, on: db)
            try await audit.append(AuditEvent(orgId: organization.id, actorId: "system", action: "organization.create",
                                              objectType: "organization", objectId: organization.id, requestId: requestId), on: db)
        }
        return organization
    }

    public func named(_ name: String) async throws -> Organization? {
        try await database.withConnection { db in
            try await db.raw("SELECT id, name FROM organizations WHERE name = \(bind: name)").first().map {
                Organization(id: try $0.decode(column: "id", as: String.self), name: try $0.decode(column: "name", as: String.self))
            }
        }
    }

    /// Every tenant, for the operator's command line only (no web route reaches this).
    public func all() async throws -> [Organization] {
        try await database.withConnection { db in
            try await db.raw("SELECT id, name FROM organizations ORDER BY name").all().map {
                Organization(id: try $0.decode(column: "id", as: String.self), name: try $0.decode(column: "name", as: String.self))
            }
        }
    }

    /// The organization the signed-in person belongs to.
    public func current(_ context: TenantContext) async throws -> Organization {
        try await database.withConnection { db in
            guard let row = try await db.raw("SELECT id, name FROM organizations WHERE id = \(bind: context.orgId)").first()
            else { throw AccessError.notFound }
            return Organization(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self))
        }
    }
}
