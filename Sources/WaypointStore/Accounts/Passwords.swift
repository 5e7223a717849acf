@preconcurrency import Crypto
import Foundation
import HummingbirdBcrypt
import NIOCore
import NIOPosix
import WaypointCore

/// bcrypt at cost 12 over a SHA-256 pre-hash of the password.
///
/// Why the pre-hash: bcrypt silently ignores everything after 72 bytes, which would truncate long
/// passphrases; SHA-256 in base64 (44 ASCII bytes, no NUL) keeps every character significant.
/// Hashing runs on its own small thread pool: a burst of sign-ins can neither stall request handling
/// nor starve the database's threads.
public struct PasswordHasher: Sendable {
    public static let cost: UInt8 = 12
    public let cost: UInt8

    public init(cost: UInt8 = PasswordHasher.cost) {
        precondition(cost >= Self.cost, "bcrypt cost below 12 is not allowed")
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = self.cost
        return try await Self.threads.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await Self.threads.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    private static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }
}
