extension Migrations {
    /// Step 26: reports: daily counts of screenings, contacts and youth exits. Landed: never edit it; add a new step instead.
    static let m026 = Migration(version: 26, name: "reports: daily counts of screenings, contacts and youth exits") { _ in [
        """
        CREATE TABLE report_daily (
            org_id TEXT NOT NULL, source TEXT NOT NULL, day BIGINT NOT NULL, month BIGINT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,
            band TEXT NOT NULL, site TEXT NOT NULL, program TEXT NOT NULL, phase TEXT NOT NULL, nationality TEXT NOT NULL, n BIGINT NOT NULL,
            PRIMARY KEY (org_id, source, day, kind, detail, band, site, program, phase, nationality))
        """,
        // Filled from the facts already there; refreshes keep it up to date from then on.
        """
        INSERT INTO report_daily (org_id, source, day, month, kind, detail, band, site, program, phase, nationality, n)
        SELECT org_id, source, day, month, kind, detail, band, site, program, phase, nationality, COUNT(*) FROM report_facts
        WHERE source IN ('screenings', 'crisis', 'exits')
        GROUP BY org_id, source, day, month, kind, detail, band, site, program, phase, nationality
        """,
    ] }
}
