extension Migrations {
    /// Step 14: eligibility requests and letters. Landed: never edit it; add a new step instead.
    static let m014 = Migration(version: 14, name: "eligibility requests and letters") { _ in [
        // The record (kind, statuses, dates, checklist) is sealed with the client's key; only the
        // two dates the dashboard needs are in the clear: when a child's request is due, and
        // when a letter ends.
        """
        CREATE TABLE eligibility (
            id TEXT PRIMARY KEY, client_id TEXT NOT NULL, org_id TEXT NOT NULL, record_sealed TEXT NOT NULL,
            due_at BIGINT, ends_on TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX eligibility_client ON eligibility (client_id, created_at)",
    ] }
}
