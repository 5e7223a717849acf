extension Migrations {
    /// Step 10: organizations' own copies of instruments we do not ship. Landed: never edit it; add a new step instead.
    static let m010 = Migration(version: 10, name: "organizations' own copies of instruments we do not ship") { _ in [
        """
        CREATE TABLE org_instruments (
            org_id TEXT NOT NULL REFERENCES organizations(id), instrument_id TEXT NOT NULL, questionnaire TEXT NOT NULL,
            imported_by TEXT NOT NULL, imported_at BIGINT NOT NULL, PRIMARY KEY (org_id, instrument_id))
        """,
    ] }
}
