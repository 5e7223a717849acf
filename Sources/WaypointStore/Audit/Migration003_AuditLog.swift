extension Migrations {
    /// Step 3: tamper-evident audit log. Landed: never edit it; add a new step instead.
    static let m003 = Migration(version: 3, name: "tamper-evident audit log") { kind in
        [
            """
            CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, org_id TEXT NOT NULL, actor_id TEXT NOT NULL,
                action TEXT NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL,
                request_id TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
            """,
            "CREATE INDEX audit_log_org ON audit_log (org_id, seq)",
            """
            CREATE TABLE audit_head (
                id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL)
            """,
        ] + appendOnlyTriggers(kind)
    }
}
