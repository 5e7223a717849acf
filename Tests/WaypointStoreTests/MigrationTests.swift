import Foundation
import SQLKit
import Testing
@testable import WaypointStore
import WaypointTestSupport

@Suite("Migrations")
struct MigrationTests {
    @Test("migrating twice applies nothing the second time", arguments: Backend.allCases)
    func idempotent(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            // withStore already migrated once.
            let second = try await test.store.database.migrate()
            #expect(second.isEmpty)
            let rows = try await test.store.database.withConnection { try await $0.raw("SELECT version FROM schema_migrations").all() }
            #expect(rows.count == Migrations.all.count)
        }
    }

    @Test("migration versions are strictly increasing")
    func ordered() {
        let versions = Migrations.all.map(\.version)
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
    }

    @Test("each applied step keeps its checksum; a step changed after it landed stops the start naming it", arguments: Backend.allCases)
    func drift(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let stored = try await test.store.database.withConnection { db in
                try await db.raw("SELECT version, checksum FROM schema_migrations ORDER BY version").all()
                    .map { (try $0.decode(column: "version", as: Int64.self), try $0.decode(column: "checksum", as: String?.self)) }
            }
            #expect(stored.map(\.0) == Migrations.all.map(\.version) && stored.map(\.1) == Migrations.all.map(\.checksum))
            // A database from before checksums: its steps are checksummed on the next start, not refused.
            try await test.store.database.withConnection { try await $0.raw("UPDATE schema_migrations SET checksum = NULL WHERE version = 3").run() }
            #expect(try await test.store.database.migrate().isEmpty)
            // The text this database ran differs from the step's text now: refused, by name.
            try await test.store.database.withConnection { try await $0.raw("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 13").run() }
            do {
                _ = try await test.store.database.migrate()
                Issue.record("a drifted step was accepted")
            } catch let drift as MigrationDrift {
                #expect(drift.version == 13 && drift.description.contains("crisis line"))
            }
        }
    }

    @Test("every step lives in a file of its own, named by its number")
    func oneFilePerStep() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/WaypointStore")
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if url.lastPathComponent.hasPrefix("Migration"), url.lastPathComponent != "Migrations.swift" { files.append(url.lastPathComponent) }
        }
        let numbers = files.compactMap { Int64($0.dropFirst("Migration".count).prefix(3)) }.sorted()
        #expect(numbers == Migrations.all.map(\.version), "\(files.sorted())")
    }
}
