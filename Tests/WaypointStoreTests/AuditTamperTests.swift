import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Audit chain")
struct AuditTamperTests {
    /// Writes a few audited events, then lets `tamper` change the table as an attacker with
    /// database access would (the append-only triggers dropped first).
    func tampered(_ backend: Backend, _ tamper: @escaping @Sendable (TestStore) async throws -> Void) async throws -> AuditVerification? {
        let result = ResultBox()
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Audit")
            for _ in 0..<4 { _ = try await test.store.users.find(org.userId, in: org.context) }
            #expect(try await test.store.audit.verify() == .intact(entries: 6))
            try await Self.dropTriggers(test)
            try await tamper(test)
            await result.set(try await test.store.audit.verify())
        }
        return await result.value
    }

    actor ResultBox {
        var value: AuditVerification?
        func set(_ v: AuditVerification) { value = v }
    }

    @Test("the database refuses to update or delete audit rows", arguments: Backend.allCases)
    func appendOnly(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            _ = try await test.organization("Clinic Trigger")
            #expect(try await test.store.audit.verify() == .intact(entries: 2))  // chains what was pending
            await #expect(throws: (any Error).self) { try await test.sql("UPDATE audit_log SET action = 'x' WHERE seq = 1") }
            await #expect(throws: (any Error).self) { try await test.sql("DELETE FROM audit_log WHERE seq = 1") }
            #expect(try await test.store.audit.verify() == .intact(entries: 2))
        }
    }

    @Test("an edited entry is named", arguments: Backend.allCases)
    func edited(backend: Backend) async throws {
        let result = try await tampered(backend) { try await $0.sql("UPDATE audit_log SET action = 'user.list' WHERE seq = 5") }
        guard let result else { return }
        guard case .broken(let seq, _) = result else { Issue.record("edit not caught"); return }
        #expect(seq == 5)
    }

    @Test("a deleted entry is named", arguments: Backend.allCases)
    func deleted(backend: Backend) async throws {
        let result = try await tampered(backend) { try await $0.sql("DELETE FROM audit_log WHERE seq = 4") }
        guard let result else { return }
        guard case .broken(let seq, _) = result else { Issue.record("deletion not caught"); return }
        #expect(seq == 4)
    }

    @Test("reordered entries are caught", arguments: Backend.allCases)
    func reordered(backend: Backend) async throws {
        let result = try await tampered(backend) { test in
            try await test.sql("UPDATE audit_log SET seq = 100 WHERE seq = 3")
            try await test.sql("UPDATE audit_log SET seq = 3 WHERE seq = 4")
            try await test.sql("UPDATE audit_log SET seq = 4 WHERE seq = 100")
        }
        guard let result else { return }
        guard case .broken(let seq, _) = result else { Issue.record("reordering not caught"); return }
        #expect(seq == 3)
    }

    @Test("a truncated tail is caught", arguments: Backend.allCases)
    func truncated(backend: Backend) async throws {
        let result = try await tampered(backend) { try await $0.sql("DELETE FROM audit_log WHERE seq >= 6") }
        guard let result else { return }
        guard case .broken(let seq, _) = result else { Issue.record("truncation not caught"); return }
        #expect(seq == 6)
    }

    @Test("a rewritten chain with a forged head is caught", arguments: Backend.allCases)
    func rewrittenHead(backend: Backend) async throws {
        let result = try await tampered(backend) { test in
            // Remove the tail and point the head at the new last entry, without the key file.
            try await test.sql("DELETE FROM audit_log WHERE seq = 6")
            try await test.sql("UPDATE audit_head SET seq = 5, hash = (SELECT hash FROM audit_log WHERE seq = 5)")
        }
        guard let result else { return }
        guard case .broken = result else { Issue.record("forged head not caught"); return }
    }

    @Test("a chain recomputed without the key and a re-pointed head are refused at the next write, and verify names them",
          arguments: Backend.allCases)
    func rewrittenChain(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Rewrite", admin: "rewrite-admin")
            for _ in 0..<4 { _ = try await test.store.users.find(org.userId, in: org.context) }
            try await Self.dropTriggers(test)
            // The attacker's rewrite: entry 3 changed, every hash from there recomputed as plain
            // SHA-256 (all anyone without the key can compute), and the head pointed at the new end.
            let entries = try await test.store.database.withConnection { db in
                try await db.raw("SELECT * FROM audit_log ORDER BY seq").all().map(AuditLog.entry(from:))
            }
            var previous = entries[1].hash
            for var entry in entries.dropFirst(2) {
                if entry.seq == 3 { entry.objectId = "someone-else" }
                entry.prevHash = previous
                entry.chainVersion = 1
                entry.hash = entry.computedHash(chainKey: .init(size: .bits256))
                try await test.sql("""
                    UPDATE audit_log SET object_id = '\(entry.objectId)', prev_hash = '\(entry.prevHash)', hash = '\(entry.hash)', chain_version = 1
                    WHERE seq = \(entry.seq)
                    """)
                previous = entry.hash
            }
            try await test.sql("UPDATE audit_head SET hash = '\(previous)'")
            // The next audited action (here a failed sign-in) is refused instead of re-signing the forged head.
            await #expect(throws: AuditIntegrityError.headForged) {
                try await test.store.auth.signIn(username: "rewrite-admin", password: "not the password at all", address: "10.0.0.9", requestId: "r")
            }
            guard case .broken(let seq, _) = try await test.store.audit.verify() else { Issue.record("rewrite not caught"); return }
            #expect(seq == 3)
        }
    }

    @Test("an edited entry stays caught after later appends", arguments: Backend.allCases)
    func editThenAppend(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Later")
            for _ in 0..<3 { _ = try await test.store.users.find(org.userId, in: org.context) }
            try await Self.dropTriggers(test)
            try await test.sql("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2")
            for _ in 0..<3 { _ = try await test.store.users.find(org.userId, in: org.context) }
            #expect(try await test.store.audit.verify() == .broken(seq: 2, reason: "entry 2 was altered after it was written"))
            #expect(try await test.store.audit.verifySinceCheckpoint() != .intact(entries: 8))
        }
    }

    static func dropTriggers(_ test: TestStore) async throws {
        switch test.store.database.kind {
        case .sqlite:
            try await test.sql("DROP TRIGGER audit_log_no_update")
            try await test.sql("DROP TRIGGER audit_log_no_delete")
        case .postgres:
            try await test.sql("DROP TRIGGER audit_log_append_only ON audit_log")
        }
    }

    @Test("concurrent writers keep one unbroken chain", arguments: Backend.allCases)
    func concurrentAppends(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Busy")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await test.store.audit.record(AuditEvent(org.context, action: "user.read", objectType: "user", objectId: org.userId)) }
                }
                try await group.waitForAll()
            }
            #expect(try await test.store.audit.verify() == .intact(entries: 22))
        }
    }

    @Test("a pending entry written without the chain key is refused, not chained", arguments: Backend.allCases)
    func forgedPending(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Pending")
            let before = try await test.store.audit.verify()
            try await test.sql("""
                INSERT INTO audit_pending (id, at, org_id, actor_id, action, object_type, object_id, request_id, mac)
                VALUES ('forged', 1, '\(org.orgId)', 'x', 'user.read', 'user', 'x', 'r', '\(String(repeating: "0", count: 64))')
                """)
            await #expect(throws: AuditIntegrityError.pendingForged) { try await test.store.audit.flush() }
            try await test.sql("DELETE FROM audit_pending WHERE id = 'forged'")
            #expect(try await test.store.audit.verify() == before)
        }
    }
}

@Suite("Crash safety")
struct CrashSafetyTests {
    struct Interrupted: Error {}

    @Test("a failure after the write and its audit entry leaves neither behind", arguments: Backend.allCases)
    func rollback(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Crash")
            let before = try await test.store.audit.verify()
            await #expect(throws: Interrupted.self) {
                try await test.store.database.transaction { db in
                    try await db.raw("UPDATE users SET role = 'auditor' WHERE id = \(bind: org.userId)").run()
                    try await test.store.audit.append(AuditEvent(org.context, action: "user.update", objectType: "user", objectId: org.userId), on: db)
                    throw Interrupted()
                }
            }
            #expect(try await test.store.audit.verify() == before)
            #expect(try await test.store.users.find(org.userId, in: org.context).role == .admin)
        }
    }

    @Test("concurrent writes, some failing, keep exactly the successful ones and their entries", arguments: Backend.allCases)
    func concurrentWritesWithFailures(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Mixed")
            let before = try await test.store.audit.verify()
            guard case .intact(let entriesBefore) = before else { Issue.record("chain not intact: \(before)"); return }
            // On SQLite these share commits (group commit); a failing one must not take the others
            // down, nor leave its own row or entry behind.
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        do {
                            try await test.store.database.transaction { db in
                                try await db.raw("""
                                    INSERT INTO jurisdiction_routes (org_id, state_code, name, agency, phone, route, source, verified, updated_by, updated_at)
                                    VALUES (\(bind: org.orgId), \(bind: "Z\(index)"), 'n', 'a', 'p', 'r', 's', 'v', \(bind: org.userId), 0)
                                    """).run()
                                try await test.store.audit.append(
                                    AuditEvent(org.context, action: "test.write", objectType: "jurisdiction", objectId: "Z\(index)"), on: db)
                                if index % 3 == 0 { throw Interrupted() }
                            }
                            return (index, true)
                        } catch is Interrupted {
                            return (index, false)
                        }
                    }
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            let kept = Set(outcomes.filter(\.value).map { "Z\($0.key)" })
            #expect(kept.count == 26)
            let rows = try await test.store.database.withConnection { db in
                try await db.raw("SELECT state_code FROM jurisdiction_routes WHERE org_id = \(bind: org.orgId)").all()
                    .map { try $0.decode(column: "state_code", as: String.self) }
            }
            #expect(Set(rows) == kept)
            try await test.store.audit.flush()
            #expect(try await test.store.audit.verify() == .intact(entries: entriesBefore + 26))
            let audited = try await test.store.database.withConnection { db in
                try await db.raw("SELECT object_id FROM audit_log WHERE action = 'test.write'").all()
                    .map { try $0.decode(column: "object_id", as: String.self) }
            }
            #expect(Set(audited) == kept && audited.count == 26)
        }
    }
}

