import Foundation

/// Password rules after NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules, no forced
/// rotation, and a check against passwords that are known to be common or guessable from context.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    /// 800-63B asks verifiers to accept at least 64 characters; we accept far more and never truncate
    /// (the hasher pre-hashes, so bcrypt's 72-byte limit never cuts a password short).
    public static let maximumLength = 1024

    public enum Problem: String, Error, Equatable, Sendable, CaseIterable {
        case tooShort = "password_too_short"
        case tooLong = "password_too_long"
        case common = "password_common"
        case containsUsername = "password_contains_username"
        case repetitive = "password_repetitive"
    }

    private let blocklist: Set<String>

    public init(blocklist: Set<String> = PasswordPolicy.bundledBlocklist) {
        self.blocklist = blocklist
    }

    /// The first problem with `password`, or nil when it is acceptable.
    public func problem(with password: String, username: String) -> Problem? {
        let length = password.count
        if length < Self.minimumLength { return .tooShort }
        if length > Self.maximumLength { return .tooLong }
        let folded = password.lowercased()
        if blocklist.contains(folded) { return .common }
        let name = username.lowercased()
        if name.count >= 3, folded.contains(name) { return .containsUsername }
        if Set(folded).count <= 2 || Self.isSequential(folded) { return .repetitive }
        return nil
    }

    /// "abcdefghijkl", "123456789012", "zyxwvutsrqpo": guessed within seconds by any cracker.
    private static func isSequential(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.map { Int($0.value) }
        guard scalars.count > 1 else { return false }
        let steps = Set(zip(scalars, scalars.dropFirst()).map { $1 - $0 })
        return steps.count == 1 && (steps.first.map { abs($0) <= 1 } ?? false)
            || (text.allSatisfy(\.isNumber) && steps.isSubset(of: [1, -9]))
    }

    /// Common and breached passwords of at least the minimum length, lower-cased, one per line.
    /// A missing list is an error, never an empty list: without it every common password passes.
    static let loadedBlocklist = BundledResources.load("common-passwords.txt") { data in
        let list = Set(String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map { $0.lowercased() }.filter { !$0.hasPrefix("#") })
        guard !list.isEmpty else { throw BundledResourceError(file: "common-passwords.txt", reason: "is empty") }
        return list
    }

    public static var bundledBlocklist: Set<String> { loadedBlocklist.loadedValue }
}
