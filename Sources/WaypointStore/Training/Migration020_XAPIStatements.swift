extension Migrations {
    /// Step 20: training: xAPI statements and their forwarding to a learning record store. Landed: never edit it; add a new step instead.
    static let m020 = Migration(version: 20, name: "training: xAPI statements and their forwarding to a learning record store") { _ in [
        // Each statement as made (relative activity ids, the learner's opaque id); forwarded at least once, retried with back-off.
        """
        CREATE TABLE xapi_statements (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, enrollment_id TEXT NOT NULL, user_id TEXT NOT NULL, statement TEXT NOT NULL,
            stored_at BIGINT NOT NULL, seq BIGINT NOT NULL, forwarded_at BIGINT, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
            lease TEXT, lease_until BIGINT, last_error TEXT)
        """,
        // seq: the organization's order of statements (ties only between transactions that ran at the same moment).
        "CREATE INDEX xapi_statements_org ON xapi_statements (org_id, seq, id)",
        "CREATE INDEX xapi_statements_pending ON xapi_statements (forwarded_at, next_attempt_at)",
        // The organization's learning record store; the password sealed with the organization's key.
        """
        CREATE TABLE lrs_settings (
            org_id TEXT PRIMARY KEY REFERENCES organizations(id), endpoint TEXT NOT NULL, username TEXT NOT NULL, password_sealed TEXT NOT NULL,
            updated_at BIGINT NOT NULL)
        """,
    ] }
}
