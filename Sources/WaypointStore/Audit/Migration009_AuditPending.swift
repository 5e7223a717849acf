extension Migrations {
    /// Step 9: audit entries pending their place in the chain. Landed: never edit it; add a new step instead.
    static let m009 = Migration(version: 9, name: "audit entries pending their place in the chain") { _ in [
        // Written with each record in its transaction; moved into audit_log in batches (AuditSequencer).
        """
        CREATE TABLE audit_pending (
            id TEXT PRIMARY KEY, at BIGINT NOT NULL, org_id TEXT NOT NULL, actor_id TEXT NOT NULL, action TEXT NOT NULL,
            object_type TEXT NOT NULL, object_id TEXT NOT NULL, request_id TEXT NOT NULL, mac TEXT NOT NULL)
        """,
        "CREATE INDEX audit_pending_order ON audit_pending (at, id)",
    ] }
}
