import Foundation
import SQLKit
import WaypointCore

public enum MaintenanceError: Error, CustomStringConvertible, Equatable {
    case wrongKey(String)
    case notEmpty(String)
    case notABackup(String)
    case toolFailed(String)
    case tampered(String)

    public var description: String {
        switch self {
        case .wrongKey(let what), .notEmpty(let what), .notABackup(let what), .toolFailed(let what), .tampered(let what): what
        }
    }
}

/// Master key rotation: every wrapped key is unwrapped with the old master key and wrapped with the
/// new one, and the audit head re-signed, in one transaction — all or nothing. The data keys
/// themselves do not change, so no sealed value is rewritten; the audit chain key is one of the
/// wrapped keys, so the chain still verifies.
public enum KeyRotation {
    /// Which of two rings opens this database's keys: the old one before a rotation committed, the
    /// new one after. nil when the database holds no wrapped key yet.
    public static func opener(of database: Database, candidates: [KeyRing]) async throws -> KeyRing? {
        let sample = try await database.withConnection { db in
            try await db.raw("SELECT org_id, version, wrapped_key FROM org_keys LIMIT 1").first()
        }
        guard let sample else { return candidates.first }
        let id = try sample.decode(column: "org_id", as: String.self)
        let version = Int(try sample.decode(column: "version", as: Int64.self))
        let wrapped = try sample.decode(column: "wrapped_key", as: String.self)
        return candidates.first { $0.opens(wrapped, id: id, version: version) }
    }

    /// Re-wraps every key under `new`. Returns how many keys were re-wrapped.
    public static func rewrap(_ database: Database, from old: KeyRing, to new: KeyRing) async throws -> Int {
        try await database.transaction(alone: true) { db in
            if database.kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(727002)").run() }
            var count = 0
            for row in try await db.raw("SELECT org_id, version, wrapped_key FROM org_keys").all() {
                let id = try row.decode(column: "org_id", as: String.self), version = try row.decode(column: "version", as: Int64.self)
                let again = try old.rewrap(try row.decode(column: "wrapped_key", as: String.self), id: id, version: Int(version), for: new)
                try await db.raw("""
                    UPDATE org_keys SET wrapped_key = \(bind: again) WHERE org_id = \(bind: id) AND version = \(bind: version)
                    """).run()
                count += 1
            }
            for row in try await db.raw("SELECT purpose, wrapped_key FROM system_keys").all() {
                let purpose = try row.decode(column: "purpose", as: String.self)
                let again = try old.rewrap(try row.decode(column: "wrapped_key", as: String.self), id: "system:" + purpose, version: 1, for: new)
                try await db.raw("UPDATE system_keys SET wrapped_key = \(bind: again) WHERE purpose = \(bind: purpose)").run()
                count += 1
            }
            for row in try await db.raw("SELECT client_id, org_id, wrapped_key FROM client_keys").all() {
                let client = try row.decode(column: "client_id", as: String.self), org = try row.decode(column: "org_id", as: String.self)
                let again = try old.rewrap(try row.decode(column: "wrapped_key", as: String.self),
                                           id: KeyRing.clientWrappingId(client, orgId: org), version: 1, for: new)
                try await db.raw("UPDATE client_keys SET wrapped_key = \(bind: again) WHERE client_id = \(bind: client)").run()
                count += 1
            }
            if let head = try await db.raw("SELECT seq, hash, mac FROM audit_head WHERE id = 1").first().map(AuditLog.head(from:)) {
                // A head that fails under the old key was forged: rotating would launder it.
                guard head.isAuthentic(key: old.auditHeadKey) else {
                    throw MaintenanceError.tampered("The audit head fails its check; run `waypoint audit verify` before rotating keys.")
                }
                let signed = AuditHead.signed(seq: head.seq, hash: head.hash, key: new.auditHeadKey)
                try await db.raw("UPDATE audit_head SET mac = \(bind: signed.mac) WHERE id = 1").run()
            }
            return count
        }
    }
}

/// What travels beside a backup file: what it is, and proof of which master key it needs (never
/// the key itself).
public struct BackupManifest: Codable, Sendable, Equatable {
    public var format = "waypoint-backup"
    public var version = 1
    public var kind: Database.Kind
    public var createdAt: Date
    public var schemaVersion: Int64
    /// PostgreSQL: the schema that was dumped (restored under the same name).
    public var schema: String?
    public var keyCheck: String

    public static func path(for backup: String) -> String { backup + ".manifest.json" }

    public func write(beside backup: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: URL(fileURLWithPath: Self.path(for: backup)), options: .atomic)
    }

    public static func read(beside backup: String) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let data = FileManager.default.contents(atPath: path(for: backup)),
              let manifest = try? decoder.decode(BackupManifest.self, from: data), manifest.format == "waypoint-backup" else {
            throw MaintenanceError.notABackup("\(backup) is not a Waypoint backup: \(path(for: backup)) is missing or unreadable.")
        }
        return manifest
    }
}

extension Database.Kind: Codable {}

/// Backups that hold no key: SQLite copies itself with `VACUUM INTO` (one read transaction, so the
/// copy is consistent while the server keeps writing); PostgreSQL is dumped by Debian's real
/// `pg_dump` in its custom format. The manifest beside the file names the master key by an HMAC.
public enum Backups {
    public static func backup(_ store: Store, location: DatabaseLocation, to path: String) async throws -> BackupManifest {
        guard !FileManager.default.fileExists(atPath: path) else { throw MaintenanceError.notEmpty("\(path) already exists; choose a new file.") }
        let schemaVersion = try await store.database.withConnection { db in
            try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").first()!.decode(column: "v", as: Int64.self)
        }
        var schema: String?
        switch location {
        case .sqlite:
            try await store.database.withConnection { db in try await db.raw("VACUUM INTO \(bind: path)").run() }
        case .postgres(let url):
            let target = try LibpqURL(url)
            schema = try await store.database.withConnection { db in
                try await db.raw("SELECT current_schema() AS s").first()!.decode(column: "s", as: String.self)
            }
            try run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--schema=\(schema!)", "--file=\(path)", "--dbname=\(target.url)"],
                    password: target.password)
        }
        let manifest = BackupManifest(kind: store.database.kind, createdAt: Date(), schemaVersion: schemaVersion, schema: schema,
                                      keyCheck: store.keys.backupKeyCheck)
        try manifest.write(beside: path)
        return manifest
    }

    /// Restores into an empty target. The key is checked against the manifest before anything is
    /// written; returns the location to open (for PostgreSQL, with the restored schema).
    public static func restore(_ path: String, into location: DatabaseLocation, keys: KeyRing) async throws -> DatabaseLocation {
        let manifest = try BackupManifest.read(beside: path)
        guard FileManager.default.fileExists(atPath: path) else { throw MaintenanceError.notABackup("\(path) does not exist.") }
        guard manifest.keyCheck == keys.backupKeyCheck else {
            throw MaintenanceError.wrongKey("This backup was made under another master key; nothing was written. Give the key file it was made with (--key-file).")
        }
        switch (manifest.kind, location) {
        case (.sqlite, .sqlite(let target)):
            let files = FileManager.default
            if let size = (try? files.attributesOfItem(atPath: target))?[.size] as? Int, size > 0 {
                throw MaintenanceError.notEmpty("\(target) already holds a database; restore into a new file.")
            }
            try files.createDirectory(atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path,
                                      withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let partial = target + ".restoring"
            try? files.removeItem(atPath: partial)
            try files.copyItem(atPath: path, toPath: partial)
            try? files.removeItem(atPath: target)
            try files.moveItem(atPath: partial, toPath: target)
            return location
        case (.postgres, .postgres(let url)):
            let target = try LibpqURL(url)
            guard let schema = manifest.schema else { throw MaintenanceError.notABackup("The manifest names no schema.") }
            let probe = try await Database.open(.postgres(url: try LibpqURL.withoutSchema(url)), logger: .init(label: "restore"))
            let existing = try await probe.whileRunning {
                try await probe.withConnection { db in
                    try await db.raw("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = \(bind: schema)").first()!
                        .decode(column: "n", as: Int64.self)
                }
            }
            guard existing == 0 else { throw MaintenanceError.notEmpty("The target database already has tables in schema \(schema); restore into an empty database.") }
            try run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname=\(target.url)", path], password: target.password)
            let plain = try LibpqURL.withoutSchema(url)
            return .postgres(url: plain + (plain.contains("?") ? "&" : "?") + "search_path=" + schema)
        default:
            throw MaintenanceError.notABackup("This is a \(manifest.kind.rawValue) backup; restore it into a \(manifest.kind.rawValue) database.")
        }
    }

    /// Runs a database tool and turns a failure into a message that names it.
    static func run(_ tool: String, _ arguments: [String], password: String?) throws {
        let process = Process()
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        process.environment = environment
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw MaintenanceError.toolFailed("\(tool) could not be started: install Debian's postgresql-client.") }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MaintenanceError.toolFailed("\(tool) failed: " + String(decoding: output.prefix(2000), as: UTF8.self))
        }
    }
}

/// A connection URL the PostgreSQL tools accept: our own parameters (search_path, tlsmode) are
/// taken out; tlsmode becomes libpq's sslmode.
struct LibpqURL {
    let url: String
    /// Passed to the tools in PGPASSWORD, never on their command line (which `ps` shows).
    let password: String?

    init(_ url: String) throws {
        guard var parts = URLComponents(string: url) else { throw DatabaseError.invalidURL(url) }
        password = parts.password?.removingPercentEncoding
        parts.password = nil
        var items = (parts.queryItems ?? []).filter { $0.name != "search_path" }
        items = items.map { $0.name == "tlsmode" ? URLQueryItem(name: "sslmode", value: $0.value) : $0 }
        parts.queryItems = items.isEmpty ? nil : items
        self.url = parts.string ?? url
    }

    /// Our own URL form without a search_path (tlsmode kept), for opening the target database itself.
    static func withoutSchema(_ url: String) throws -> String {
        guard var parts = URLComponents(string: url) else { throw DatabaseError.invalidURL(url) }
        let items = (parts.queryItems ?? []).filter { $0.name != "search_path" }
        parts.queryItems = items.isEmpty ? nil : items
        return parts.string ?? url
    }
}
