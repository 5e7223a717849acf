extension Migrations {
    /// Step 7: closed-loop referrals. Landed: never edit it; add a new step instead.
    static let m007 = Migration(version: 7, name: "closed-loop referrals") { kind in
        [
            // Pseudonymous: the alias, contact details, consent and note are sealed.
            """
            CREATE TABLE referrals (
                id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
                sender_id TEXT NOT NULL REFERENCES users(id), service_id TEXT NOT NULL,
                receiver_org TEXT, screening_id TEXT, status TEXT NOT NULL, do_not_contact BIGINT NOT NULL,
                consent_sealed TEXT NOT NULL, payload_sealed TEXT NOT NULL, service_name TEXT NOT NULL,
                link_expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX referrals_sender ON referrals (org_id, status, updated_at)",
            "CREATE INDEX referrals_receiver ON referrals (receiver_org, status, updated_at)",
            """
            CREATE TABLE referral_events (
                referral_id TEXT NOT NULL REFERENCES referrals(id), seq BIGINT NOT NULL, at BIGINT NOT NULL,
                party TEXT NOT NULL, actor TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
                note_sealed TEXT NOT NULL, PRIMARY KEY (referral_id, seq))
            """,
        ] + appendOnlyTriggers(kind, table: "referral_events", message: "referral history is append-only")
    }
}
