extension Migrations {
    /// Step 18: training: certificates and the Open Badges issuer key. Landed: never edit it; add a new step instead.
    static let m018 = Migration(version: 18, name: "training: certificates and the Open Badges issuer key") { _ in [
        // One per completed enrollment, kept with the completion; the code is what /verify answers for.
        """
        CREATE TABLE training_certificates (
            code TEXT PRIMARY KEY, org_id TEXT NOT NULL, enrollment_id TEXT NOT NULL UNIQUE REFERENCES enrollments(id),
            user_id TEXT NOT NULL, course_id TEXT NOT NULL, course_version TEXT NOT NULL, course_title TEXT NOT NULL, minutes BIGINT NOT NULL,
            completed_at BIGINT NOT NULL, badge_id TEXT NOT NULL, revoked_at BIGINT, revoked_by TEXT)
        """,
        // The organization's Ed25519 signing key: the public half (base64url, as its JWK's "x") in the
        // clear for verifiers, the private half sealed with the organization's key.
        """
        CREATE TABLE training_issuer_keys (
            org_id TEXT PRIMARY KEY REFERENCES organizations(id), kid TEXT NOT NULL, public_x TEXT NOT NULL, private_sealed TEXT NOT NULL,
            created_at BIGINT NOT NULL)
        """,
    ] }
}
