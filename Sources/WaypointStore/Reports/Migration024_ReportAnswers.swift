extension Migrations {
    /// Step 24: reports: youth exits' HMIS R15/R16 answers kept apart for counting. Landed: never edit it; add a new step instead.
    static let m024 = Migration(version: 24, name: "reports: youth exits' HMIS R15/R16 answers kept apart for counting") { _ in [
        // One coarse answer per element (yes, no, doesn't know, prefers not, not collected) under keyed
        // digests of the screening: nothing here leads back to the screening or its time without the
        // organization's key, and only the day is kept (research casemgmt-security.md §B3.1).
        """
        CREATE TABLE report_answers (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, person TEXT NOT NULL, day BIGINT NOT NULL, element TEXT NOT NULL, response TEXT NOT NULL)
        """,
        "CREATE INDEX report_answers_day ON report_answers (org_id, day)",
        // Screenings of the exit form stored before this: start-up keeps their answers (then sets 1).
        "ALTER TABLE screenings ADD COLUMN answers_kept INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX screenings_answers_pending ON screenings (id) WHERE instrument = 'hmis-r15-r16' AND answers_kept = 0",
    ] }
}
