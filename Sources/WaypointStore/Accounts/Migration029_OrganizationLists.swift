extension Migrations {
    /// Step 29: organizations' own lists of programs and funding sources. Landed: never edit it; add a new step instead.
    static let m029 = Migration(version: 29, name: "organizations' own lists of programs and funding sources") { _ in [
        // Entries are labels an administrator chose; cases record one of them, never free text.
        """
        CREATE TABLE org_list_entries (
            org_id TEXT NOT NULL, list TEXT NOT NULL, entry TEXT NOT NULL, created_at BIGINT NOT NULL, retired_at BIGINT,
            PRIMARY KEY (org_id, list, entry))
        """,
        // What cases recorded before becomes the lists' first entries, for an administrator to review and retire.
        "INSERT INTO org_list_entries (org_id, list, entry, created_at) SELECT DISTINCT org_id, 'program', program, 0 FROM clients WHERE program <> ''",
        """
        INSERT INTO org_list_entries (org_id, list, entry, created_at)
        SELECT DISTINCT org_id, 'funding_source', funding_source, 0 FROM case_services WHERE funding_source <> ''
        """,
    ] }
}
