import Foundation
import SQLKit
import WaypointCore

/// Who looked at a client, emergency access, and the purge that ends a client's data.
public struct CaseOversight: Repository {
    let shared: StoreContext
    let clients: Clients

    /// The client's access log: every audited read and change of this client. A supervisor sees it
    /// for clients they may open; an auditor for any client of the organization (ids only).
    public func accessLog(_ clientId: String, filter: AccessLogFilter = AccessLogFilter(), in context: TenantContext) async throws -> [AccessLogEntry] {
        guard Policy.allows(context, .readAccessLog) else { throw AccessError.forbidden }
        try await audit.flush()
        let entries = try await database.withConnection { db -> [AccessLogEntry] in
            if !Policy.reach(context.role, .readAccessLog).isEmpty {
                _ = try await clients.visibleRow(clientId, for: .readAccessLog, in: context, on: db)
            } else {
                guard try await db.raw("SELECT id FROM clients WHERE id = \(bind: clientId) AND org_id = \(bind: context.orgId)").first() != nil else {
                    throw AccessError.notFound
                }
            }
            let actor: SQLQueryString = filter.actorId.map { "AND actor_id = \(bind: $0)" } ?? ""
            let action: SQLQueryString = filter.action.map { "AND action = \(bind: $0)" } ?? ""
            let since: SQLQueryString = filter.since.map { "AND at >= \(bind: $0)" } ?? ""
            return try await db.raw("""
                SELECT at, actor_id, action FROM audit_log
                WHERE object_id = \(bind: clientId) AND object_type = 'client' AND org_id = \(bind: context.orgId) \(actor) \(action) \(since)
                ORDER BY seq DESC LIMIT 1000
                """).all().map { row in
                AccessLogEntry(at: Date(millis: try row.decode(column: "at", as: Int64.self)), actorId: try row.decode(column: "actor_id", as: String.self),
                               action: try row.decode(column: "action", as: String.self))
            }
        }
        try await audit.record(AuditEvent(context, action: "client.access-log", objectType: "client", objectId: clientId))
        return entries
    }

    /// Opens a client outside the supervisor's team for one hour. The grant is flagged for another
    /// supervisor's review; the reason is sealed with the client.
    public func breakGlass(_ clientId: String, reason: String, in context: TenantContext) async throws -> BreakGlassGrant {
        guard Policy.allows(context, .breakGlass) else { throw AccessError.forbidden }
        let reason = try CaseUseCases.checkedReason(reason)
        let now = clock.millis()
        return try await database.transaction { db in
            guard try await db.raw("""
                SELECT id FROM clients WHERE id = \(bind: clientId) AND org_id = \(bind: context.orgId) AND purged_at IS NULL
                """).first() != nil else { throw AccessError.notFound }
            let grant = BreakGlassGrant(id: Tokens.opaqueId(), clientId: clientId, userId: context.userId, reason: reason,
                                        openedAt: Date(millis: now), expiresAt: Date(millis: now + CaseloadPolicy.breakGlassSeconds * 1000))
            let sealer = try await keys.clientSealer(clientId, orgId: context.orgId, on: db, now: now).row(grant.id, in: "break_glass", of: context.orgId)
            try await db.raw("""
                INSERT INTO break_glass (id, org_id, client_id, user_id, reason_sealed, opened_at, expires_at)
                VALUES (\(bind: grant.id), \(bind: context.orgId), \(bind: clientId), \(bind: context.userId),
                        \(bind: try sealer.seal(reason, column: "reason")), \(bind: now), \(bind: grant.expiresAt.millis))
                """).run()
            try await audit.append(clients.audit(context, "client.break-glass", client: clientId), on: db)
            return grant
        }
    }

    /// Another supervisor marks an emergency opening as reviewed.
    public func reviewBreakGlass(_ grantId: String, in context: TenantContext) async throws {
        guard Policy.allows(context, .reviewBreakGlass) else { throw AccessError.forbidden }
        let now = clock.millis()
        try await database.transaction { db in
            guard let row = try await db.raw("""
                SELECT client_id, user_id FROM break_glass WHERE id = \(bind: grantId) AND org_id = \(bind: context.orgId) AND reviewed_at IS NULL
                """).first() else { throw AccessError.notFound }
            guard try row.decode(column: "user_id", as: String.self) != context.userId else {
                throw CaseError.invalid(field: "id", reason: LocalizedText("error_detail_review_own"))
            }
            try await db.raw("UPDATE break_glass SET reviewed_by = \(bind: context.userId), reviewed_at = \(bind: now) WHERE id = \(bind: grantId)").run()
            try await audit.append(clients.audit(context, "client.break-glass-review", client: try row.decode(column: "client_id", as: String.self)), on: db)
        }
    }

    /// The organization's retention period in years (administrators).
    public func retentionYears(in context: TenantContext) async throws -> Int {
        guard Policy.allows(context, .manageSettings) else { throw AccessError.forbidden }
        return try await database.withConnection { db in
            Int(try await db.raw("SELECT retention_years FROM organizations WHERE id = \(bind: context.orgId)").first()?
                .decode(column: "retention_years", as: Int64.self) ?? 7)
        }
    }

    public func setRetentionYears(_ years: Int, in context: TenantContext) async throws {
        guard Policy.allows(context, .manageSettings) else { throw AccessError.forbidden }
        let years = try CaseUseCases.checkRetention(years: years)
        try await database.transaction { db in
            try await db.raw("UPDATE organizations SET retention_years = \(bind: Int64(years)) WHERE id = \(bind: context.orgId)").run()
            try await audit.append(AuditEvent(context, action: "organization.retention", objectType: "organization", objectId: context.orgId), on: db)
        }
    }

    /// Crypto-shreds a client on a supervisor's decision: the client's key is destroyed (every value
    /// sealed with it, in any copy, can never be opened again), the rows are emptied, and only
    /// de-identified counts remain. Referral history is append-only and stays, unreadable.
    public func purge(_ clientId: String, reason: String, in context: TenantContext) async throws -> PurgeTally {
        let now = clock.millis()
        let tally = try await database.transaction { db in
            let row = try await clients.visibleRow(clientId, for: .purgeClient, in: context, on: db)
            _ = try CaseUseCases.checkedReason(reason)  // required, but not kept: it would describe the person
            var tally = PurgeTally()
            func count(_ table: String, _ column: String = "client_id") async throws -> Int {
                Int(try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: clientId)").first()!
                    .decode(column: "n", as: Int64.self))
            }
            tally.notes = try await count("case_notes")
            tally.services = try await count("case_services")
            tally.tasks = try await count("case_tasks")
            tally.goals = try await count("case_goals")
            tally.assessments = try await count("case_assessments")
            tally.consents = try await count("consents")
            tally.referrals = try await count("referrals")
            let opened = Date(millis: try row.decode(column: "created_at", as: Int64.self))
            try await db.raw("""
                INSERT INTO purged_clients (id, org_id, phase, minor, foreign_national, opened_year, purged_at, counts)
                VALUES (\(bind: Tokens.opaqueId()), \(bind: context.orgId), \(bind: try row.decode(column: "phase", as: String.self)),
                        \(bind: try row.decode(column: "minor", as: Int64.self)), \(bind: try row.decode(column: "foreign_national", as: Int64.self)),
                        \(bind: Int64(Calendar(identifier: .gregorian).component(.year, from: opened))), \(bind: now), \(bind: try Clients.json(tally)))
                """).run()
            // Every feature's client data, as its map says: the key first, so from here on nothing of this
            // client opens, whatever copy it is in.
            for place in ClientDataMap.all {
                try await place.erase(clientId, orgId: context.orgId, now: now, on: db)
            }
            // Reports read again: the rows keyed by this client are gone.
            try await ReportData.invalidate(orgId: context.orgId, on: db)
            try await audit.append(clients.audit(context, "client.purge", client: clientId), on: db)
            return tally
        }
        try await database.discardOldPages()
        return tally
    }
}
