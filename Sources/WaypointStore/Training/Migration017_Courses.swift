extension Migrations {
    /// Step 17: training: courses, enrollments, attempts, evaluations. Landed: never edit it; add a new step instead.
    static let m017 = Migration(version: 17, name: "training: courses, enrollments, attempts, evaluations") { _ in [
        // A version, once imported, never changes: enrollments point at the version taken. The
        // revision counts imports of a course, so "latest" never depends on clock ties or on how
        // a version string sorts.
        """
        CREATE TABLE courses (
            org_id TEXT NOT NULL REFERENCES organizations(id), id TEXT NOT NULL, version TEXT NOT NULL, title TEXT NOT NULL,
            revision BIGINT NOT NULL, bundle TEXT NOT NULL, imported_by TEXT NOT NULL, created_at BIGINT NOT NULL,
            PRIMARY KEY (org_id, id, version), UNIQUE (org_id, id, revision))
        """,
        """
        CREATE TABLE enrollments (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id), course_id TEXT NOT NULL,
            course_version TEXT NOT NULL, progress TEXT NOT NULL, attested_minutes BIGINT, started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL, completed_at BIGINT)
        """,
        "CREATE INDEX enrollments_user ON enrollments (user_id, course_id, completed_at)",
        "CREATE INDEX enrollments_org ON enrollments (org_id, course_id, completed_at)",
        // Each attempt keeps the questions it drew: an answer to any other is refused.
        """
        CREATE TABLE training_attempts (
            id TEXT PRIMARY KEY, enrollment_id TEXT NOT NULL REFERENCES enrollments(id), stage TEXT NOT NULL, drawn TEXT NOT NULL,
            answers TEXT, correct BIGINT, percent BIGINT, passed BIGINT, started_at BIGINT NOT NULL, finished_at BIGINT)
        """,
        "CREATE INDEX training_attempts_enrollment ON training_attempts (enrollment_id, finished_at)",
        // Evaluation answers kept apart from who gave them, for aggregate reporting.
        """
        CREATE TABLE training_evaluations (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, course_id TEXT NOT NULL, course_version TEXT NOT NULL, answers TEXT NOT NULL,
            created_at BIGINT NOT NULL)
        """,
    ] }
}
