@preconcurrency import Crypto
import Foundation
import Logging
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Backups and key rotation")
struct MaintenanceTests {
    /// Some sealed and audited data: an organization, a user with a sealed name, a few audited reads.
    static func populate(_ test: TestStore) async throws -> TenantFixture {
        let org = try await test.organization("Clinic Backup", displayName: "Okapi Sealed Name")
        for _ in 0..<3 { _ = try await test.store.users.find(org.userId, in: org.context) }
        return org
    }

    @Test("a rotated master key opens everything; the old one opens nothing; the chain still verifies", arguments: Backend.allCases)
    func rotation(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await Self.populate(test)
            let old = test.store.keys
            let new = KeyRing(master: SymmetricKey(size: .bits256))
            #expect(try await KeyRotation.opener(of: test.store.database, candidates: [new, old]) === old)
            let count = try await KeyRotation.rewrap(test.store.database, from: old, to: new)
            #expect(count >= 2)  // the organization's data key and the audit chain key
            #expect(try await KeyRotation.opener(of: test.store.database, candidates: [old]) == nil)
            let rotated = Store(database: test.store.database, keys: new, clock: test.store.clock)
            #expect(try await rotated.users.find(org.userId, in: org.context).displayName == "Okapi Sealed Name")
            guard case .intact = try await rotated.audit.verify() else { Issue.record("the chain no longer verifies"); return }
            // A second run finds the new key already in place and changes nothing.
            #expect(try await KeyRotation.opener(of: test.store.database, candidates: [old, new]) === new)
            // The old key opens nothing: a fresh store with it cannot read the sealed name.
            let stale = Store(database: test.store.database, keys: old, clock: test.store.clock)
            await #expect(throws: (any Error).self) { try await stale.users.find(org.userId, in: org.context) }
        }
    }

    @Test("a backup taken while writes go on restores to equal data with a verifying chain; a wrong key writes nothing",
          arguments: Backend.allCases)
    func backupAndRestore(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await Self.populate(test)
            let backup = test.folder.appendingPathComponent("backup.bin").path
            // Writers keep going while the backup runs.
            let writers = Task {
                for _ in 0..<40 { _ = try await test.store.users.find(org.userId, in: org.context) }
            }
            let manifest = try await Backups.backup(test.store, location: test.location, to: backup)
            try await writers.value
            #expect(manifest.kind == test.store.database.kind && manifest.keyCheck == test.store.keys.backupKeyCheck)
            let raw = try Data(contentsOf: URL(fileURLWithPath: backup))
            #expect(raw.range(of: Data("Okapi Sealed Name".utf8)) == nil)  // sealed in the backup too

            let target: DatabaseLocation
            switch test.location {
            case .sqlite: target = .sqlite(path: test.folder.appendingPathComponent("restored/waypoint.sqlite").path)
            case .postgres: target = .postgres(url: try await Self.freshDatabase())
            }
            // The wrong key is refused before anything is written.
            await #expect(throws: MaintenanceError.self) {
                try await Backups.restore(backup, into: target, keys: KeyRing(master: SymmetricKey(size: .bits256)))
            }
            if case .sqlite(let path) = target { #expect(!FileManager.default.fileExists(atPath: path)) }

            let restored = try await Backups.restore(backup, into: target, keys: test.store.keys)
            let database = try await Database.open(restored, logger: Logger(label: "test"))
            let copy = Store(database: database, keys: test.store.keys, clock: test.store.clock)
            try await database.whileRunning {
                try await database.migrate()
                #expect(try await copy.users.find(org.userId, in: org.context).displayName == "Okapi Sealed Name")
                guard case .intact(let entries) = try await copy.audit.verify() else { Issue.record("restored chain broken"); return }
                #expect(entries >= 5)
                // Restoring over a database that has data is refused.
                await #expect(throws: MaintenanceError.self) { try await Backups.restore(backup, into: target, keys: test.store.keys) }
            }
        }
    }

    /// An empty database on the test server, for restores (a dump recreates its own schema).
    static func freshDatabase() async throws -> String {
        let url = ProcessInfo.processInfo.environment["DATABASE_URL"]!
        let name = "restore_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        let admin = try await Database.open(.postgres(url: url), logger: Logger(label: "test"))
        try await admin.whileRunning {
            try await admin.withConnection { try await $0.raw(SQLQueryString("CREATE DATABASE \(name)")).run() }
        }
        var parts = URLComponents(string: url)!
        parts.path = "/" + name
        return parts.string!
    }
}
