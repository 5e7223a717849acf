@preconcurrency import Crypto
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import WaypointCore

/// The append-only, hash-chained log of every sign-in, user change and read or write of a
/// sensitive record.
public struct AuditLog: Sendable {
    let database: Database
    let keys: KeyRing
    let clock: Clock
    /// The furthest point this process has verified, and how many entries that covers.
    private let checkpoint = NIOLockedValueBox<(checkpoint: AuditCheckpoint, entries: Int)>((.genesis, 0))
    let sequencer: AuditSequencer

    init(database: Database, keys: KeyRing, clock: Clock) {
        self.database = database
        self.keys = keys
        self.clock = clock
        self.sequencer = AuditSequencer(database: database, keys: keys, clock: clock)
    }

    /// Appends inside the caller's transaction, so the record and its audit entry commit together or
    /// not at all: the entry is chained in the commit of the batch the transaction runs in (or, for a
    /// transaction run alone on PostgreSQL, waits in `audit_pending` until the sequencer chains it).
    func append(_ event: AuditEvent, on db: any SQLDatabase) async throws {
        try await append(event, on: db, path: "with_record")
    }

    /// Records an event on its own (a read, a failed sign-in); returns once it is in the chain. The
    /// chain's head is checked first: a head rewritten by someone with write access to the database
    /// is refused, never re-signed, so a forged chain cannot be made to verify.
    public func record(_ event: AuditEvent) async throws {
        // A write of its own: it joins the next batch and is chained in that batch's commit.
        try await database.transaction { db in try await append(event, on: db, path: "standalone") }
    }

    private func append(_ event: AuditEvent, on db: any SQLDatabase, path: String) async throws {
        StoreMetrics.counter("waypoint_audit_appends_total", [("path", path)]).increment()
        if let collector = WriteBatcher.auditCollector {
            collector.add(event, at: clock.millis(), chainedBy: sequencer)
        } else {
            try await sequencer.insertPending(event, on: db)
        }
    }

    /// The organization's entries, newest first. Auditors see their own organization only.
    public func recent(in context: TenantContext, limit: Int = 200) async throws -> [AuditEntry] {
        guard Policy.allows(context, .readAudit) else { throw AccessError.forbidden }
        try await sequencer.flush()
        let entries = try await database.withConnection { db in
            try await db.raw("""
                SELECT * FROM audit_log WHERE org_id = \(bind: context.orgId) ORDER BY seq DESC LIMIT \(bind: Int64(limit))
                """).all().map(Self.entry(from:))
        }
        try await record(AuditEvent(context, action: "audit.read", objectType: "audit_log", objectId: context.orgId))
        return entries
    }

    /// Chains whatever writes left pending (a command-line tool does this before it exits).
    public func flush() async throws {
        try await sequencer.flush()
    }

    /// Recomputes the whole chain and compares its end with the signed head.
    public func verify() async throws -> AuditVerification {
        try await verify(from: .genesis).0
    }

    /// Verifies only what was appended since this process last found the chain intact: the audit
    /// page calls it on every view, and re-reading the whole log each time grows without bound.
    /// `waypoint audit verify` still walks everything.
    public func verifySinceCheckpoint() async throws -> AuditVerification {
        let start = checkpoint.withLockedValue { $0 }
        let (result, reached) = try await verify(from: start.checkpoint)
        guard case .intact = result else { return result }
        let total = start.entries + Int(reached.seq - start.checkpoint.seq)
        checkpoint.withLockedValue { current in
            if reached.seq > current.checkpoint.seq { current = (reached, total) }
        }
        return .intact(entries: total)
    }

    /// Reads the head first and then the entries up to it, so appends that land meanwhile are not
    /// mistaken for a truncated log.
    private func verify(from start: AuditCheckpoint) async throws -> (AuditVerification, AuditCheckpoint) {
        try await sequencer.flush()
        let chainKey = try await database.withConnection { try await keys.auditChainKey(on: $0, now: clock.millis(), create: false) }
        let (entries, head) = try await database.snapshot { db in
            let head = try await db.raw("SELECT seq, hash, mac FROM audit_head WHERE id = 1").first().map(Self.head(from:))
            let entries = try await db.raw("""
                SELECT * FROM audit_log WHERE seq > \(bind: start.seq) AND seq <= \(bind: head?.seq ?? 0) ORDER BY seq
                """).all().map(Self.entry(from:))
            // Entries past the head (written by someone other than the application) are reported too.
            let beyond = try await db.raw("SELECT * FROM audit_log WHERE seq > \(bind: max(head?.seq ?? 0, start.seq)) ORDER BY seq LIMIT 1")
                .all().map(Self.entry(from:))
            return (entries + beyond, head)
        }
        let result = AuditChain.verify(entries, head: head, headKey: keys.auditHeadKey, chainKey: chainKey, from: start)
        let reached = entries.last.map {
            AuditCheckpoint(seq: $0.seq, hash: $0.hash, keyed: start.keyed || entries.contains { $0.chainVersion >= AuditEntry.keyedVersion })
        } ?? start
        return (result, reached)
    }

    static func head(from row: any SQLRow) throws -> AuditHead {
        AuditHead(seq: try row.decode(column: "seq", as: Int64.self),
                  hash: try row.decode(column: "hash", as: String.self),
                  mac: try row.decode(column: "mac", as: String.self))
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
            hash: try row.decode(column: "hash", as: String.self),
            chainVersion: Int(try row.decode(column: "chain_version", as: Int64.self)))
    }
}

/// The audit chain's head failed its check: someone changed the log outside the application. Nothing
/// more is appended (and so nothing is saved) until an administrator has looked.
public enum AuditIntegrityError: UserFacingError, Equatable {
    case headForged
    /// An entry waiting to be chained fails its MAC: altered, or written without the key.
    case pendingForged

    public var messageKey: String { "error_audit_integrity" }
    public var kind: FailureKind { .unavailable }
}
