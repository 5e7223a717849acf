extension Migrations {
    /// Step 5: organization reporting routes. Landed: never edit it; add a new step instead.
    static let m005 = Migration(version: 5, name: "organization reporting routes") { _ in [
        """
        CREATE TABLE jurisdiction_routes (
            org_id TEXT NOT NULL REFERENCES organizations(id), state_code TEXT NOT NULL,
            name TEXT NOT NULL, agency TEXT NOT NULL, phone TEXT NOT NULL, route TEXT NOT NULL,
            source TEXT NOT NULL, verified TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at BIGINT NOT NULL,
            PRIMARY KEY (org_id, state_code))
        """,
    ] }
}
