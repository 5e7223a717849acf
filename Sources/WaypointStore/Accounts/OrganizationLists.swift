import SQLKit
import WaypointCore

/// An organization's lists of programs and funding sources: read by whoever records a case,
/// kept by its administrators. Changes are audited.
public struct OrganizationLists: Repository {
    let shared: StoreContext

    /// The active entries of a list, in the order they were added.
    public func entries(_ list: OrganizationList, in context: TenantContext) async throws -> [String] {
        guard Policy.allows(context, .readOrganizationLists) else { throw AccessError.forbidden }
        return try await database.withConnection { db in try await Self.entries(list, orgId: context.orgId, on: db) }
    }

    /// Every list's active entries, in one read (a case page offers two of them).
    public func all(in context: TenantContext) async throws -> [OrganizationList: [String]] {
        guard Policy.allows(context, .readOrganizationLists) else { throw AccessError.forbidden }
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT list, entry FROM org_list_entries WHERE org_id = \(bind: context.orgId) AND retired_at IS NULL ORDER BY created_at, entry
                """).all()
        }
        var lists = Dictionary(uniqueKeysWithValues: OrganizationList.allCases.map { ($0, [String]()) })
        for row in rows {
            guard let list = OrganizationList(rawValue: try row.decode(column: "list", as: String.self)) else { continue }
            lists[list, default: []].append(try row.decode(column: "entry", as: String.self))
        }
        return lists
    }

    static func entries(_ list: OrganizationList, orgId: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT entry FROM org_list_entries WHERE org_id = \(bind: orgId) AND list = \(bind: list.rawValue) AND retired_at IS NULL
            ORDER BY created_at, entry
            """).all().map { try $0.decode(column: "entry", as: String.self) }
    }

    /// Refuses a value that is not an active entry (empty means not recorded).
    static func check(_ value: String, _ list: OrganizationList, orgId: String, field: String, on db: any SQLDatabase) async throws {
        guard !value.isEmpty else { return }
        try OrganizationListRules.check(value, in: try await entries(list, orgId: orgId, on: db), field: field)
    }

    public func add(_ entry: String, to list: OrganizationList, in context: TenantContext) async throws -> String {
        guard Policy.allows(context, .manageSettings) else { throw AccessError.forbidden }
        let now = clock.millis()
        return try await database.transaction { db in
            let existing = try await db.raw("""
                SELECT entry FROM org_list_entries WHERE org_id = \(bind: context.orgId) AND list = \(bind: list.rawValue) AND retired_at IS NULL
                """).all().map { try $0.decode(column: "entry", as: String.self) }
            let entry = try OrganizationListRules.checkedEntry(entry, existing: existing)
            // A retired entry comes back rather than being added twice.
            try await db.raw("""
                INSERT INTO org_list_entries (org_id, list, entry, created_at) VALUES (\(bind: context.orgId), \(bind: list.rawValue), \(bind: entry), \(bind: now))
                ON CONFLICT (org_id, list, entry) DO UPDATE SET retired_at = NULL
                """).run()
            try await audit.append(AuditEvent(context, action: "organization.list-add", objectType: "organization", objectId: context.orgId), on: db)
            return entry
        }
    }

    /// Takes an entry off the list for new records; cases that recorded it keep it. Retiring it
    /// again (a second click, a resent form) changes nothing; an entry never listed is not found.
    public func retire(_ entry: String, from list: OrganizationList, in context: TenantContext) async throws {
        guard Policy.allows(context, .manageSettings) else { throw AccessError.forbidden }
        let now = clock.millis()
        try await database.transaction { db in
            guard let row = try await db.raw("""
                SELECT retired_at FROM org_list_entries WHERE org_id = \(bind: context.orgId) AND list = \(bind: list.rawValue) AND entry = \(bind: entry)
                """).first() else { throw AccessError.notFound }
            guard try row.decode(column: "retired_at", as: Int64?.self) == nil else { return }
            try await db.raw("""
                UPDATE org_list_entries SET retired_at = \(bind: now)
                WHERE org_id = \(bind: context.orgId) AND list = \(bind: list.rawValue) AND entry = \(bind: entry)
                """).run()
            try await audit.append(AuditEvent(context, action: "organization.list-retire", objectType: "organization", objectId: context.orgId), on: db)
        }
    }

    /// A new organization's lists start from the defaults.
    static func seedDefaults(orgId: String, at now: Int64, on db: any SQLDatabase) async throws {
        for list in OrganizationList.allCases {
            for entry in list.defaults {
                try await db.raw("""
                    INSERT INTO org_list_entries (org_id, list, entry, created_at) VALUES (\(bind: orgId), \(bind: list.rawValue), \(bind: entry), \(bind: now))
                    ON CONFLICT (org_id, list, entry) DO NOTHING
                    """).run()
            }
        }
    }
}
