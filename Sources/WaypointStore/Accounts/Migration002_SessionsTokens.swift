extension Migrations {
    /// Step 2: sessions, tokens and sign-in throttling. Landed: never edit it; add a new step instead.
    static let m002 = Migration(version: 2, name: "sessions, tokens and sign-in throttling") { _ in [
        """
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
            org_id TEXT NOT NULL REFERENCES organizations(id), csrf_token TEXT NOT NULL,
            created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
            org_id TEXT NOT NULL REFERENCES organizations(id),
            created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
        """,
        "CREATE TABLE login_failures (id TEXT PRIMARY KEY, subject_hash TEXT NOT NULL, at BIGINT NOT NULL)",
        "CREATE INDEX login_failures_subject ON login_failures (subject_hash, at)",
    ] }
}
