import Foundation
import JWTKit
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Certificates: issued on completion, verified publicly, revoked by a trainer, Open Badges signed with EdDSA")
struct CertificateStoreTests {
    @Test("completion issues one certificate; /verify knows valid, revoked and unknown only; the badge verifies with the published key and a tampered one does not",
          arguments: Backend.allCases)
    func certificates(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let org = try await test.organization("Certificate Org")
            func user(_ role: Role, _ name: String, in orgId: String) async throws -> TenantContext {
                TenantContext(orgId: orgId, userId: try await test.store.users.createAsOperator(
                    NewUser(username: name, role: role, displayName: "Learner " + name, password: TestStore.password), orgId: orgId, requestId: "r"),
                    role: role, requestId: "r")
            }
            let trainer = try await user(.trainer, "cert-trainer", in: org.orgId), nurse = try await user(.clinician, "cert-nurse", in: org.orgId)
            _ = try await test.store.courses.importBundle(TrainingStoreTests.bundle(), in: trainer)
            let enrollment = try await test.store.enrollments.enroll(in: "test-course", context: nurse)
            await #expect(throws: AccessError.notFound) { try await test.store.certificates.certificate(for: enrollment.id, in: nurse) }
            var next = try await test.store.enrollments.next(enrollment.id, in: nurse)
            while next.kind != .evaluation {
                let submission: TrainingSubmission = next.kind == .lesson ? .init(lesson: next.lesson!.id) : .init(answers: TrainingStoreTests.right(next.questions))
                next = try await test.store.enrollments.submit(submission, to: enrollment.id, in: nurse).next
            }
            _ = try await test.store.enrollments.evaluate(.init(answers: [:], attestedMinutes: 40), for: enrollment.id, in: nurse)
            _ = try await test.store.enrollments.next(enrollment.id, in: nurse)  // reading the completed step again issues nothing new
            let certificate = try await test.store.certificates.certificate(for: enrollment.id, in: nurse)
            #expect(certificate.courseTitle == "Test course" && certificate.hours == "0.7" && CertificateRules.normalized(certificate.code) == certificate.code)
            let count = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM training_certificates").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(count == 1)
            #expect(try await test.store.certificates.status(of: certificate.code) == .valid)
            #expect(try await test.store.certificates.status(of: certificate.code.lowercased().inserting("-", at: 4)) == .valid)
            #expect(try await test.store.certificates.status(of: "ZZZZZZZZZZZZ") == .unknown)
            #expect(try await test.store.certificates.status(of: "x") == .unknown)

            // The badge: an OpenBadgeCredential as a VC-JWT, signed with the key the issuer profile publishes.
            let badge = try await test.store.certificates.badge(for: enrollment.id, learnerName: "Learner cert-nurse", publicURL: "https://w.example", in: nurse)
            let profile = try await test.store.certificates.issuerProfile(of: org.orgId, publicURL: "https://w.example")
            #expect(profile.publicKey.kty == "OKP" && profile.publicKey.crv == "Ed25519" && profile.id == "https://w.example/issuers/\(org.orgId)")
            let keys = await JWTKeyCollection().add(eddsa: try EdDSA.PublicKey(x: profile.publicKey.x, curve: .ed25519), kid: JWKIdentifier(string: profile.publicKey.kid))
            let credential = try await keys.verify(badge, as: Certificates.BadgeCredential.self)
            #expect(credential.type == ["VerifiableCredential", "OpenBadgeCredential"] && credential.iss == profile.id && credential.jti == credential.id)
            #expect(credential.credentialSubject.achievement.name == "Test course" && !badge.contains("cert-nurse"))
            let parts = badge.split(separator: ".").map(String.init)
            var payload = Data(base64Encoded: parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                .padding(toLength: (parts[1].count + 3) / 4 * 4, withPad: "=", startingAt: 0))!
            payload = Data(String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "Test course", with: "Fake course").utf8)
            let forged = [parts[0], payload.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: ""), parts[2]].joined(separator: ".")
            await #expect(throws: (any Error).self) { try await keys.verify(forged, as: Certificates.BadgeCredential.self) }
            // One key per organization, kept sealed.
            #expect(try await test.store.certificates.issuerProfile(of: org.orgId, publicURL: "https://w.example").publicKey == profile.publicKey)
            let stored = try await test.store.database.withConnection { db in
                try await db.raw("SELECT private_sealed FROM training_issuer_keys").all().map { try $0.decode(column: "private_sealed", as: String.self) }
            }
            #expect(stored.count == 1 && stored[0].hasPrefix("v"))

            // Revoking is a trainer's of the same organization.
            await #expect(throws: AccessError.forbidden) { try await test.store.certificates.revoke(certificate.code, in: nurse) }
            let other = try await test.organization("Other Certificate Org")
            let otherTrainer = try await user(.trainer, "cert-trainer-2", in: other.orgId)
            await #expect(throws: AccessError.notFound) { try await test.store.certificates.revoke(certificate.code, in: otherTrainer) }
            try await test.store.certificates.revoke(certificate.code, in: trainer)
            #expect(try await test.store.certificates.status(of: certificate.code) == .revoked)
            await #expect(throws: AccessError.notFound) { try await test.store.certificates.revoke(certificate.code, in: trainer) }
        }
    }
}

extension String {
    func inserting(_ text: String, at offset: Int) -> String {
        var copy = self
        copy.insert(contentsOf: text, at: copy.index(copy.startIndex, offsetBy: offset))
        return copy
    }
}
