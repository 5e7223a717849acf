extension Migrations {
    /// Step 12: case management: assessments, goals, services, notes, tasks, closures, access. Landed: never edit it; add a new step instead.
    static let m012 = Migration(version: 12, name: "case management: assessments, goals, services, notes, tasks, closures, access") { _ in [
        // Free text and scores are sealed with the client's key; what reports and the dashboard
        // count (types, dates, units, funding, statuses, owners) is kept in the clear.
        """
        CREATE TABLE case_assessments (
            id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), org_id TEXT NOT NULL,
            assessed_on TEXT NOT NULL, assessor_id TEXT NOT NULL, scores_sealed TEXT NOT NULL, note_sealed TEXT NOT NULL,
            created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX case_assessments_client ON case_assessments (client_id, assessed_on)",
        """
        CREATE TABLE case_goals (
            id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), org_id TEXT NOT NULL, domain TEXT NOT NULL,
            body_sealed TEXT NOT NULL, target_date TEXT NOT NULL, status TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX case_goals_client ON case_goals (client_id, created_at)",
        """
        CREATE TABLE case_services (
            id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), org_id TEXT NOT NULL, service_type TEXT NOT NULL,
            delivered_on TEXT NOT NULL, units BIGINT NOT NULL, staff_id TEXT NOT NULL, funding_source TEXT NOT NULL,
            note_sealed TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX case_services_client ON case_services (client_id, delivered_on)",
        "CREATE INDEX case_services_org ON case_services (org_id, delivered_on)",
        """
        CREATE TABLE case_notes (
            id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), org_id TEXT NOT NULL, author_id TEXT NOT NULL,
            sensitivity TEXT NOT NULL, text_sealed TEXT NOT NULL, created_at BIGINT NOT NULL,
            cosigned_by TEXT, cosigned_at BIGINT)
        """,
        "CREATE INDEX case_notes_client ON case_notes (client_id, created_at)",
        """
        CREATE TABLE case_tasks (
            id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), org_id TEXT NOT NULL, owner_id TEXT NOT NULL,
            title_sealed TEXT NOT NULL, due_on TEXT NOT NULL, status TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL, done_at BIGINT)
        """,
        "CREATE INDEX case_tasks_client ON case_tasks (client_id, due_on)",
        "CREATE INDEX case_tasks_owner ON case_tasks (owner_id, status, due_on)",
        """
        CREATE TABLE client_closures (
            client_id TEXT NOT NULL REFERENCES clients(id), seq BIGINT NOT NULL, reason TEXT NOT NULL, outcome_sealed TEXT NOT NULL,
            closed_at BIGINT NOT NULL, closed_by TEXT NOT NULL, reopened_at BIGINT, reopened_by TEXT, PRIMARY KEY (client_id, seq))
        """,
        """
        CREATE TABLE client_screenings (
            client_id TEXT NOT NULL REFERENCES clients(id), screening_id TEXT NOT NULL REFERENCES screenings(id),
            attached_by TEXT NOT NULL, attached_at BIGINT NOT NULL, PRIMARY KEY (client_id, screening_id))
        """,
        "CREATE INDEX client_screenings_time ON client_screenings (attached_at)",
        // A supervisor's hour-long opening of a client outside their team, for review.
        """
        CREATE TABLE break_glass (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, client_id TEXT NOT NULL REFERENCES clients(id), user_id TEXT NOT NULL,
            reason_sealed TEXT NOT NULL, opened_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
            reviewed_by TEXT, reviewed_at BIGINT)
        """,
        "CREATE INDEX break_glass_user ON break_glass (user_id, client_id, expires_at)",
        // What a purge keeps: counts, no content, no link back to anyone.
        """
        CREATE TABLE purged_clients (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, phase TEXT NOT NULL, minor BIGINT NOT NULL, foreign_national BIGINT NOT NULL,
            opened_year BIGINT NOT NULL, purged_at BIGINT NOT NULL, counts TEXT NOT NULL)
        """,
        "ALTER TABLE organizations ADD COLUMN retention_years BIGINT NOT NULL DEFAULT 7",
        "CREATE INDEX audit_log_object ON audit_log (object_id, seq)",
    ] }
}
