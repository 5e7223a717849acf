extension Migrations {
    /// Step 11: case management: clients, their keys, consents as records. Landed: never edit it; add a new step instead.
    static let m011 = Migration(version: 11, name: "case management: clients, their keys, consents as records") { _ in [
        // A supervisor sees the caseload of the case managers on their team.
        "ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX users_team ON users (org_id, team)",
        // Everything about a client is sealed with the client's own data key (client_keys):
        // destroying that key on purge makes every copy unreadable, backups included.
        """
        CREATE TABLE clients (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), alias_sealed TEXT NOT NULL,
            phase TEXT NOT NULL, minor BIGINT NOT NULL, foreign_national BIGINT NOT NULL, safety_concern BIGINT NOT NULL,
            languages_sealed TEXT NOT NULL, contact_safety_sealed TEXT NOT NULL, identity_sealed TEXT,
            status TEXT NOT NULL, version BIGINT NOT NULL, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, last_contact_at BIGINT, purged_at BIGINT)
        """,
        "CREATE INDEX clients_org ON clients (org_id, status, updated_at)",
        """
        CREATE TABLE client_keys (
            client_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, wrapped_key TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE client_staff (
            client_id TEXT NOT NULL REFERENCES clients(id), user_id TEXT NOT NULL REFERENCES users(id),
            assigned_at BIGINT NOT NULL, PRIMARY KEY (client_id, user_id))
        """,
        "CREATE INDEX client_staff_user ON client_staff (user_id, client_id)",
        // Each opening of the identity vault, with its reason (sealed with the client's key).
        """
        CREATE TABLE client_reveals (
            id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), org_id TEXT NOT NULL,
            user_id TEXT NOT NULL, reason_sealed TEXT NOT NULL, at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE client_phases (
            client_id TEXT NOT NULL REFERENCES clients(id), seq BIGINT NOT NULL, phase TEXT NOT NULL,
            at BIGINT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (client_id, seq))
        """,
        // Screening-time referral consents have no client and are sealed with the organization's key.
        """
        CREATE TABLE consents (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), client_id TEXT,
            recipient_service_id TEXT, recipient_sealed TEXT NOT NULL, purpose_sealed TEXT NOT NULL,
            evidence_sealed TEXT NOT NULL, categories TEXT NOT NULL, method TEXT NOT NULL, given_by TEXT NOT NULL,
            starts_on TEXT NOT NULL, expires_on TEXT NOT NULL, part2 BIGINT NOT NULL, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL, revoked_at BIGINT, revoked_by TEXT, revoke_reason_sealed TEXT)
        """,
        "CREATE INDEX consents_client ON consents (client_id, expires_on)",
        "ALTER TABLE referrals ADD COLUMN consent_id TEXT",
        "ALTER TABLE referrals ADD COLUMN client_id TEXT",
        "CREATE INDEX referrals_client ON referrals (client_id, updated_at)",
        "CREATE INDEX referrals_consent ON referrals (consent_id)",
    ] }
}
