extension Migrations {
    /// Step 6: resource directory (HSDS rows and search index). Landed: never edit it; add a new step instead.
    static let m006 = Migration(version: 6, name: "resource directory (HSDS rows and search index)") { kind in
        [
            // Every HSDS row as the tabular package has it; owner_org is NULL for shared entries
            // and the organization's id for its local entries.
            """
            CREATE TABLE hsds_rows (
                table_name TEXT NOT NULL, id TEXT NOT NULL, owner_org TEXT, fields TEXT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (table_name, id))
            """,
            "CREATE INDEX hsds_rows_owner ON hsds_rows (owner_org, table_name)",
            // Which row points at which: the links that nest rows into services and organizations.
            """
            CREATE TABLE hsds_links (
                table_name TEXT NOT NULL, id TEXT NOT NULL, column_name TEXT NOT NULL, target TEXT NOT NULL,
                PRIMARY KEY (table_name, id, column_name))
            """,
            "CREATE INDEX hsds_links_target ON hsds_links (target, table_name, column_name)",
            "CREATE INDEX hsds_links_id ON hsds_links (id)",
            """
            CREATE TABLE directory_entries (
                entry_id BIGINT PRIMARY KEY, entry_key TEXT NOT NULL UNIQUE, service_id TEXT NOT NULL,
                location_id TEXT, owner_org TEXT, service_name TEXT NOT NULL, organization_name TEXT NOT NULL,
                search_text TEXT NOT NULL, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
                populations TEXT NOT NULL, service_types TEXT NOT NULL, languages TEXT NOT NULL,
                always_open BIGINT NOT NULL, confidential BIGINT NOT NULL, active BIGINT NOT NULL,
                time_zone TEXT NOT NULL, verified_on TEXT, minimum_age BIGINT, maximum_age BIGINT)
            """,
            "CREATE INDEX directory_entries_service ON directory_entries (service_id)",
            // Finds the entries with no coordinates (phone and online services) without a scan.
            "CREATE INDEX directory_entries_latitude ON directory_entries (latitude)",
            """
            CREATE TABLE directory_hours (
                entry_id BIGINT NOT NULL, opens_minute BIGINT NOT NULL, closes_minute BIGINT NOT NULL,
                valid_from TEXT, valid_to TEXT)
            """,
            "CREATE INDEX directory_hours_entry ON directory_hours (entry_id, opens_minute)",
            "CREATE TABLE directory_time_zones (time_zone TEXT PRIMARY KEY)",
        ] + searchIndexes(kind)
    }
}
