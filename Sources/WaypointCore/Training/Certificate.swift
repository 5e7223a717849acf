import Foundation

/// A completion's certificate: what the printable page shows and what `/verify/{code}` answers
/// for. The public answer is only valid, revoked or unknown — nothing about the person.
public struct TrainingCertificate: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case valid, revoked, unknown }

    public let code: String
    public let enrollmentId: String
    public let courseId: String
    public let courseVersion: String
    public let courseTitle: String
    public let minutes: Int
    public let completedAt: Date
    public let revokedAt: Date?
    /// The Open Badges credential's id (a urn:uuid), the same each time the badge is issued.
    public let badgeId: String

    public init(code: String, enrollmentId: String, courseId: String, courseVersion: String, courseTitle: String, minutes: Int, completedAt: Date,
                revokedAt: Date?, badgeId: String) {
        self.code = code
        self.enrollmentId = enrollmentId
        self.courseId = courseId
        self.courseVersion = courseVersion
        self.courseTitle = courseTitle
        self.minutes = minutes
        self.completedAt = completedAt
        self.revokedAt = revokedAt
        self.badgeId = badgeId
    }

    /// Hours with one decimal, as certificates print them (60 minutes an hour).
    public var hours: String { String(format: "%.1f", Double(minutes) / 60) }
}

public enum CertificateRules {
    /// Twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L): read aloud or typed
    /// from paper without mistakes, and 2^60 of them, so codes cannot be guessed.
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public static func code<G: RandomNumberGenerator>(using generator: inout G) -> String {
        String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// A code as typed: upper-cased, spaces and dashes dropped; nil when it cannot be one.
    public static func normalized(_ text: String) -> String? {
        let code = text.uppercased().filter { $0 != "-" && $0 != " " }
        guard code.count == 12, code.allSatisfy(alphabet.contains) else { return nil }
        return code
    }

}
