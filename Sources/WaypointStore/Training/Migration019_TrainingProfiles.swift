extension Migrations {
    /// Step 19: training: staff profiles for the state requirements. Landed: never edit it; add a new step instead.
    static let m019 = Migration(version: 19, name: "training: staff profiles for the state requirements") { _ in [
        // What decides which mandates apply: states, license type and renewal date, hire date, department, facility roles.
        """
        CREATE TABLE training_profiles (
            user_id TEXT PRIMARY KEY REFERENCES users(id), org_id TEXT NOT NULL, states TEXT NOT NULL, license_type TEXT,
            license_renewal_on TEXT, hired_on TEXT, department TEXT NOT NULL, facility_roles TEXT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX training_profiles_org ON training_profiles (org_id)",
    ] }
}
