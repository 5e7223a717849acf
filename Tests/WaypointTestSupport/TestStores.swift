import Foundation
import Logging
import SQLKit
import Testing
import WaypointCore
import WaypointStore

/// The two databases every storage test runs against.
public enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    public var testDescription: String { rawValue }
}

/// A fresh store on one backend: a new SQLite file, or a new PostgreSQL schema.
/// Outside CI a missing PostgreSQL skips the test with a message; in CI it fails it.
public struct TestStore: Sendable {
    public let store: Store
    public let location: DatabaseLocation
    public let folder: URL

    public static let password = "a long enough test passphrase"

    /// A store whose services are not running yet (an application under test runs them).
    public static func open(_ backend: Backend, clock: Clock = .system, policy: SessionPolicy = SessionPolicy()) async throws -> TestStore? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waypoint-test-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let location: DatabaseLocation
        switch backend {
        case .sqlite:
            location = .sqlite(path: folder.appendingPathComponent("test.sqlite").path)
        case .postgres:
            guard let url = try await freshPostgresSchema() else { return nil }
            location = .postgres(url: url)
        }
        let keys = try KeyRing.loadOrCreate(path: folder.appendingPathComponent("master.key").path)
        let database = try await Database.open(location, logger: Logger(label: "test"))
        return TestStore(store: Store(database: database, keys: keys, clock: clock, sessionPolicy: policy),
                         location: location, folder: folder)
    }

    /// Runs `body` with a migrated store whose database services are running.
    public static func withStore(
        _ backend: Backend, clock: Clock = .system, policy: SessionPolicy = SessionPolicy(),
        _ body: @Sendable (TestStore) async throws -> Void
    ) async throws {
        guard let test = try await open(backend, clock: clock, policy: policy) else { return }
        defer { try? FileManager.default.removeItem(at: test.folder) }
        try await test.store.database.whileRunning {
            try await test.store.database.migrate()
            try await body(test)
        }
    }

    static func freshPostgresSchema() async throws -> String? {
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
        return url + (url.contains("?") ? "&" : "?") + "search_path=" + schema
    }

    /// An organization with an administrator, for tests that need a signed-in tenant.
    public func organization(
        _ name: String, admin username: String = "admin-" + String(UUID().uuidString.prefix(6)).lowercased(),
        displayName: String = "Test Administrator"
    ) async throws -> TenantFixture {
        let organization = try await store.organizations.create(name: name, requestId: "test")
        let userId = try await store.users.createAsOperator(
            NewUser(username: username, role: .admin, displayName: displayName, email: "\(username)@example.invalid",
                    password: TestStore.password),
            orgId: organization.id, requestId: "test")
        return TenantFixture(orgId: organization.id, userId: userId, username: username)
    }

    /// Runs raw SQL, as someone with direct access to the database would.
    public func sql(_ statement: String) async throws {
        try await store.database.transaction { try await $0.raw(SQLQueryString(statement)).run() }
    }
}

public struct TenantFixture: Sendable {
    public let orgId: String
    public let userId: String
    public let username: String

    public var context: TenantContext { TenantContext(orgId: orgId, userId: userId, role: .admin, requestId: "test-request") }
}
