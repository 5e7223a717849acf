extension Migrations {
    /// Step 25: reports: an organization's own report definitions. Landed: never edit it; add a new step instead.
    static let m025 = Migration(version: 25, name: "reports: an organization's own report definitions") { _ in [
        """
        CREATE TABLE report_definitions (
            org_id TEXT NOT NULL, id TEXT NOT NULL, definition TEXT NOT NULL, updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL,
            PRIMARY KEY (org_id, id))
        """,
    ] }
}
