extension Migrations {
    /// Step 8: trust: keyed audit chain, link nonces, sign-in counters. Landed: never edit it; add a new step instead.
    static let m008 = Migration(version: 8, name: "trust: keyed audit chain, link nonces, sign-in counters") { _ in [
        // Every receiver link carries the nonce stored here; issuing a new one voids the old.
        "ALTER TABLE referrals ADD COLUMN link_nonce TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX referrals_sender_user ON referrals (org_id, sender_id, updated_at)",
        // 1 = plain SHA-256 (entries so far), 2 = HMAC under the audit chain key.
        "ALTER TABLE audit_log ADD COLUMN chain_version BIGINT NOT NULL DEFAULT 1",
        "CREATE TABLE system_keys (purpose TEXT PRIMARY KEY, wrapped_key TEXT NOT NULL, created_at BIGINT NOT NULL)",
        // One row per keyed subject (username, address, or both) and window, counted atomically.
        """
        CREATE TABLE signin_counters (
            subject TEXT PRIMARY KEY, window_start BIGINT NOT NULL, failures BIGINT NOT NULL, last_failure_at BIGINT NOT NULL)
        """,
        // Its subjects were unkeyed digests of addresses: not kept.
        "DROP TABLE login_failures",
    ] }
}
