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
}
