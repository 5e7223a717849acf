import NIOConcurrencyHelpers
import SQLKit
import WaypointCore

/// Group commit: write transactions that arrive while one commits are run together on one
/// connection and committed once — with their audit entries chained in the same commit.
///
/// Why: SQLite has one writer. Taking its lock, beginning and committing (which writes the pages to
/// the write-ahead log) cost more than a screening's own two inserts, and every write queued behind
/// them. On PostgreSQL a write was five round trips (begin, record, pending audit row, commit with
/// its flush, and the sequencer's pass later); in a batch it is one. Each caller still gets
/// all-or-nothing: a body that throws is undone and only its caller sees the error; the others'
/// writes commit (see `commit`). A caller hears back only after the commit.
///
/// Audit entries a body appends are collected (`auditCollector`) rather than inserted one by one,
/// and the batch chains those of the bodies that succeeded just before it commits: a record and its
/// entry are in the chain, or neither is.
final class WriteBatcher: Sendable {
    /// The audit entries of the body now running (set only while a batch runs it).
    @TaskLocal static var auditCollector: AuditCollector?

    final class AuditCollector: Sendable {
        let entries = NIOLockedValueBox<[(sequencer: AuditSequencer, event: AuditEvent, at: Int64)]>([])
        func add(_ event: AuditEvent, at: Int64, chainedBy sequencer: AuditSequencer) {
            entries.withLockedValue { $0.append((sequencer, event, at)) }
        }
    }

    /// One caller's transaction body, run once by whoever drains the queue.
    private final class Job: @unchecked Sendable {
        // Set by the submitter before queueing; cleared by the drainer once the batch is over (a body
        // may run twice), before the submitter resumes, so the caller's body is not held past its call.
        var body: (@Sendable (any SQLDatabase) async throws -> Void)?
        var failure: (any Error)?
        let alone: Bool
        let audit = AuditCollector()
        let done: CheckedContinuation<Void, any Error>

        init(body: @escaping @Sendable (any SQLDatabase) async throws -> Void, alone: Bool, done: CheckedContinuation<Void, any Error>) {
            self.body = body
            self.alone = alone
            self.done = done
        }
    }

    /// The jobs of one commit; only the draining task touches it.
    private final class Batch: @unchecked Sendable { var jobs: [Job] = [] }

    private struct State {
        var queue: [Job] = []
        var draining = false
    }

    /// Bodies per commit: enough to share the commit widely, few enough that one batch is not held
    /// open behind a long one.
    static let jobsPerCommit = 128

    private let state = NIOLockedValueBox(State())
    /// How a transaction begins: SQLite takes its write lock at once.
    private let begin: SQLQueryString
    /// Runs the batch on one connection of the pool.
    private let lease: @Sendable (@escaping @Sendable (any SQLDatabase) async throws -> Void) async throws -> Void

    init(begin: SQLQueryString, lease: @escaping @Sendable (@escaping @Sendable (any SQLDatabase) async throws -> Void) async throws -> Void) {
        self.begin = begin
        self.lease = lease
    }

    func transaction<T: Sendable>(alone: Bool, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let result = NIOLockedValueBox<T?>(nil)
        try await withoutActuallyEscaping(body) { body in
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                let job = Job(body: { db in
                    let value = try await body(db)
                    result.withLockedValue { $0 = value }
                }, alone: alone, done: done)
                let startDrain = state.withLockedValue { state -> Bool in
                    state.queue.append(job)
                    if state.draining { return false }
                    state.draining = true
                    return true
                }
                if startDrain { Task { await self.drain() } }
            }
        }
        return result.withLockedValue { $0 }!
    }

    private func drain() async {
        while true {
            let more = state.withLockedValue { state -> Bool in
                if state.queue.isEmpty { state.draining = false; return false }
                return true
            }
            guard more else { return }
            let batch = Batch()
            do {
                try await lease { db in try await self.commit(batch, on: db) }
            } catch {
                // The transaction as a whole failed (the commit, or a savepoint could not be undone):
                // nothing of this batch was saved, and every caller is told so.
                for job in batch.jobs where job.failure == nil { job.failure = error }
            }
            for job in batch.jobs {
                job.body = nil
                if let failure = job.failure { job.done.resume(throwing: failure) } else { job.done.resume() }
            }
        }
    }

    /// Runs the batch's bodies in one transaction and commits. Bodies run bare first (a savepoint
    /// each would add two statements to every write); when one throws, the transaction is rolled
    /// back, that caller gets its error, and the others run again, each in its own savepoint.
    private func commit(_ batch: Batch, on db: any SQLDatabase) async throws {
        var careful = false
        while true {
            try await db.raw(begin).run()
            do {
                var index = 0
                var failed = false
                while true {
                    let job: Job
                    if index < batch.jobs.count {
                        job = batch.jobs[index]
                    } else if batch.jobs.count < Self.jobsPerCommit, let next = take(joining: batch) {
                        // Later arrivals join this commit while there is room.
                        batch.jobs.append(next)
                        job = next
                    } else {
                        break
                    }
                    index += 1
                    guard job.failure == nil else { continue }
                    if careful {
                        try await Self.runInSavepoint(job, on: db)
                    } else if let error = await Self.run(job, on: db) {
                        job.failure = error
                        failed = true
                        break
                    }
                }
                if failed {
                    try await db.raw("ROLLBACK").run()
                    careful = true
                    continue
                }
                try await Self.chainAudit(of: batch.jobs.filter { $0.failure == nil }, on: db)
                try await db.raw("COMMIT").run()
                return
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// The next queued job, if it may share this commit: a job that asked to be alone starts a
    /// batch and ends it.
    private func take(joining batch: Batch) -> Job? {
        state.withLockedValue { state in
            guard let next = state.queue.first else { return nil }
            if batch.jobs.first?.alone == true || (next.alone && !batch.jobs.isEmpty) { return nil }
            return state.queue.removeFirst()
        }
    }

    /// Runs the body with its audit entries collected afresh; returns what it threw.
    private static func run(_ job: Job, on db: any SQLDatabase) async -> (any Error)? {
        job.audit.entries.withLockedValue { $0 = [] }
        do {
            try await Self.$auditCollector.withValue(job.audit) { try await job.body?(db) }
            return nil
        } catch {
            return error
        }
    }

    /// The job's writes stay if it returns and are undone if it throws; the error is kept for its caller.
    private static func runInSavepoint(_ job: Job, on db: any SQLDatabase) async throws {
        try await db.raw("SAVEPOINT job").run()
        if let error = await run(job, on: db) {
            job.failure = error
            // If even this fails the transaction is in doubt: the error ends the whole batch.
            try await db.raw("ROLLBACK TO job").run()
        }
        try await db.raw("RELEASE job").run()
    }

    /// Chains the entries of the batch's successful bodies, in the order they were appended, by the
    /// sequencer each was appended through (normally one per database).
    private static func chainAudit(of jobs: [Job], on db: any SQLDatabase) async throws {
        var pending = jobs.flatMap { $0.audit.entries.withLockedValue { $0 } }
        while let sequencer = pending.first?.sequencer {
            let mine = pending.filter { $0.sequencer === sequencer }
            pending.removeAll { $0.sequencer === sequencer }
            try await sequencer.chainCollected(mine.map { ($0.event, $0.at) }, on: db)
        }
    }
}
