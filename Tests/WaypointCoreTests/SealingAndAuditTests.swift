@preconcurrency import Crypto
import Foundation
import Testing
@testable import WaypointCore

@Suite("Field sealing")
struct FieldSealerTests {
    let sealer = FieldSealer(keys: [1: SymmetricKey(size: .bits256)], currentVersion: 1)
    let site = SealingSite(orgId: "org-a", table: "users", column: "display_name", rowId: "row-1")

    @Test("sealed text opens at its own site and carries its key version")
    func roundTrip() throws {
        let sealed = try sealer.seal("Ana María", at: site)
        #expect(sealed.hasPrefix("v1:") && !sealed.contains("Ana"))
        #expect(try sealer.open(sealed, at: site) == "Ana María")
        #expect(try sealer.seal("Ana María", at: site) != sealed, "a fresh nonce every time")
    }

    @Test("a value moved to another org, table, column or row does not open", arguments: [
        SealingSite(orgId: "org-b", table: "users", column: "display_name", rowId: "row-1"),
        SealingSite(orgId: "org-a", table: "notes", column: "display_name", rowId: "row-1"),
        SealingSite(orgId: "org-a", table: "users", column: "email", rowId: "row-1"),
        SealingSite(orgId: "org-a", table: "users", column: "display_name", rowId: "row-2"),
    ])
    func boundToSite(elsewhere: SealingSite) throws {
        let sealed = try sealer.seal("secret", at: site)
        #expect(throws: SealingError.authenticationFailed) { try sealer.open(sealed, at: elsewhere) }
    }

    @Test("a flipped bit, an unknown key version or garbage is refused")
    func tampering() throws {
        var bytes = Data(base64Encoded: String(try sealer.seal("secret", at: site).dropFirst(3)))!
        bytes[bytes.count - 1] ^= 1
        #expect(throws: SealingError.authenticationFailed) { try sealer.open("v1:" + bytes.base64EncodedString(), at: site) }
        #expect(throws: SealingError.unknownKeyVersion(2)) { try sealer.open("v2:AAAA", at: site) }
        #expect(throws: SealingError.malformed) { try sealer.open("plain text", at: site) }
    }

    @Test("a wrapped data key opens only with the master key, for its own organization")
    func keyWrapping() throws {
        let master = SymmetricKey(size: .bits256)
        let dataKey = SymmetricKey(size: .bits256)
        let wrapped = try KeyWrapping.wrap(dataKey, orgId: "org-a", version: 1, with: master)
        #expect(try KeyWrapping.unwrap(wrapped, orgId: "org-a", version: 1, with: master) == dataKey)
        #expect(throws: SealingError.authenticationFailed) { try KeyWrapping.unwrap(wrapped, orgId: "org-b", version: 1, with: master) }
        #expect(throws: SealingError.authenticationFailed) {
            try KeyWrapping.unwrap(wrapped, orgId: "org-a", version: 1, with: SymmetricKey(size: .bits256))
        }
    }
}

@Suite("Audit chain verification")
struct AuditChainTests {
    let key = SymmetricKey(size: .bits256)
    let chainKey = SymmetricKey(size: .bits256)

    func verify(_ entries: [AuditEntry], head: AuditHead?) -> AuditVerification {
        AuditChain.verify(entries, head: head, headKey: key, chainKey: chainKey)
    }

    func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditEntry.genesisHash
        for seq in 1...Int64(count) {
            let entry = AuditEntry(seq: seq, at: 1000 * seq, orgId: "org", actorId: "user", action: "user.read",
                                   objectType: "user", objectId: "id-\(seq)", requestId: "req", prevHash: "").chained(after: previous, chainKey: chainKey)
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    func head(_ entries: [AuditEntry]) -> AuditHead {
        AuditHead.signed(seq: entries.last!.seq, hash: entries.last!.hash, key: key)
    }

    @Test("an untouched chain is intact")
    func intact() {
        let entries = chain(5)
        #expect(verify(entries, head: head(entries)) == .intact(entries: 5))
        #expect(verify([], head: nil) == .intact(entries: 0))
    }

    @Test("moving a character between fields changes the hash")
    func canonicalFormIsUnambiguous() {
        var a = chain(1)[0], b = a
        a.action = "user.re"; a.objectType = "aduser"
        b.action = "user.read"; b.objectType = "user"
        #expect(a.computedHash(chainKey: chainKey) != b.computedHash(chainKey: chainKey))
    }

    @Test("edits, deletions, reordering and truncation each name the first bad entry")
    func tampering() {
        let entries = chain(6)
        let signedHead = head(entries)
        var edited = entries; edited[2].objectId = "someone-else"
        #expect(verify(edited, head: signedHead) == .broken(seq: 3, reason: "entry 3 was altered after it was written"))
        var deleted = entries; deleted.remove(at: 3)
        guard case .broken(4, _) = verify(deleted, head: signedHead) else { Issue.record("deletion"); return }
        var swapped = entries; swapped.swapAt(1, 2); swapped[1].seq = 2; swapped[2].seq = 3
        guard case .broken(2, _) = verify(swapped, head: signedHead) else { Issue.record("reorder"); return }
        guard case .broken(5, _) = verify(Array(entries.prefix(4)), head: signedHead) else { Issue.record("truncation"); return }
        let forged = AuditHead(seq: 4, hash: entries[3].hash, mac: signedHead.mac)
        guard case .broken = verify(Array(entries.prefix(4)), head: forged) else { Issue.record("forged head"); return }
        guard case .broken = verify(entries, head: nil) else { Issue.record("missing head"); return }
    }

    @Test("a chain recomputed without the chain key does not verify, even under a correctly signed head")
    func keyedChainCannotBeRecomputed() {
        let entries = chain(4)
        // Someone with database access rewrites entry 2 and recomputes it and every later hash as
        // plain SHA-256 (the old chain format), then points the head at the new end.
        var forged = [entries[0]]
        var previous = entries[0].hash
        for var entry in entries.dropFirst() {
            if entry.seq == 2 { entry.objectId = "someone-else" }
            entry.prevHash = previous
            entry.chainVersion = 1
            entry.hash = entry.computedHash(chainKey: chainKey)
            forged.append(entry)
            previous = entry.hash
        }
        let unsigned = AuditHead(seq: 4, hash: previous, mac: head(entries).mac)
        #expect(verify(forged, head: unsigned) == .broken(seq: 2, reason: "entry 2 was altered after it was written"))
        // Even under a head signed with the right key, a keyed chain does not fall back to plain hashes.
        #expect(verify(forged, head: AuditHead.signed(seq: 4, hash: previous, key: key)) == .broken(seq: 2, reason: "entry 2 was altered after it was written"))
        // And with a guessed chain key.
        var guessed = entries
        guessed[1].objectId = "someone-else"
        guessed[1].hash = guessed[1].computedHash(chainKey: SymmetricKey(size: .bits256))
        #expect(verify(guessed, head: head(entries)) == .broken(seq: 2, reason: "entry 2 was altered after it was written"))
    }

    @Test("verification can start from a checkpoint and still catches what follows it")
    func checkpoint() {
        let entries = chain(6)
        let start = AuditCheckpoint(seq: 3, hash: entries[2].hash, keyed: true)
        #expect(AuditChain.verify(Array(entries.suffix(3)), head: head(entries), headKey: key, chainKey: chainKey, from: start) == .intact(entries: 6))
        var edited = Array(entries.suffix(3)); edited[1].objectId = "x"
        #expect(AuditChain.verify(edited, head: head(entries), headKey: key, chainKey: chainKey, from: start)
            == .broken(seq: 5, reason: "entry 5 was altered after it was written"))
    }
}

@Suite("Token encodings")
struct TokenEncodingTests {
    @Test("hex is lowercase, two digits a byte, and matches the published SHA-256 of \"abc\"")
    func hex() {
        #expect(Tokens.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Tokens.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("base64url has no '+', '/' or padding, and decodes back to the bytes")
    func base64URL() {
        // 0xfb 0xff 0xbf encodes to "+/+/" in plain base64; one byte more needs padding.
        #expect(Tokens.base64URL(Data([0xfb, 0xff, 0xbf])) == "-_-_")
        #expect(Tokens.base64URL(Data([0xfb, 0xff, 0xbf, 0x01])) == "-_-_AQ")
        for count in [1, 16, 31, 32] {
            let bytes = Tokens.randomBytes(count)
            #expect(bytes.count == count)
            var text = Tokens.base64URL(Data(bytes)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            text += String(repeating: "=", count: (4 - text.count % 4) % 4)
            #expect(Data(base64Encoded: text) == Data(bytes))
        }
        #expect(Tokens.opaqueId().count == 22 && Tokens.secret().count == 43)
    }

    @Test("random bytes differ from draw to draw")
    func randomness() {
        #expect(Set((0..<100).map { _ in Tokens.randomBytes(16) }).count == 100)
    }
}
