import Crypto
import Foundation
import JWTKit
import SQLKit
import WaypointCore

/// Certificates of completed courses, their public verification, and Open Badges 3.0 credentials
/// signed with the organization's Ed25519 issuer key (its private half sealed with the
/// organization's key; the public half published as a JWK).
public struct Certificates: Repository {
    let shared: StoreContext

    /// An Open Badges 3.0 OpenBadgeCredential in the VC-JWT form: the credential's members at the
    /// top level with the registered claims `iss`, `nbf` and `jti` (OB 3.0 §8.2).
    public struct BadgeCredential: JWTPayload, Equatable {
        public struct Profile: Codable, Sendable, Equatable { public let id: String, type: [String], name: String }
        public struct Criteria: Codable, Sendable, Equatable { public let narrative: String }
        public struct Achievement: Codable, Sendable, Equatable {
            public let id: String, type: [String], name: String, description: String, criteria: Criteria
        }
        /// The learner, by a salted hash of their name (OB 3.0 IdentityObject), not in the clear.
        public struct Identity: Codable, Sendable, Equatable {
            public let type: String, identityHash: String, identityType: String, hashed: Bool, salt: String
        }
        public struct Subject: Codable, Sendable, Equatable {
            public let type: [String], achievement: Achievement, identifier: [Identity]
        }

        public let context: [String]
        public let id: String
        public let type: [String]
        public let issuer: Profile
        public let validFrom: String
        public let name: String
        public let credentialSubject: Subject
        public let iss: String
        public let nbf: Int
        public let jti: String

        enum CodingKeys: String, CodingKey {
            case context = "@context", id, type, issuer, validFrom, name, credentialSubject, iss, nbf, jti
        }

        public func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// The issuer profile verifiers read, with the public key as a JWK.
    public struct IssuerProfile: Codable, Sendable, Equatable {
        public struct Key: Codable, Sendable, Equatable { public let kty: String, crv: String, x: String, kid: String, alg: String, use: String }
        public let context: [String]
        public let id: String
        public let type: [String]
        public let name: String
        public let publicKey: Key
        enum CodingKeys: String, CodingKey { case context = "@context", id, type, name, publicKey }
    }

    static let contexts = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]

    func audit(_ context: TenantContext, _ action: String, _ code: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: "certificate", objectId: code)
    }

    /// Issued once, when an enrollment first reaches completion (inside that transaction).
    static func issue(for enrollmentId: String, course: Course, in context: TenantContext, at now: Int64, on db: any SQLDatabase) async throws {
        var generator = SystemRandomNumberGenerator()
        try await db.raw("""
            INSERT INTO training_certificates (code, org_id, enrollment_id, user_id, course_id, course_version, course_title, minutes, completed_at, badge_id)
            VALUES (\(bind: CertificateRules.code(using: &generator)), \(bind: context.orgId), \(bind: enrollmentId), \(bind: context.userId),
                    \(bind: course.id), \(bind: course.version), \(bind: course.title), \(bind: Int64(course.minutes)), \(bind: now),
                    \(bind: "urn:uuid:" + UUID().uuidString.lowercased()))
            """).run()
    }

    /// The learner's own certificate for a completed enrollment.
    public func certificate(for enrollmentId: String, in context: TenantContext) async throws -> TrainingCertificate {
        try await database.withConnection { db in
            guard let row = try await db.raw("""
                SELECT * FROM training_certificates WHERE enrollment_id = \(bind: enrollmentId) AND org_id = \(bind: context.orgId)
                  AND user_id = \(bind: context.userId)
                """).first() else { throw AccessError.notFound }
            return try Self.certificate(row)
        }
    }

    /// The public answer for a code: valid, revoked or unknown, and nothing else.
    public func status(of code: String) async throws -> TrainingCertificate.Status {
        guard let code = CertificateRules.normalized(code) else { return .unknown }
        return try await database.withConnection { db in
            guard let row = try await db.raw("SELECT revoked_at FROM training_certificates WHERE code = \(bind: code)").first() else { return .unknown }
            return try row.decode(column: "revoked_at", as: Int64?.self) == nil ? .valid : .revoked
        }
    }

    /// A trainer revokes a certificate of their organization (issued in error, or the completion was not honest).
    public func revoke(_ code: String, in context: TenantContext) async throws {
        guard Policy.allows(context.role, .revokeCertificates) else { throw AccessError.forbidden }
        let now = clock.millis()
        try await database.transaction { db in
            let updated = try await db.raw("""
                UPDATE training_certificates SET revoked_at = \(bind: now), revoked_by = \(bind: context.userId)
                WHERE code = \(bind: CertificateRules.normalized(code) ?? "") AND org_id = \(bind: context.orgId) AND revoked_at IS NULL RETURNING code
                """).all()
            guard !updated.isEmpty else { throw AccessError.notFound }
            try await audit.append(audit(context, "certificate.revoke", code), on: db)
        }
    }

    /// The certificate's Open Badges 3.0 credential, signed with the organization's issuer key.
    public func badge(for enrollmentId: String, learnerName: String, publicURL: String, in context: TenantContext) async throws -> String {
        let certificate = try await certificate(for: enrollmentId, in: context)
        let (key, kid, organization) = try await issuerKey(in: context)
        let course = try await database.withConnection { db in
            try await Courses.course(certificate.courseId, version: certificate.courseVersion, in: context, on: db)
        }
        let badgeId = certificate.badgeId
        let issuer = "\(publicURL)/issuers/\(context.orgId)"
        let salt = Tokens.hex(Data((0..<16).map { _ in UInt8.random(in: 0...255) }))
        let hash = SHA256.hash(data: Data((learnerName + salt).utf8)).map { String(format: "%02x", $0) }.joined()
        let valid = certificate.completedAt
        let credential = BadgeCredential(
            context: Self.contexts, id: badgeId, type: ["VerifiableCredential", "OpenBadgeCredential"],
            issuer: .init(id: issuer, type: ["Profile"], name: organization), validFrom: ISO8601DateFormatter().string(from: valid),
            name: certificate.courseTitle,
            credentialSubject: .init(
                type: ["AchievementSubject"],
                achievement: .init(id: "\(publicURL)/courses/\(certificate.courseId)/\(certificate.courseVersion)", type: ["Achievement"],
                                   name: certificate.courseTitle, description: course.summary,
                                   criteria: .init(narrative: Localizer(Language(rawValue: course.language) ?? .en).format("badge_criteria", [
                                       "version": certificate.courseVersion, "code": certificate.code, "url": "\(publicURL)/verify/\(certificate.code)"]))),
                identifier: [.init(type: "IdentityObject", identityHash: "sha256$" + hash, identityType: "name", hashed: true, salt: salt)]),
            iss: issuer, nbf: Int(valid.timeIntervalSince1970), jti: badgeId)
        let keys = await JWTKeyCollection().add(eddsa: key, kid: JWKIdentifier(string: kid))
        return try await keys.sign(credential, kid: JWKIdentifier(string: kid))
    }

    /// The organization's issuer profile with its public key, for verifiers: read from the public
    /// half kept in the clear (a public page never opens the private key, nor takes the write lock
    /// once the key exists).
    public func issuerProfile(of orgId: String, publicURL: String) async throws -> IssuerProfile {
        let stored = try await database.withConnection { db in
            try await db.raw("""
                SELECT k.kid, k.public_x, o.name FROM organizations o LEFT JOIN training_issuer_keys k ON k.org_id = o.id WHERE o.id = \(bind: orgId)
                """).first()
        }
        guard let stored else { throw AccessError.notFound }
        var kid = try stored.decode(column: "kid", as: String?.self), x = try stored.decode(column: "public_x", as: String?.self)
        if kid == nil || x == nil {
            let (key, madeKid, _) = try await issuerKey(in: TenantContext(orgId: orgId, userId: "issuer", role: .trainer, requestId: "issuer"))
            (kid, x) = (madeKid, Tokens.base64URL(key.publicKey.rawRepresentation))
        }
        return IssuerProfile(context: Self.contexts, id: "\(publicURL)/issuers/\(orgId)", type: ["Profile"], name: try stored.decode(column: "name", as: String.self),
                             publicKey: .init(kty: "OKP", crv: "Ed25519", x: x!, kid: kid!, alg: "EdDSA", use: "sig"))
    }

    /// The organization's Ed25519 signing key, made on first use (by whichever caller comes first).
    func issuerKey(in context: TenantContext) async throws -> (EdDSA.PrivateKey, String, String) {
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let row = sealer.row(context.orgId, in: "training_issuer_keys", of: context.orgId)
        @Sendable func opened(_ stored: any SQLRow) throws -> (EdDSA.PrivateKey, String) {
            let raw = Data(base64Encoded: try row.open("private", from: stored)) ?? Data()
            return (EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: raw)), try stored.decode(column: "kid", as: String.self))
        }
        let select: SQLQueryString = """
            SELECT k.kid, k.private_sealed, o.name FROM organizations o LEFT JOIN training_issuer_keys k ON k.org_id = o.id WHERE o.id = \(bind: context.orgId)
            """
        let existing = try await database.withConnection { db in try await db.raw(select).first() }
        guard let existing else { throw AccessError.notFound }
        let organization = try existing.decode(column: "name", as: String.self)
        if try existing.decode(column: "kid", as: String?.self) != nil {
            let (key, kid) = try opened(existing)
            return (key, kid, organization)
        }
        let (key, kid) = try await database.transaction { db in
            let backing = Curve25519.Signing.PrivateKey()
            let kid = "ob-" + Tokens.hex(Data(SHA256.hash(data: backing.publicKey.rawRepresentation))).prefix(16)
            try await db.raw("""
                INSERT INTO training_issuer_keys (org_id, kid, public_x, private_sealed, created_at)
                VALUES (\(bind: context.orgId), \(bind: String(kid)), \(bind: Tokens.base64URL(backing.publicKey.rawRepresentation)),
                        \(bind: try row.seal(backing.rawRepresentation.base64EncodedString(), column: "private")), \(bind: now))
                ON CONFLICT (org_id) DO NOTHING
                """).run()
            // Another caller may have made it first: theirs is the key.
            return try opened(try await db.raw(select).first()!)
        }
        return (key, kid, organization)
    }

    static func certificate(_ row: any SQLRow) throws -> TrainingCertificate {
        TrainingCertificate(code: try row.decode(column: "code", as: String.self), enrollmentId: try row.decode(column: "enrollment_id", as: String.self),
                            courseId: try row.decode(column: "course_id", as: String.self),
                            courseVersion: try row.decode(column: "course_version", as: String.self),
                            courseTitle: try row.decode(column: "course_title", as: String.self),
                            minutes: Int(try row.decode(column: "minutes", as: Int64.self)),
                            completedAt: Date(millis: try row.decode(column: "completed_at", as: Int64.self)),
                            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millis:)),
                            badgeId: try row.decode(column: "badge_id", as: String.self))
    }
}
