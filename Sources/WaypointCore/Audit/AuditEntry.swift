@preconcurrency import Crypto
import Foundation

/// What happened, before it is placed in the chain.
public struct AuditEvent: Sendable, Equatable {
    public var orgId: String
    public var actorId: String
    public var action: String
    public var objectType: String
    public var objectId: String
    public var requestId: String

    public init(orgId: String, actorId: String, action: String, objectType: String, objectId: String, requestId: String) {
        self.orgId = orgId
        self.actorId = actorId
        self.action = action
        self.objectType = objectType
        self.objectId = objectId
        self.requestId = requestId
    }

    public init(_ context: TenantContext, action: String, objectType: String, objectId: String) {
        self.init(orgId: context.orgId, actorId: context.userId, action: action,
                  objectType: objectType, objectId: objectId, requestId: context.requestId)
    }
}

/// One line of the tamper-evident audit log. It names who did what to which object and when —
/// identifiers and actions only, never the sensitive values themselves.
public struct AuditEntry: Sendable, Equatable, Codable {
    public static let genesisHash = String(repeating: "0", count: 64)

    public var seq: Int64
    /// Milliseconds since 1970, UTC.
    public var at: Int64
    /// Empty for events outside any organization (a failed sign-in with an unknown name).
    public var orgId: String
    /// A user id, or `anonymous` / `system`.
    public var actorId: String
    public var action: String
    public var objectType: String
    public var objectId: String
    public var requestId: String
    public var prevHash: String
    public var hash: String
    /// How `hash` was made: 1 = plain SHA-256 (entries written before the chain was keyed),
    /// 2 = HMAC-SHA-256 under the audit chain key, so nobody without the key can recompute the chain.
    public var chainVersion: Int

    public static let keyedVersion = 2

    public init(
        seq: Int64, at: Int64, orgId: String, actorId: String, action: String,
        objectType: String, objectId: String, requestId: String, prevHash: String, hash: String = "",
        chainVersion: Int = AuditEntry.keyedVersion
    ) {
        self.chainVersion = chainVersion
        self.seq = seq
        self.at = at
        self.orgId = orgId
        self.actorId = actorId
        self.action = action
        self.objectType = objectType
        self.objectId = objectId
        self.requestId = requestId
        self.prevHash = prevHash
        self.hash = hash
    }

    /// A new entry for `event` at `at`, not yet placed in the chain.
    public init(_ event: AuditEvent, at: Int64) {
        self.init(seq: 0, at: at, orgId: event.orgId, actorId: event.actorId, action: event.action,
                  objectType: event.objectType, objectId: event.objectId, requestId: event.requestId, prevHash: "")
    }

    /// Length-prefixed fields, so no value can be shifted into its neighbour to forge the same bytes.
    public var canonical: String {
        "\(String(seq).utf8.count):\(seq)|" + canonicalContent
    }

    /// What happened, without its place in the chain (a pending entry has none yet).
    public var canonicalContent: String {
        [String(at), orgId, actorId, action, objectType, objectId, requestId]
            .map { "\($0.utf8.count):\($0)" }
            .joined(separator: "|")
    }

    /// `HMAC-SHA-256(chain key, previous hash ‖ canonical entry)` as lowercase hex (plain SHA-256
    /// for entries of chain version 1).
    public func computedHash(chainKey: SymmetricKey) -> String {
        let bytes = Data((prevHash + canonical).utf8)
        if chainVersion < Self.keyedVersion { return Tokens.hex(SHA256.hash(data: bytes)) }
        return Tokens.hex(HMAC<SHA256>.authenticationCode(for: bytes, using: chainKey))
    }

    /// This entry as a keyed successor of `previousHash`.
    public func chained(after previousHash: String, chainKey: SymmetricKey) -> AuditEntry {
        var entry = self
        entry.prevHash = previousHash
        entry.chainVersion = Self.keyedVersion
        entry.hash = entry.computedHash(chainKey: chainKey)
        return entry
    }
}

/// The newest entry's sequence number and hash, kept apart from the log and authenticated with a key
/// derived from the master key: deleting the tail of the log, or rewriting the whole chain, leaves a
/// head that no longer matches and cannot be re-signed without the key file.
public struct AuditHead: Sendable, Equatable {
    public var seq: Int64
    public var hash: String
    public var mac: String

    public init(seq: Int64, hash: String, mac: String) {
        self.seq = seq
        self.hash = hash
        self.mac = mac
    }

    public static func signed(seq: Int64, hash: String, key: SymmetricKey) -> AuditHead {
        AuditHead(seq: seq, hash: hash, mac: macValue(seq: seq, hash: hash, key: key))
    }

    public func isAuthentic(key: SymmetricKey) -> Bool {
        Tokens.constantTimeEqual(mac, Self.macValue(seq: seq, hash: hash, key: key))
    }

    private static func macValue(seq: Int64, hash: String, key: SymmetricKey) -> String {
        Tokens.hex(HMAC<SHA256>.authenticationCode(for: Data("audit-head|\(seq)|\(hash)".utf8), using: key))
    }
}

public enum AuditVerification: Equatable, Sendable {
    public var isIntact: Bool { if case .intact = self { true } else { false } }

    case intact(entries: Int)
    /// `seq` is the first entry that cannot be trusted.
    case broken(seq: Int64, reason: String)
}

public enum AuditChain {
    /// Checks entries in stored order against each other and against the head. `from` starts the
    /// walk after an entry already verified (a checkpoint) instead of at the beginning.
    public static func verify(_ entries: [AuditEntry], head: AuditHead?, headKey: SymmetricKey, chainKey: SymmetricKey,
                              from checkpoint: AuditCheckpoint = .genesis) -> AuditVerification {
        var expectedSeq: Int64 = checkpoint.seq + 1
        var previousHash = checkpoint.hash
        var keyedSeen = checkpoint.keyed
        for entry in entries {
            if entry.seq != expectedSeq {
                return .broken(seq: expectedSeq, reason: entry.seq > expectedSeq
                    ? "entry \(expectedSeq) is missing (next stored entry is \(entry.seq))"
                    : "entry \(entry.seq) is out of order (expected \(expectedSeq))")
            }
            if entry.prevHash != previousHash {
                return .broken(seq: entry.seq, reason: "entry \(entry.seq) does not follow the entry before it")
            }
            // Once the chain is keyed it stays keyed: an entry "downgraded" to plain SHA-256 is a rewrite.
            if entry.chainVersion < AuditEntry.keyedVersion && keyedSeen {
                return .broken(seq: entry.seq, reason: "entry \(entry.seq) was altered after it was written")
            }
            keyedSeen = keyedSeen || entry.chainVersion >= AuditEntry.keyedVersion
            if !Tokens.constantTimeEqual(entry.computedHash(chainKey: chainKey), entry.hash) {
                return .broken(seq: entry.seq, reason: "entry \(entry.seq) was altered after it was written")
            }
            previousHash = entry.hash
            expectedSeq += 1
        }
        let lastSeq = expectedSeq - 1
        guard let head else {
            return lastSeq == 0 ? .intact(entries: 0) : .broken(seq: 1, reason: "the audit head record is missing")
        }
        if !head.isAuthentic(key: headKey) {
            return .broken(seq: head.seq, reason: "the audit head record was altered")
        }
        if head.seq > lastSeq {
            return .broken(seq: lastSeq + 1, reason: "entries \(lastSeq + 1)…\(head.seq) were removed from the end of the log")
        }
        if head.seq < lastSeq || head.hash != previousHash {
            return .broken(seq: head.seq, reason: "the log does not end where the audit head says it does")
        }
        return .intact(entries: Int(lastSeq))
    }
}

/// A point in the chain already verified: the next verification starts after it.
public struct AuditCheckpoint: Sendable, Equatable {
    public var seq: Int64
    public var hash: String
    /// Whether keyed entries had begun by this point.
    public var keyed: Bool

    public static let genesis = AuditCheckpoint(seq: 0, hash: AuditEntry.genesisHash, keyed: false)

    public init(seq: Int64, hash: String, keyed: Bool) {
        self.seq = seq
        self.hash = hash
        self.keyed = keyed
    }
}
