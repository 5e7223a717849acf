@preconcurrency import Crypto
import Foundation

/// Random identifiers and secrets. Identifiers that appear in URLs are random, never names, dates or
/// sequence numbers, so a URL glimpsed over a shoulder or left in a history reveals nothing.
public enum Tokens {
    /// 128 random bits as URL-safe base64 (22 characters): record identifiers.
    public static func opaqueId() -> String { randomBase64URL(byteCount: 16) }

    /// 256 random bits as URL-safe base64 (43 characters): session cookies, API tokens, CSRF tokens.
    public static func secret() -> String { randomBase64URL(byteCount: 32) }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    public static func randomBase64URL(byteCount: Int) -> String {
        base64URL(Data(randomBytes(byteCount)))
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Secrets are stored only as this digest, so a copy of the database cannot be replayed as a session.
    public static func digest(_ secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two secrets in time independent of where they first differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
