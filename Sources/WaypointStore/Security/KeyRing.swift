@preconcurrency import Crypto
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import WaypointCore

public enum KeyFileError: Error, CustomStringConvertible {
    case unreadable(String)
    case malformed(String)
    case tooOpen(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "The master key file \(path) cannot be read."
        case .malformed(let path): "The master key file \(path) is not a 256-bit key in base64."
        case .tooOpen(let path): "The master key file \(path) can be read by other users; run chmod 600 on it."
        }
    }
}

/// The master key (from a file outside the database) and the organizations' data keys it wraps.
public final class KeyRing: Sendable {
    /// Kept apart from `./waypoint-data` so that copying the data folder as a backup does not copy the key.
    public static let defaultPath = "./waypoint-keys/master.key"

    private let master: SymmetricKey
    private let sealers = NIOLockedValueBox<[String: FieldSealer]>([:])
    private let systemKeys = NIOLockedValueBox<[String: SymmetricKey]>([:])

    public init(master: SymmetricKey) {
        self.master = master
        func derived(_ purpose: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data(purpose.utf8), outputByteCount: 32)
        }
        auditHeadKey = derived("waypoint audit head")
        referralLinkKey = derived("waypoint referral link")
        throttleKey = derived("waypoint sign-in throttle")
    }

    /// Reads the key file, or creates it (0600, in a 0700 folder) on first run.
    public static func loadOrCreate(path: String) throws -> KeyRing {
        if !FileManager.default.fileExists(atPath: path) { try createKeyFile(path) }
        return try load(path: path)
    }

    /// Writes a new random master key to `path` (0600, in a 0700 folder); refuses to overwrite.
    public static func createKeyFile(_ path: String) throws {
        let files = FileManager.default
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        guard !files.fileExists(atPath: path),
              files.createFile(atPath: path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw KeyFileError.unreadable(path) }
    }

    /// Reads an existing key file.
    public static func load(path: String) throws -> KeyRing {
        let files = FileManager.default
        if let mode = (try? files.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw KeyFileError.tooOpen(path)
        }
        guard let text = files.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) })
        else { throw KeyFileError.unreadable(path) }
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32
        else { throw KeyFileError.malformed(path) }
        return KeyRing(master: SymmetricKey(data: raw))
    }

    /// Authenticates the audit head; derived so the master key itself is never used for two purposes.
    public let auditHeadKey: SymmetricKey

    /// Signs the links receiving services use to answer a referral without an account.
    public let referralLinkKey: SymmetricKey

    /// Keys sign-in counters: the subjects are usernames and network addresses, which an unkeyed
    /// digest would give back to anyone who tries the few billion IPv4 addresses.
    public let throttleKey: SymmetricKey

    /// Keys the audit chain's hashes. A random key kept in the database wrapped by the master key (not
    /// derived from it), so rotating the master key re-wraps it and the existing chain still verifies.
    /// Outside a write transaction pass `create: false`: with no key stored yet there is no keyed
    /// entry to check, and a read must not write.
    func auditChainKey(on db: any SQLDatabase, now: Int64, create: Bool = true) async throws -> SymmetricKey {
        try await systemKey("audit-chain", on: db, now: now, create: create)
    }

    private func systemKey(_ purpose: String, on db: any SQLDatabase, now: Int64, create: Bool) async throws -> SymmetricKey {
        if let cached = systemKeys.withLockedValue({ $0[purpose] }) { return cached }
        let wrappingId = "system:" + purpose
        if try await db.raw("SELECT purpose FROM system_keys WHERE purpose = \(bind: purpose)").first() == nil {
            guard create else { return SymmetricKey(size: .bits256) }
            let wrapped = try KeyWrapping.wrap(SymmetricKey(size: .bits256), orgId: wrappingId, version: 1, with: master)
            // Two instances starting together: the first insert wins and both read it back.
            try await db.raw("""
                INSERT INTO system_keys (purpose, wrapped_key, created_at) VALUES (\(bind: purpose), \(bind: wrapped), \(bind: now))
                ON CONFLICT (purpose) DO NOTHING
                """).run()
        }
        let wrapped = try await db.raw("SELECT wrapped_key FROM system_keys WHERE purpose = \(bind: purpose)").first()!
            .decode(column: "wrapped_key", as: String.self)
        let key = try KeyWrapping.unwrap(wrapped, orgId: wrappingId, version: 1, with: master)
        systemKeys.withLockedValue { $0[purpose] = key }
        return key
    }

    /// Shows that a backup was made under this master key without revealing anything of it.
    public var backupKeyCheck: String {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("waypoint backup key check".utf8), outputByteCount: 32)
        return Tokens.hex(HMAC<SHA256>.authenticationCode(for: Data("waypoint-backup".utf8), using: key))
    }

    /// A key wrapped by this ring, wrapped again by `other` (for master key rotation).
    func rewrap(_ wrapped: String, id: String, version: Int, for other: KeyRing) throws -> String {
        try KeyWrapping.wrap(try KeyWrapping.unwrap(wrapped, orgId: id, version: version, with: master), orgId: id, version: version, with: other.master)
    }

    /// Whether this ring's master key opens a key it is said to have wrapped.
    func opens(_ wrapped: String, id: String, version: Int) -> Bool {
        (try? KeyWrapping.unwrap(wrapped, orgId: id, version: version, with: master)) != nil
    }

    /// A client's own data key, wrapped by the master key and bound to the client and organization.
    /// Purging the client deletes the wrapped key; without it nothing sealed for the client opens
    /// again, in the database, its WAL or a backup. Not cached: a purge on one instance must take
    /// effect on all of them.
    func clientSealer(_ clientId: String, orgId: String, on db: any SQLDatabase, now: Int64, create: Bool = false) async throws -> FieldSealer {
        if create {
            let wrapped = try wrapNewClientKey(clientId, orgId: orgId)
            try await db.raw("""
                INSERT INTO client_keys (client_id, org_id, wrapped_key, created_at)
                VALUES (\(bind: clientId), \(bind: orgId), \(bind: wrapped), \(bind: now))
                """).run()
        }
        guard let row = try await db.raw("""
            SELECT wrapped_key FROM client_keys WHERE client_id = \(bind: clientId) AND org_id = \(bind: orgId)
            """).first() else { throw AccessError.notFound }
        return try clientSealer(clientId, orgId: orgId, wrapped: try row.decode(column: "wrapped_key", as: String.self))
    }

    /// A fresh random data key for a new client, wrapped by the master key.
    func wrapNewClientKey(_ clientId: String, orgId: String) throws -> String {
        try KeyWrapping.wrap(SymmetricKey(size: .bits256), orgId: Self.clientWrappingId(clientId, orgId: orgId), version: 1, with: master)
    }

    /// A client's sealer from a wrapped key already read (a listing reads the keys with the rows).
    func clientSealer(_ clientId: String, orgId: String, wrapped: String) throws -> FieldSealer {
        let key = try KeyWrapping.unwrap(wrapped, orgId: Self.clientWrappingId(clientId, orgId: orgId), version: 1, with: master)
        return FieldSealer(keys: [1: key], currentVersion: 1)
    }

    static func clientWrappingId(_ clientId: String, orgId: String) -> String { "client:\(orgId):\(clientId)" }

    /// The organization's sealer before a write transaction begins, so sealing is not done while
    /// holding the writer (read once, then from memory).
    func sealer(for orgId: String, in database: Database, now: Int64) async throws -> FieldSealer {
        if let cached = sealers.withLockedValue({ $0[orgId] }) { return cached }
        return try await database.transaction { db in try await self.sealer(for: orgId, on: db, now: now) }
    }

    /// The organization's sealer, creating its first data key when there is none yet.
    func sealer(for orgId: String, on db: any SQLDatabase, now: Int64) async throws -> FieldSealer {
        if let cached = sealers.withLockedValue({ $0[orgId] }) { return cached }
        var rows = try await db.raw("SELECT version, wrapped_key FROM org_keys WHERE org_id = \(bind: orgId)").all()
        if rows.isEmpty {
            let wrapped = try KeyWrapping.wrap(SymmetricKey(size: .bits256), orgId: orgId, version: 1, with: master)
            try await db.raw("""
                INSERT INTO org_keys (org_id, version, wrapped_key, created_at)
                VALUES (\(bind: orgId), \(bind: Int64(1)), \(bind: wrapped), \(bind: now))
                """).run()
            rows = try await db.raw("SELECT version, wrapped_key FROM org_keys WHERE org_id = \(bind: orgId)").all()
        }
        var keys: [Int: SymmetricKey] = [:]
        for row in rows {
            let version = Int(try row.decode(column: "version", as: Int64.self))
            keys[version] = try KeyWrapping.unwrap(
                try row.decode(column: "wrapped_key", as: String.self), orgId: orgId, version: version, with: master)
        }
        let sealer = FieldSealer(keys: keys, currentVersion: keys.keys.max()!)
        sealers.withLockedValue { $0[orgId] = sealer }
        return sealer
    }
}
