extension Migrations {
    /// Step 13: crisis line: contacts, anonymous by default. Landed: never edit it; add a new step instead.
    static let m013 = Migration(version: 13, name: "crisis line: contacts, anonymous by default") { _ in [
        // Channel, concerns, outcomes and times stay in the clear for the shift view and counts;
        // the note and the callback (number, safe times, code word) are sealed with the
        // organization's key; the caller's own code word is kept only as a keyed digest.
        """
        CREATE TABLE crisis_contacts (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), advocate_id TEXT NOT NULL REFERENCES users(id),
            channel TEXT NOT NULL, anonymous BIGINT NOT NULL, started_at BIGINT NOT NULL, duration_minutes BIGINT,
            caller_role TEXT NOT NULL, concerns TEXT NOT NULL, language TEXT NOT NULL, danger BIGINT NOT NULL, outcome TEXT NOT NULL,
            callback_sealed TEXT, callback_due_at BIGINT, callback_done_at BIGINT, code_digest TEXT, note_sealed TEXT NOT NULL,
            status TEXT NOT NULL, client_id TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX crisis_contacts_time ON crisis_contacts (org_id, started_at)",
        "CREATE INDEX crisis_contacts_open ON crisis_contacts (org_id, status, callback_due_at)",
        "CREATE INDEX crisis_contacts_code ON crisis_contacts (org_id, code_digest)",
    ] }
}
