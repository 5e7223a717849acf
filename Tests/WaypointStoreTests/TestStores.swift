import Foundation
import Logging
import PostgresKit
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore

/// The two databases every storage test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A fresh, migrated store on one backend: a new SQLite file, or a new PostgreSQL schema.
/// Outside CI a missing PostgreSQL skips the test with a message; in CI it fails it.
struct TestStore: Sendable {
    let store: Store
    let location: DatabaseLocation
    let folder: URL

    static func withStore(
        _ backend: Backend, clock: Clock = .system, policy: SessionPolicy = SessionPolicy(),
        _ body: @Sendable (TestStore) async throws -> Void
    ) async throws {
        guard let location = try await freshLocation(backend) else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waypoint-test-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try KeyRing.loadOrCreate(path: folder.appendingPathComponent("master.key").path)
        let sqliteLocation: DatabaseLocation = if case .sqlite = location {
            .sqlite(path: folder.appendingPathComponent("test.sqlite").path)
        } else { location }
        let database = try await Database.open(sqliteLocation, logger: Logger(label: "test"))
        let store = Store(database: database, keys: keys, clock: clock, sessionPolicy: policy)
        try await database.whileRunning {
            try await database.migrate()
            try await body(TestStore(store: store, location: sqliteLocation, folder: folder))
        }
    }

    static func freshLocation(_ backend: Backend) async throws -> DatabaseLocation? {
        switch backend {
        case .sqlite:
            return .sqlite(path: "")
        case .postgres:
            let environment = ProcessInfo.processInfo.environment
            guard let url = environment["DATABASE_URL"], !url.isEmpty else {
                if environment["CI"] != nil {
                    Issue.record("DATABASE_URL is not set in CI: the PostgreSQL half of the suite cannot run")
                } else {
                    print("skipped: no PostgreSQL (set DATABASE_URL to run this test on PostgreSQL)")
                }
                return nil
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let admin = try await Database.open(.postgres(url: url), logger: Logger(label: "test"))
            try await admin.whileRunning {
                try await admin.withConnection { try await $0.raw(SQLQueryString("CREATE SCHEMA \(schema)")).run() }
            }
            return .postgres(url: url + (url.contains("?") ? "&" : "?") + "search_path=" + schema)
        }
    }
}

extension TestStore {
    /// An organization with an administrator, for tests that need a signed-in tenant.
    func organization(_ name: String, admin username: String = "admin-" + String(UUID().uuidString.prefix(6)).lowercased(),
                      displayName: String = "Test Administrator") async throws -> TenantContextFixture {
        let organization = try await store.organizations.create(name: name, requestId: "test")
        let userId = try await store.users.createAsOperator(
            NewUser(username: username, role: .admin, displayName: displayName, email: "\(username)@example.invalid",
                    password: TestStore.password),
            orgId: organization.id, requestId: "test")
        return TenantContextFixture(orgId: organization.id, userId: userId, username: username)
    }

    static let password = "a long enough test passphrase"

    /// Runs raw SQL, as someone with direct access to the database would.
    func sql(_ statement: String) async throws {
        try await store.database.transaction { try await $0.raw(SQLQueryString(statement)).run() }
    }
}

struct TenantContextFixture: Sendable {
    let orgId: String
    let userId: String
    let username: String

    var context: TenantContext { TenantContext(orgId: orgId, userId: userId, role: .admin, requestId: "test-request") }
}

