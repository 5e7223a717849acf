import Foundation
import SQLKit
import WaypointCore

/// What happened, before it is placed in the chain.
public struct AuditEvent: Sendable, Equatable {
    public var orgId: String
    public var actorId: String
    public var action: String
    public var objectType: String
    public var objectId: String
    public var requestId: String

    public init(orgId: String, actorId: String, action: String, objectType: String, objectId: String, requestId: String) {
        self.orgId = orgId
        self.actorId = actorId
        self.action = action
        self.objectType = objectType
        self.objectId = objectId
        self.requestId = requestId
    }

    public init(_ context: TenantContext, action: String, objectType: String, objectId: String) {
        self.init(orgId: context.orgId, actorId: context.userId, action: action,
                  objectType: objectType, objectId: objectId, requestId: context.requestId)
    }
}

/// The append-only, hash-chained log of every sign-in, user change and read or write of a
/// sensitive record.
public struct AuditLog: Sendable {
    let database: Database
    let keys: KeyRing
    let clock: Clock

    /// Appends inside the caller's transaction, so the record and its audit entry commit together or
    /// not at all.
    func append(_ event: AuditEvent, on db: any SQLDatabase) async throws {
        if database.kind == .postgres {
            // Instances share one chain; the lock makes "read head, write successor" atomic across them.
            try await db.raw("SELECT pg_advisory_xact_lock(727002)").run()
        }
        let head = try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first()
        let previousSeq = try head?.decode(column: "seq", as: Int64.self) ?? 0
        let previousHash = try head?.decode(column: "hash", as: String.self) ?? AuditEntry.genesisHash
        let entry = AuditEntry(
            seq: previousSeq + 1, at: clock.millis(), orgId: event.orgId, actorId: event.actorId,
            action: event.action, objectType: event.objectType, objectId: event.objectId,
            requestId: event.requestId, prevHash: previousHash
        ).chained(after: previousHash)
        try await db.raw("""
            INSERT INTO audit_log (seq, at, org_id, actor_id, action, object_type, object_id, request_id, prev_hash, hash)
            VALUES (\(bind: entry.seq), \(bind: entry.at), \(bind: entry.orgId), \(bind: entry.actorId),
                    \(bind: entry.action), \(bind: entry.objectType), \(bind: entry.objectId),
                    \(bind: entry.requestId), \(bind: entry.prevHash), \(bind: entry.hash))
            """).run()
        let signed = AuditHead.signed(seq: entry.seq, hash: entry.hash, key: keys.auditHeadKey)
        if head == nil {
            try await db.raw("INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, \(bind: signed.seq), \(bind: signed.hash), \(bind: signed.mac))").run()
        } else {
            try await db.raw("UPDATE audit_head SET seq = \(bind: signed.seq), hash = \(bind: signed.hash), mac = \(bind: signed.mac) WHERE id = 1").run()
        }
    }

    /// Records an event on its own (a read, a failed sign-in).
    public func record(_ event: AuditEvent) async throws {
        try await database.transaction { db in try await append(event, on: db) }
    }

    /// The organization's entries, newest first. Auditors see their own organization only.
    public func recent(in context: TenantContext, limit: Int = 200) async throws -> [AuditEntry] {
        guard context.role.canReadAudit else { throw AccessError.forbidden }
        let entries = try await database.withConnection { db in
            try await db.raw("""
                SELECT * FROM audit_log WHERE org_id = \(bind: context.orgId) ORDER BY seq DESC LIMIT \(bind: Int64(limit))
                """).all().map(Self.entry(from:))
        }
        try await record(AuditEvent(context, action: "audit.read", objectType: "audit_log", objectId: context.orgId))
        return entries
    }

    /// Recomputes the whole chain and compares its end with the signed head.
    public func verify() async throws -> AuditVerification {
        let (entries, head) = try await database.withConnection { db in
            let entries = try await db.raw("SELECT * FROM audit_log ORDER BY seq").all().map(Self.entry(from:))
            let head = try await db.raw("SELECT seq, hash, mac FROM audit_head WHERE id = 1").first().map {
                AuditHead(seq: try $0.decode(column: "seq", as: Int64.self),
                          hash: try $0.decode(column: "hash", as: String.self),
                          mac: try $0.decode(column: "mac", as: String.self))
            }
            return (entries, head)
        }
        return AuditChain.verify(entries, head: head, headKey: keys.auditHeadKey)
    }

    static func entry(from row: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            seq: try row.decode(column: "seq", as: Int64.self), at: try row.decode(column: "at", as: Int64.self),
            orgId: try row.decode(column: "org_id", as: String.self),
            actorId: try row.decode(column: "actor_id", as: String.self),
            action: try row.decode(column: "action", as: String.self),
            objectType: try row.decode(column: "object_type", as: String.self),
            objectId: try row.decode(column: "object_id", as: String.self),
            requestId: try row.decode(column: "request_id", as: String.self),
            prevHash: try row.decode(column: "prev_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self))
    }
}
