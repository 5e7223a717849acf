extension Migrations {
    /// Step 21: reports: the de-identified reporting dataset and its refresh marks. Landed: never edit it; add a new step instead.
    static let m021 = Migration(version: 21, name: "reports: the de-identified reporting dataset and its refresh marks") { _ in [
        // Coarse categories in the clear for aggregate counts (research casemgmt-security.md §B3.1);
        // the age itself stays sealed in the screening.
        "ALTER TABLE screenings ADD COLUMN age_band TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE screenings ADD COLUMN setting TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX screenings_time ON screenings (org_id, created_at)",
        "ALTER TABLE clients ADD COLUMN program TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE clients ADD COLUMN exploitation TEXT NOT NULL DEFAULT 'not_disclosed'",
        "ALTER TABLE clients ADD COLUMN first_exploited_age TEXT NOT NULL DEFAULT 'not_disclosed'",
        "CREATE INDEX clients_changed ON clients (org_id, updated_at)",
        "CREATE INDEX case_services_added ON case_services (org_id, created_at)",
        "CREATE INDEX referrals_changed ON referrals (org_id, updated_at)",
        "CREATE INDEX crisis_contacts_changed ON crisis_contacts (org_id, updated_at)",
        "CREATE INDEX eligibility_changed ON eligibility (org_id, updated_at)",
        "CREATE INDEX enrollments_changed ON enrollments (org_id, updated_at)",
        // One row per counted event: pseudonymous ids, the day (no time) and categories; nothing
        // sealed, nothing free-text, no names. Analysts read only aggregates of it.
        """
        CREATE TABLE report_facts (
            source TEXT NOT NULL, source_id TEXT NOT NULL, org_id TEXT NOT NULL, person TEXT NOT NULL, day BIGINT NOT NULL,
            month BIGINT NOT NULL, opened_day BIGINT NOT NULL DEFAULT 0, program TEXT NOT NULL DEFAULT '', site TEXT NOT NULL DEFAULT '',
            phase TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '', band TEXT NOT NULL DEFAULT '',
            nationality TEXT NOT NULL DEFAULT '', units BIGINT NOT NULL DEFAULT 0, duration_days BIGINT,
            PRIMARY KEY (source, source_id))
        """,
        "CREATE INDEX report_facts_period ON report_facts (org_id, source, day)",
        "CREATE INDEX report_facts_person ON report_facts (org_id, source, person, day)",
        // How far each organization's dataset has read each source (its change time, in ms).
        "CREATE TABLE report_marks (org_id TEXT NOT NULL, source TEXT NOT NULL, mark BIGINT NOT NULL, PRIMARY KEY (org_id, source))",
    ] }
}
