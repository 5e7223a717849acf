@preconcurrency import Crypto
import Foundation
import NIOConcurrencyHelpers
import ServiceLifecycle
import SQLKit
import WaypointCore

/// Places audit entries in the chain.
///
/// Why: one chain orders every entry, so appending one entry per transaction made every audited
/// request queue on the chain's head. Entries appended inside a write (and reads' entries, which are
/// writes of their own) are collected by the `WriteBatcher` and chained by `chainCollected` in the
/// batch's commit. An entry appended outside a batch — a long transaction run `alone` on
/// PostgreSQL — is inserted into `audit_pending` inside that transaction, authenticated by an HMAC
/// under the chain key, and a pass (the steady beat, a flush) checks each pending MAC and chains it
/// after the verified head. A pending row nobody has chained yet can be deleted unnoticed by someone
/// with database access until the next pass; everything chained is covered by the keyed chain.
final class AuditSequencer: Sendable {
    private struct State: Sendable {
        var running = false
        /// A pass was asked for while one ran: run another after it.
        var again = false
    }

    private let database: Database
    private let keys: KeyRing
    private let clock: Clock
    private let state = NIOLockedValueBox(State())
    /// Entries per statement and rows per pass (SQLite binds at most 32,766 values per statement).
    static let rowsPerInsert = 500
    static let pendingPerPass = 5_000

    init(database: Database, keys: KeyRing, clock: Clock) {
        self.database = database
        self.keys = keys
        self.clock = clock
    }

    // MARK: Writes: pending inside the caller's transaction

    func insertPending(_ event: AuditEvent, on db: any SQLDatabase) async throws {
        let now = clock.millis()
        let key = try await keys.auditChainKey(on: db, now: now)
        let entry = AuditEntry(event, at: now)
        let id = Tokens.opaqueId()
        try await db.raw("""
            INSERT INTO audit_pending (id, at, org_id, actor_id, action, object_type, object_id, request_id, mac)
            VALUES (\(bind: id), \(bind: now), \(bind: event.orgId), \(bind: event.actorId), \(bind: event.action),
                    \(bind: event.objectType), \(bind: event.objectId), \(bind: event.requestId), \(bind: Self.pendingMAC(id: id, entry, key: key)))
            """).run()
        // No pass is started for it: the beat (or a flush) chains it.
    }

    /// Binds the row's id and content: a pending row altered, or written without the key, fails.
    static func pendingMAC(id: String, _ entry: AuditEntry, key: SymmetricKey) -> String {
        Tokens.hex(HMAC<SHA256>.authenticationCode(for: Data(("pending|\(id.utf8.count):\(id)|" + entry.canonicalContent).utf8), using: key))
    }

    /// Asks for a pass without waiting for it (the beat).
    func nudge() {
        let start = state.withLockedValue { state -> Bool in
            if state.running { state.again = true; return false }
            state.running = true
            return true
        }
        if start { Task { await self.drive() } }
    }

    /// Chains everything pending now (before verifying or showing the log).
    func flush() async throws {
        while try await pass() == Self.pendingPerPass {}
    }

    private func drive() async {
        repeat {
            state.withLockedValue { $0.again = false }
            // A failed pass (say, a forged pending row) is reported to whoever flushes or verifies.
            if let chained = try? await pass(), chained == Self.pendingPerPass { state.withLockedValue { $0.again = true } }
        } while state.withLockedValue({ state in
            if state.again { return true }
            state.running = false
            return false
        })
    }

    /// One transaction: take pending rows (each MAC checked) and chain them after the verified
    /// head. Returns how many it took.
    @discardableResult
    private func pass() async throws -> Int {
        let now = clock.millis()
        // The beat finds nothing most of the time: look before taking the writer's lock.
        let idle = try await database.withConnection { try await $0.raw("SELECT id FROM audit_pending LIMIT 1").first() == nil }
        if idle { return 0 }
        return try await database.transaction { db in
            if self.database.kind == .postgres {
                // Instances share one chain; the lock makes "read head, write successors" atomic across them.
                try await db.raw("SELECT pg_advisory_xact_lock(727002)").run()
            }
            let chainKey = try await self.keys.auditChainKey(on: db, now: now)
            let pendingRows = try await db.raw("SELECT * FROM audit_pending ORDER BY at, id LIMIT \(bind: Int64(Self.pendingPerPass))").all()
            guard !pendingRows.isEmpty else { return 0 }
            var events: [(id: String?, entry: AuditEntry)] = []
            for row in pendingRows {
                let id = try row.decode(column: "id", as: String.self)
                let entry = try AuditEntry(
                    seq: 0, at: row.decode(column: "at", as: Int64.self), orgId: row.decode(column: "org_id", as: String.self),
                    actorId: row.decode(column: "actor_id", as: String.self), action: row.decode(column: "action", as: String.self),
                    objectType: row.decode(column: "object_type", as: String.self), objectId: row.decode(column: "object_id", as: String.self),
                    requestId: row.decode(column: "request_id", as: String.self), prevHash: "")
                guard Tokens.constantTimeEqual(Self.pendingMAC(id: id, entry, key: chainKey), try row.decode(column: "mac", as: String.self)) else {
                    throw AuditIntegrityError.pendingForged
                }
                events.append((id, entry))
            }
            try await self.chain(events, on: db, chainKey: chainKey)
            return pendingRows.count
        }
    }

    /// SQLite: the entries a batch of write transactions appended, chained inside that batch's
    /// transaction just before it commits.
    func chainCollected(_ collected: [(AuditEvent, Int64)], on db: any SQLDatabase) async throws {
        guard !collected.isEmpty else { return }
        if database.kind == .postgres {
            // Instances share one chain; the lock makes "read head, write successors" atomic across them.
            try await db.raw("SELECT pg_advisory_xact_lock(727002)").run()
        }
        let chainKey = try await keys.auditChainKey(on: db, now: clock.millis())
        try await chain(collected.map { (nil, AuditEntry($0, at: $1)) }, on: db, chainKey: chainKey)
    }

    /// Appends `events` after the head within the caller's transaction, deleting the pending rows
    /// they came from. The head's MAC is checked first: a head rewritten by someone with database
    /// access is refused, never extended.
    private func chain(_ events: [(id: String?, entry: AuditEntry)], on db: any SQLDatabase, chainKey: SymmetricKey) async throws {
        let headKey = keys.auditHeadKey
        let head = try await db.raw("SELECT seq, hash, mac FROM audit_head WHERE id = 1").first().map(AuditLog.head(from:))
        if let head, !head.isAuthentic(key: headKey) { throw AuditIntegrityError.headForged }
        var seq = head?.seq ?? 0
        var previous = head?.hash ?? AuditEntry.genesisHash
        var chained: [AuditEntry] = []
        for (_, entry) in events {
            seq += 1
            var next = entry
            next.seq = seq
            next = next.chained(after: previous, chainKey: chainKey)
            previous = next.hash
            chained.append(next)
        }
        for slice in chained.chunks(of: Self.rowsPerInsert) {
            let values: [SQLQueryString] = slice.map { entry in
                """
                (\(bind: entry.seq), \(bind: entry.at), \(bind: entry.orgId), \(bind: entry.actorId), \(bind: entry.action),
                 \(bind: entry.objectType), \(bind: entry.objectId), \(bind: entry.requestId), \(bind: entry.prevHash),
                 \(bind: entry.hash), \(bind: Int64(entry.chainVersion)))
                """
            }
            try await db.raw("""
                INSERT INTO audit_log (seq, at, org_id, actor_id, action, object_type, object_id, request_id, prev_hash, hash, chain_version)
                VALUES \(values.joined(separator: ", "))
                """).run()
        }
        for slice in events.compactMap(\.id).chunks(of: Self.rowsPerInsert) {
            try await db.raw("DELETE FROM audit_pending WHERE id IN (\(binds: slice))").run()
        }
        StoreMetrics.counter("waypoint_audit_entries_chained_total").increment(by: chained.count)
        StoreMetrics.recorder("waypoint_audit_batch_entries").record(chained.count)
        let signed = AuditHead.signed(seq: seq, hash: previous, key: headKey)
        if head == nil {
            try await db.raw("INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, \(bind: signed.seq), \(bind: signed.hash), \(bind: signed.mac))").run()
        } else {
            try await db.raw("UPDATE audit_head SET seq = \(bind: signed.seq), hash = \(bind: signed.hash), mac = \(bind: signed.mac) WHERE id = 1").run()
        }
    }
}

/// Chains what writes left pending at a steady beat, so an entry waits at most that long even when
/// no read comes along to carry it.
struct AuditSequencerService: Service {
    let sequencer: AuditSequencer
    var interval: Duration = .milliseconds(50)

    func run() async throws {
        // Stops with the application: the beat is cancelled on graceful shutdown.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                sequencer.nudge()
            }
        }
        // What the last requests left pending is chained before the database closes.
        try? await sequencer.flush()
    }
}
