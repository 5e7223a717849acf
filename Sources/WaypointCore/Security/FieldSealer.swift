@preconcurrency import Crypto
import Foundation

/// Where a sealed value lives. It is bound into the ciphertext as associated data, so a value copied
/// to another organization, table, column or row fails to open instead of being read in the wrong place.
public struct SealingSite: Sendable, Equatable {
    public let orgId: String
    public let table: String
    public let column: String
    public let rowId: String

    public init(orgId: String, table: String, column: String, rowId: String) {
        self.orgId = orgId
        self.table = table
        self.column = column
        self.rowId = rowId
    }

    func associatedData(keyVersion: Int) -> Data {
        Data("waypoint|v\(keyVersion)|\(orgId)|\(table)|\(column)|\(rowId)".utf8)
    }
}

public enum SealingError: Error, Equatable, Sendable {
    case malformed
    case unknownKeyVersion(Int)
    case authenticationFailed
}

/// AES-256-GCM sealing of one field with an organization's data key.
///
/// Stored form: `v<key version>:<base64 of nonce ‖ ciphertext ‖ tag>`. The key version is kept with
/// every value so keys can be rotated later without guessing which key sealed what.
public struct FieldSealer: Sendable {
    public let keys: [Int: SymmetricKey]
    public let currentVersion: Int

    public init(keys: [Int: SymmetricKey], currentVersion: Int) {
        precondition(keys[currentVersion] != nil, "the current key version must have a key")
        self.keys = keys
        self.currentVersion = currentVersion
    }

    public func seal(_ plaintext: String, at site: SealingSite) throws -> String {
        let key = keys[currentVersion]!
        let box = try AES.GCM.seal(
            Data(plaintext.utf8), using: key, authenticating: site.associatedData(keyVersion: currentVersion))
        guard let combined = box.combined else { throw SealingError.malformed }
        return "v\(currentVersion):" + combined.base64EncodedString()
    }

    /// A keyed digest for finding a row by a value that must not be stored readable (a client's
    /// idempotency key may be a record number). Unsalted SHA-256 of a short value is reversed by
    /// trying every candidate; an HMAC under the organization's first data key is not. The first key
    /// is used so the digest stays the same when later key versions are added.
    public func lookupDigest(_ value: String, purpose: String) -> String {
        let base = keys[keys.keys.min()!]!
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: base, info: Data("waypoint lookup|\(purpose)".utf8), outputByteCount: 32)
        return Tokens.hex(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key))
    }

    /// `lookupDigest` for many values of one purpose, with the key derived once.
    public func lookupDigester(purpose: String) -> @Sendable (String) -> String {
        let base = keys[keys.keys.min()!]!
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: base, info: Data("waypoint lookup|\(purpose)".utf8), outputByteCount: 32)
        return { value in Tokens.hex(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key)) }
    }

    public func open(_ stored: String, at site: SealingSite) throws -> String {
        guard stored.first == "v", let colon = stored.firstIndex(of: ":"),
              let version = Int(stored[stored.index(after: stored.startIndex)..<colon]),
              let combined = Data(base64Encoded: String(stored[stored.index(after: colon)...]))
        else { throw SealingError.malformed }
        guard let key = keys[version] else { throw SealingError.unknownKeyVersion(version) }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key, authenticating: site.associatedData(keyVersion: version))
            guard let text = String(data: plain, encoding: .utf8) else { throw SealingError.malformed }
            return text
        } catch is SealingError {
            throw SealingError.malformed
        } catch {
            throw SealingError.authenticationFailed
        }
    }
}

/// Wraps organizations' data keys with the master key, which lives outside the database, so a stolen
/// database or backup holds only ciphertext.
public enum KeyWrapping {
    public static func wrap(_ dataKey: SymmetricKey, orgId: String, version: Int, with master: SymmetricKey) throws -> String {
        let raw = dataKey.withUnsafeBytes { Data($0) }
        let box = try AES.GCM.seal(raw, using: master, authenticating: aad(orgId: orgId, version: version))
        return box.combined!.base64EncodedString()
    }

    public static func unwrap(_ wrapped: String, orgId: String, version: Int, with master: SymmetricKey) throws -> SymmetricKey {
        guard let combined = Data(base64Encoded: wrapped) else { throw SealingError.malformed }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return SymmetricKey(data: try AES.GCM.open(box, using: master, authenticating: aad(orgId: orgId, version: version)))
        } catch {
            throw SealingError.authenticationFailed
        }
    }

    private static func aad(orgId: String, version: Int) -> Data {
        Data("waypoint-org-key|\(orgId)|v\(version)".utf8)
    }
}

/// One row's fields: the organization, table and row are fixed, so each field names only its column.
public struct RowSealer: Sendable {
    public let sealer: FieldSealer
    public let orgId: String
    public let table: String
    public let rowId: String

    public func site(_ column: String) -> SealingSite { SealingSite(orgId: orgId, table: table, column: column, rowId: rowId) }
    public func seal(_ plaintext: String, column: String) throws -> String { try sealer.seal(plaintext, at: site(column)) }
    public func open(_ stored: String, column: String) throws -> String { try sealer.open(stored, at: site(column)) }
}

extension FieldSealer {
    public func row(_ rowId: String, in table: String, of orgId: String) -> RowSealer {
        RowSealer(sealer: self, orgId: orgId, table: table, rowId: rowId)
    }
}
