extension Migrations {
    /// Step 29: organizations' own lists of programs and funding sources. Landed: never edit it; add a new step instead.
    static let m029 = Migration(version: 29, name: "organizations' own lists of programs and funding sources; screenings remember their hand-over") { _ in [
        // Entries are labels an administrator chose; cases record one of them, never free text.
        """
        CREATE TABLE org_list_entries (
            org_id TEXT NOT NULL, list TEXT NOT NULL, entry TEXT NOT NULL, created_at BIGINT NOT NULL, retired_at BIGINT,
            PRIMARY KEY (org_id, list, entry))
        """,
        // What cases recorded before is kept as retired entries: the cases keep their value, but free text
        // someone typed is offered to nobody until an administrator adds it to the list again.
        """
        INSERT INTO org_list_entries (org_id, list, entry, created_at, retired_at)
        SELECT DISTINCT org_id, 'program', program, 0, 0 FROM clients WHERE program <> '' AND purged_at IS NULL
        """,
        """
        INSERT INTO org_list_entries (org_id, list, entry, created_at, retired_at)
        SELECT DISTINCT org_id, 'funding_source', funding_source, 0, 0 FROM case_services WHERE funding_source <> ''
        """,
        // Clients purged before purges erased their reporting fields.
        "UPDATE clients SET program = '', exploitation = '', first_exploited_age = '' WHERE purged_at IS NOT NULL",
        "DELETE FROM report_facts WHERE person IN (SELECT id FROM clients WHERE purged_at IS NOT NULL)",
        // Screenings remember being handed over (the link to the case goes with a purge; this does not).
        "ALTER TABLE screenings ADD COLUMN handed_over BIGINT NOT NULL DEFAULT 0",
        "UPDATE screenings SET handed_over = 1 WHERE id IN (SELECT screening_id FROM client_screenings)",

    ] }
}
