@preconcurrency import Crypto
import Foundation

/// Random identifiers and secrets. Identifiers that appear in URLs are random, never names, dates or
/// sequence numbers, so a URL glimpsed over a shoulder or left in a history reveals nothing.
public enum Tokens {
    /// 128 random bits as URL-safe base64 (22 characters): record identifiers.
    public static func opaqueId() -> String { randomBase64URL(byteCount: 16) }

    /// An opaque id that sorts by creation (milliseconds, then 96 random bits): for rows written a
    /// million at a time, whose index then grows at its end instead of everywhere. Never for a record
    /// whose id goes in a URL, where the time it carries would say when it was made.
    public static func sequentialId(millis: Int64) -> String {
        let time = String(UInt64(max(0, millis)), radix: 36)
        return String(repeating: "0", count: max(0, 9 - time.count)) + time + randomBase64URL(byteCount: 12)
    }

    /// 256 random bits as URL-safe base64 (43 characters): session cookies, API tokens, CSRF tokens.
    public static func secret() -> String { randomBase64URL(byteCount: 32) }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        // Eight bytes per draw from the system generator, not one.
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    public static func randomBase64URL(byteCount: Int) -> String {
        base64URL(Data(randomBytes(byteCount)))
    }

    public static func base64URL(_ data: Data) -> String {
        // One pass over the bytes: every record id and token goes through here.
        var characters = Array(data.base64EncodedData())
        while characters.last == UInt8(ascii: "=") { characters.removeLast() }
        for index in characters.indices {
            switch characters[index] {
            case UInt8(ascii: "+"): characters[index] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): characters[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Secrets are stored only as this digest, so a copy of the database cannot be replayed as a session.
    public static func digest(_ secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Lowercase hex. Built from a table, not `String(format:)`: digests and MACs are written on
    /// every request, and formatting each byte cost more than computing the HMAC.
    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            characters.append(hexDigits[Int(byte >> 4)])
            characters.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Compares two secrets in time independent of where they first differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
