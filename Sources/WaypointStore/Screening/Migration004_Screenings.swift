extension Migrations {
    /// Step 4: screenings. Landed: never edit it; add a new step instead.
    static let m004 = Migration(version: 4, name: "screenings") { _ in [
        // Pseudonymous: no name, no date of birth. What was asked and answered, and the note, are sealed.
        """
        CREATE TABLE screenings (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
            clinician_id TEXT NOT NULL REFERENCES users(id), idempotency_key TEXT NOT NULL,
            instrument TEXT NOT NULL, instrument_version TEXT NOT NULL, result TEXT NOT NULL,
            details_sealed TEXT NOT NULL, note_sealed TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX screenings_idempotency ON screenings (org_id, clinician_id, idempotency_key)",
        "CREATE INDEX screenings_clinician ON screenings (org_id, clinician_id, created_at)",
    ] }
}
