import Foundation
import SQLKit
import WaypointCore

/// xAPI statements: written in the same transaction as the learning event they record, exported
/// to trainers, and forwarded at least once to the organization's learning record store with
/// back-off between failed tries. Several instances may forward: each takes a batch under a lease.
public struct Statements: Repository {
    let shared: StoreContext

    /// Inside the event's transaction.
    static func record(_ statements: [XAPIStatement], enrollmentId: String, context: TenantContext, at now: Int64, on db: any SQLDatabase) async throws {
        guard !statements.isEmpty else { return }
        let last = try await db.raw("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS last FROM xapi_statements WHERE org_id = \(bind: context.orgId)")
            .first()!.decode(column: "last", as: Int64.self)
        for (index, statement) in statements.enumerated() {
            try await db.raw("""
                INSERT INTO xapi_statements (id, org_id, enrollment_id, user_id, statement, stored_at, seq, next_attempt_at)
                VALUES (\(bind: statement.id), \(bind: context.orgId), \(bind: enrollmentId), \(bind: context.userId),
                        \(bind: String(decoding: try XAPIStatement.encoder.encode(statement), as: UTF8.self)), \(bind: now), \(bind: last + 1 + Int64(index)), \(bind: now))
                """).run()
        }
    }

    /// A page of the organization's statements in the order stored, after the cursor a previous page returned.
    public func export(in context: TenantContext, after cursor: String?, limit: Int) async throws -> (statements: [XAPIStatement], next: String?) {
        guard Policy.allows(context.role, .exportStatements) else { throw AccessError.forbidden }
        let parts = cursor?.split(separator: "-", maxSplits: 1).map(String.init) ?? []
        let after: SQLQueryString = if parts.count == 2, let seq = Int64(parts[0]) {
            "AND (seq > \(bind: seq) OR (seq = \(bind: seq) AND id > \(bind: parts[1])))"
        } else { "" }
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT id, statement, seq FROM xapi_statements WHERE org_id = \(bind: context.orgId) \(after)
                ORDER BY seq, id LIMIT \(bind: Int64(limit + 1))
                """).all()
        }
        let page = rows.prefix(limit)
        let statements = try page.map { try JSONDecoder().decode(XAPIStatement.self, from: Data(try $0.decode(column: "statement", as: String.self).utf8)) }
        let next = try rows.count > limit ? page.last.map {
            "\(try $0.decode(column: "seq", as: Int64.self))-\(try $0.decode(column: "id", as: String.self))"
        } : nil
        try await database.transaction { db in
            try await audit.append(AuditEvent(context, action: "training.statements.export", objectType: "organization", objectId: context.orgId), on: db)
        }
        return (statements, next)
    }

    // MARK: The organization's learning record store

    /// Sets (or, with nil, removes) where statements are forwarded; the password sealed.
    public func setLRS(_ settings: LRSSettings?, allowLoopbackHTTP: Bool = false, in context: TenantContext) async throws {
        guard Policy.allows(context.role, .configureLRS) else { throw AccessError.forbidden }
        let now = clock.millis()
        let checked = try settings?.checked(allowLoopbackHTTP: allowLoopbackHTTP)
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let sealed = try checked.map { try sealer.row(context.orgId, in: "lrs_settings", of: context.orgId).seal($0.password, column: "password") }
        try await database.transaction { db in
            try await db.raw("DELETE FROM lrs_settings WHERE org_id = \(bind: context.orgId)").run()
            if let checked, let sealed {
                try await db.raw("""
                    INSERT INTO lrs_settings (org_id, endpoint, username, password_sealed, updated_at)
                    VALUES (\(bind: context.orgId), \(bind: checked.endpoint), \(bind: checked.username), \(bind: sealed), \(bind: now))
                    """).run()
            }
            try await audit.append(AuditEvent(context, action: checked == nil ? "training.lrs.remove" : "training.lrs.set", objectType: "organization",
                                              objectId: context.orgId), on: db)
        }
    }

    public func lrsStatus(in context: TenantContext) async throws -> LRSStatus {
        guard Policy.allows(context.role, .configureLRS) else { throw AccessError.forbidden }
        return try await database.withConnection { db in
            let settings = try await db.raw("SELECT endpoint, username FROM lrs_settings WHERE org_id = \(bind: context.orgId)").first()
            let counts = try await db.raw("""
                SELECT CAST(SUM(CASE WHEN forwarded_at IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS pending,
                       CAST(SUM(CASE WHEN forwarded_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS forwarded,
                       CAST(SUM(CASE WHEN forwarded_at IS NULL AND attempts > 0 THEN 1 ELSE 0 END) AS BIGINT) AS retrying
                FROM xapi_statements WHERE org_id = \(bind: context.orgId)
                """).first()
            let lastError = try await db.raw("""
                SELECT last_error FROM xapi_statements WHERE org_id = \(bind: context.orgId) AND forwarded_at IS NULL AND last_error IS NOT NULL
                ORDER BY seq DESC LIMIT 1
                """).first()?.decode(column: "last_error", as: String.self)
            func count(_ column: String) throws -> Int { Int(try counts?.decode(column: column, as: Int64?.self) ?? 0) }
            return LRSStatus(endpoint: try settings?.decode(column: "endpoint", as: String.self), username: try settings?.decode(column: "username", as: String.self),
                             pending: try count("pending"), forwarded: try count("forwarded"), retrying: try count("retrying"), lastError: lastError)
        }
    }

    // MARK: Forwarding

    /// Statements taken for one try at one organization's LRS.
    public struct Batch: Sendable {
        public let lease: String
        public let orgId: String
        public let settings: LRSSettings
        public let statements: [XAPIStatement]
    }

    /// Takes up to `limit` statements due for forwarding (of organizations with an LRS) under a
    /// lease, so another instance does not send them at the same time; grouped by organization.
    public func claim(limit: Int, leaseMillis: Int64 = 120_000) async throws -> [Batch] {
        let now = clock.millis()
        let lease = Tokens.opaqueId()
        let due: SQLQueryString = """
            forwarded_at IS NULL AND next_attempt_at <= \(bind: now) AND (lease_until IS NULL OR lease_until < \(bind: now))
            AND org_id IN (SELECT org_id FROM lrs_settings)
            """
        let rows = try await database.transaction { db in
            try await db.raw("""
                UPDATE xapi_statements SET lease = \(bind: lease), lease_until = \(bind: now + leaseMillis)
                WHERE \(due) AND id IN (SELECT id FROM xapi_statements WHERE \(due) ORDER BY seq LIMIT \(bind: Int64(limit)))
                """).run()
            return try await db.raw("""
                SELECT s.org_id, s.statement, l.endpoint, l.username, l.password_sealed FROM xapi_statements s JOIN lrs_settings l ON l.org_id = s.org_id
                WHERE s.lease = \(bind: lease) ORDER BY s.org_id, s.seq
                """).all()
        }
        var batches: [Batch] = []
        for (orgId, group) in Dictionary(grouping: rows, by: { (try? $0.decode(column: "org_id", as: String.self)) ?? "" }) {
            guard let first = group.first else { continue }
            let sealer = try await keys.sealer(for: orgId, in: database, now: now)
            let settings = LRSSettings(endpoint: try first.decode(column: "endpoint", as: String.self), username: try first.decode(column: "username", as: String.self),
                                       password: try sealer.row(orgId, in: "lrs_settings", of: orgId).open("password", from: first))
            let statements = try group.map { try JSONDecoder().decode(XAPIStatement.self, from: Data(try $0.decode(column: "statement", as: String.self).utf8)) }
            batches.append(Batch(lease: lease, orgId: orgId, settings: settings, statements: statements))
        }
        return batches
    }

    /// The LRS took the batch.
    public func forwarded(_ batch: Batch) async throws {
        let now = clock.millis()
        try await database.transaction { db in
            try await db.raw("""
                UPDATE xapi_statements SET forwarded_at = \(bind: now), lease = NULL, lease_until = NULL, last_error = NULL
                WHERE lease = \(bind: batch.lease) AND org_id = \(bind: batch.orgId)
                """).run()
        }
    }

    /// The try failed: the next one waits `retryBase` × 2^(tries so far), at most an hour.
    public func failed(_ batch: Batch, error: String, retryBase: Int64) async throws {
        let now = clock.millis()
        try await database.transaction { db in
            let rows = try await db.raw("SELECT id, attempts FROM xapi_statements WHERE lease = \(bind: batch.lease) AND org_id = \(bind: batch.orgId)").all()
            for row in rows {
                let attempts = try row.decode(column: "attempts", as: Int64.self)
                let wait = min(retryBase << min(attempts, 20), 3_600_000)
                try await db.raw("""
                    UPDATE xapi_statements SET attempts = \(bind: attempts + 1), next_attempt_at = \(bind: now + wait), lease = NULL, lease_until = NULL,
                           last_error = \(bind: String(error.prefix(500)))
                    WHERE id = \(bind: try row.decode(column: "id", as: String.self))
                    """).run()
            }
        }
    }
}
