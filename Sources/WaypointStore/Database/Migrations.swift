@preconcurrency import Crypto
import Foundation
import SQLKit

/// One step of the schema, in a file of its own in the feature that owns it. Statements are written
/// once in SQL both dialects accept; the few that cannot be (triggers) say so per dialect.
struct Migration: Sendable {
    let version: Int64
    let name: String
    let statements: @Sendable (Database.Kind) -> [String]

    /// SHA-256 of the step's name and its statements in both dialects: stored when the step is
    /// applied, so a step edited after it landed is caught before it can drift a database.
    var checksum: String {
        let text = ([name] + statements(.sqlite) + ["-- postgres"] + statements(.postgres)).joined(separator: "\n;\n")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// A step that was changed after this database applied it: the server refuses to start.
public struct MigrationDrift: Error, CustomStringConvertible {
    public let version: Int64
    public let name: String
    public var description: String {
        "Migration \(version) (\(name)) was changed after this database applied it. Landed steps are never edited: restore its text and add a new step."
    }
}

/// The ordered list every database goes through. Append only: never edit a step that has shipped.
enum Migrations {
    static let all: [Migration] = [
        m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014,
        m015, m016, m017, m018, m019, m020, m021, m022, m023, m024, m025, m026, m027, m028, m029,
    ]

    /// Full text and geography: FTS5 and an R*Tree in SQLite; a tsvector with GIN and a GiST index
    /// on points in PostgreSQL (both built in, no extension needed).
    static func searchIndexes(_ kind: Database.Kind) -> [String] {
        switch kind {
        case .sqlite:
            return [
                "CREATE VIRTUAL TABLE directory_fts USING fts5(search_text, tokenize = 'unicode61 remove_diacritics 2')",
                "CREATE VIRTUAL TABLE directory_geo USING rtree(id, min_lat, max_lat, min_lon, max_lon)",
            ]
        case .postgres:
            return [
                "ALTER TABLE directory_entries ADD COLUMN search_vector tsvector",
                "CREATE INDEX directory_entries_text ON directory_entries USING gin (search_vector)",
                "CREATE INDEX directory_entries_geo ON directory_entries USING gist (point(longitude, latitude))",
            ]
        }
    }

    /// The application never updates or deletes audit rows, nor referral history; the database
    /// refuses to as well, so a bug or a careless query cannot break the chain. Someone who drops
    /// the triggers is caught by verify.
    static func appendOnlyTriggers(_ kind: Database.Kind, table: String = "audit_log",
                                           message: String = "the audit log is append-only") -> [String] {
        switch kind {
        case .sqlite:
            return ["UPDATE", "DELETE"].map { verb in
                """
                CREATE TRIGGER \(table)_no_\(verb.lowercased()) BEFORE \(verb) ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(message)'); END
                """
            }
        case .postgres:
            return [
                """
                CREATE FUNCTION \(table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(message)'; END $$
                """,
                """
                CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION \(table)_append_only()
                """,
            ]
        }
    }
}

extension Database {
    /// Applies every step not yet applied, each in its own transaction. Safe to run twice and from
    /// several instances at once (PostgreSQL serializes them with an advisory lock).
    @discardableResult
    public func migrate() async throws -> [String] {
        let kind = self.kind
        try await transaction { db in
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """).run()
            // Databases made before steps were checksummed gain the column; their steps are checksummed on this run.
            let hasChecksum: SQLQueryString = kind == .sqlite
                ? "SELECT COUNT(*) AS n FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'"
                : "SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'checksum'"
            if try await db.raw(hasChecksum).first()?.decode(column: "n", as: Int64.self) == 0 {
                if kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(727001)").run() }
                try await db.raw(kind == .postgres ? "ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum TEXT"
                                                   : "ALTER TABLE schema_migrations ADD COLUMN checksum TEXT").run()
            }
        }
        var applied: [String] = []
        for migration in Migrations.all {
            let checksum = migration.checksum
            let didApply = try await transaction { db in
                if kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(727001)").run() }
                if let done = try await db.raw("SELECT checksum FROM schema_migrations WHERE version = \(bind: migration.version)").first() {
                    guard let stored = try done.decode(column: "checksum", as: String?.self) else {
                        try await db.raw("UPDATE schema_migrations SET checksum = \(bind: checksum) WHERE version = \(bind: migration.version)").run()
                        return false
                    }
                    guard stored == checksum else { throw MigrationDrift(version: migration.version, name: migration.name) }
                    return false
                }
                for statement in migration.statements(kind) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at, checksum)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Clock.system.millis()), \(bind: checksum))
                    """).run()
                return true
            }
            if didApply { applied.append("\(migration.version) \(migration.name)") }
        }
        return applied
    }
}
