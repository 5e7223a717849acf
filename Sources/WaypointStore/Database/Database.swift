import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import ServiceLifecycle

/// Where the data lives: an SQLite file (the embedded default) or a PostgreSQL server shared by
/// several app instances. Everything above this type speaks SQLKit and does not care which.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// `DATABASE_URL` wins when set; otherwise the SQLite file.
    public static func resolve(sqlitePath: String?, databaseURL: String?, environment: [String: String]) -> DatabaseLocation {
        if let url = databaseURL ?? environment["DATABASE_URL"], !url.isEmpty { return .postgres(url: url) }
        return .sqlite(path: sqlitePath ?? "./waypoint-data/waypoint.sqlite")
    }
}

public enum DatabaseError: Error, CustomStringConvertible, Sendable {
    case invalidURL(String)
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): "The database address is not valid: \(reason)"
        case .unavailable(let reason): "The database cannot be reached: \(reason)"
        }
    }
}

/// A handle on the configured database with two ways in: a connection for independent statements,
/// and a transaction for anything that writes more than one row.
public final class Database: Sendable {
    public enum Kind: String, Sendable { case sqlite, postgres }

    public let kind: Kind
    private let sqlitePool: SQLitePool?
    private let writes: WriteBatcher
    private let postgres: PostgresClient?

    private init(kind: Kind, sqlitePool: SQLitePool?, postgres: PostgresClient?) {
        self.kind = kind
        self.sqlitePool = sqlitePool
        if let sqlitePool {
            writes = WriteBatcher(begin: "BEGIN IMMEDIATE") { body in try await sqlitePool.withConnection { try await body($0.sql(queryLogLevel: nil)) } }
        } else {
            writes = WriteBatcher(begin: "BEGIN") { body in try await Self.withPostgresConnection(postgres!, body) }
        }
        self.postgres = postgres
    }

    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> Database {
        switch location {
        case .sqlite(let path):
            let pool = try await SQLitePool.open(path: path, size: 4, logger: logger)
            return Database(kind: .sqlite, sqlitePool: pool, postgres: nil)
        case .postgres(let url):
            let client = PostgresClient(configuration: try Self.postgresConfiguration(url), backgroundLogger: logger)
            return Database(kind: .postgres, sqlitePool: nil, postgres: client)
        }
    }

    /// Services that must run while the database is used: the PostgreSQL pool, or the closer that
    /// shuts SQLite connections cleanly.
    public var services: [any Service] {
        if let postgres { return [postgres] }
        if let sqlitePool { return [SQLiteCloser(pool: sqlitePool)] }
        return []
    }

    /// Runs `body` with the database's services running, for command-line tools and tests that have
    /// no application lifecycle around them.
    public func whileRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard let postgres else {
            do {
                let result = try await body()
                await sqlitePool?.close()
                return result
            } catch {
                await sqlitePool?.close()
                throw error
            }
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            await Task.yield()  // let run() start before the first lease, which otherwise logs a warning
            return try await body()
        }
    }

    /// How long a request waits for a PostgreSQL connection before it is told the database is down.
    static let leaseTimeout: Duration = .seconds(5)

    /// After an erasure: SQLite copies the write-ahead log into the file and empties it, so the
    /// pages as they were before (kept in the log until then) are gone too. Best effort: a reader
    /// still holding an old snapshot keeps the log until it finishes. Nothing to do on PostgreSQL.
    public func discardOldPages() async throws {
        guard kind == .sqlite else { return }
        try await withConnection { db in try await db.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
    }

    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let inUse = StoreMetrics.meter("waypoint_db_connections_in_use", [("database", kind.rawValue)])
        inUse.increment()
        defer { inUse.decrement() }
        if let sqlitePool {
            return try await sqlitePool.withConnection { try await body($0.sql(queryLogLevel: nil)) }
        }
        return try await Self.withPostgresConnection(postgres!, body)
    }

    private static func withPostgresConnection<T: Sendable>(_ postgres: PostgresClient, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let leased = NIOLockedValueBox(false)
        // The group finishes all its tasks before returning, so `body` never outlives this call.
        return try await withoutActuallyEscaping(body) { body in try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                do {
                    return try await postgres.withConnection { connection in
                        leased.withLockedValue { $0 = true }
                        return try await body(connection.sql(queryLogLevel: nil))
                    }
                } catch let error as PSQLError where error.code == .server {
                    throw error
                } catch where !leased.withLockedValue({ $0 }) {
                    // No connection could be had (server down, refused, pool gave up): say so plainly.
                    throw DatabaseError.unavailable("no connection could be made")
                }
            }
            group.addTask {
                try await Task.sleep(for: Self.leaseTimeout)
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
                // The timer fired: give up only if the work has not begun; a running query finishes.
                if !leased.withLockedValue({ $0 }) {
                    group.cancelAll()
                    throw DatabaseError.unavailable("no connection within \(Self.leaseTimeout)")
                }
            }
            throw DatabaseError.unavailable("the request was cancelled")
        } }
    }

    /// All or nothing: a thrown error (or a crash) leaves no partial write behind. Every write goes
    /// through here. Writers queue inside the process and those that queue together commit together
    /// (`WriteBatcher`); on SQLite this also means none of them sits in SQLite's busy handler holding
    /// a thread the lock holder needs.
    ///
    /// `alone`: for long transactions (a directory import, re-wrapping keys) that should not hold
    /// other writers' commit, nor be run again when one of them fails. On SQLite it still waits for
    /// the one writer, then commits by itself; on PostgreSQL it runs beside the batches on its own
    /// connection (its audit entries wait in `audit_pending` for the sequencer).
    public func transaction<T: Sendable>(alone: Bool = false, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if alone && kind == .postgres { return try await inTransaction(begin: "BEGIN", body) }
        return try await writes.transaction(alone: alone, body)
    }

    /// Several reads that must see one moment of the database (no writer's lock is taken): the
    /// audit check reads the head and then the entries, and must not see an append in between.
    public func snapshot<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await inTransaction(begin: kind == .sqlite ? "BEGIN DEFERRED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func inTransaction<T: Sendable>(begin: String, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { db in
            try await db.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Errors that mean "the database could not do it" (down, locked, refused) rather than a bug in
    /// the request: the web layer answers 503 and the person knows nothing was saved.
    public static func isStorageFailure(_ error: any Error) -> Bool {
        error is DatabaseError || error is PSQLError || error is SQLiteError
    }

    static func postgresConfiguration(_ url: String) throws -> PostgresClient.Configuration {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
              scheme == "postgres" || scheme == "postgresql"
        else { throw DatabaseError.invalidURL("expected postgres://user:password@host:port/database") }
        guard let host = parts.host, !host.isEmpty else { throw DatabaseError.invalidURL("no host") }
        guard let user = parts.user, !user.isEmpty else { throw DatabaseError.invalidURL("no user name") }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let tlsMode = parts.queryItems?.first { $0.name == "tlsmode" || $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS = switch tlsMode {
        case "require", "verify-full": .require(.makeClientConfiguration())
        case "prefer": .prefer(.makeClientConfiguration())
        default: .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: parts.password?.removingPercentEncoding, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = 16
        configuration.options.connectTimeout = .seconds(5)
        // Several installs (or test runs) can share one database, each in its own schema.
        if let schema = parts.queryItems?.first(where: { $0.name == "search_path" })?.value, !schema.isEmpty {
            configuration.options.additionalStartupParameters.append(("search_path", schema))
        }
        return configuration
    }
}

/// SQLite connections leased one task at a time, so a transaction never interleaves with another
/// task's statements. WAL mode lets readers proceed while one writer commits.
actor SQLitePool {
    private var idle: [SQLiteConnection]
    private var all: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []
    private var closed = false
    private let threads: NIOThreadPool

    private init(connections: [SQLiteConnection], threads: NIOThreadPool) {
        self.idle = connections
        self.all = connections
        self.threads = threads
    }

    static func open(path: String, size: Int, logger: Logger) async throws -> SQLitePool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        // Only the service account may read the data folder (its WAL holds recent pages of the database).
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // One thread per connection: SQLite calls block, and must not wait behind other work.
        let threads = NIOThreadPool(numberOfThreads: size)
        threads.start()
        var connections: [SQLiteConnection] = []
        for _ in 0..<size {
            let connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threads, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
            let db = connection.sql(queryLogLevel: nil)
            // busy_timeout makes a second writer wait for the lock instead of failing at once.
            // A 64 MB page cache per connection: a large import runs as one transaction, and pages it
            // reads back would otherwise be looked up in the write-ahead log again and again.
            // Reads through a memory map (up to 2 GiB of the file): a search near a place visits
            // thousands of rows, and a system call per page cost a third of its time.
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=10000", "PRAGMA cache_size=-65536", "PRAGMA mmap_size=2147483648",
                           "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL",
                           // A purge's deleted rows are overwritten, not left in free pages of the file.
                           "PRAGMA secure_delete=ON"] {
                try await db.raw(SQLQueryString(pragma)).run()
            }
            connections.append(connection)
        }
        return SQLitePool(connections: connections, threads: threads)
    }

    func withConnection<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        defer { release(connection) }
        return try await body(connection)
    }

    private func lease() async throws -> SQLiteConnection {
        guard !closed else { throw DatabaseError.unavailable("the database is closed") }
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ connection: SQLiteConnection) {
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    func close() async {
        guard !closed else { return }
        closed = true
        for connection in all { try? await connection.close() }
        try? await threads.shutdownGracefully()
    }
}

/// Closes the SQLite connections when the application shuts down; sqlite-nio asserts if a connection
/// is dropped while open.
struct SQLiteCloser: Service {
    let pool: SQLitePool

    func run() async throws {
        try? await gracefulShutdown()
        // Close outside this task: if the service group was cancelled, a cancelled close could leave
        // connections open, and sqlite-nio traps on an unclosed connection.
        let pool = self.pool
        await Task { await pool.close() }.value
    }
}
