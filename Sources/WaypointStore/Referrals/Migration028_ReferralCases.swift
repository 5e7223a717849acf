extension Migrations {
    /// Step 28: referrals made at a screening belong to the case it was handed over to. Landed: never edit it; add a new step instead.
    static let m028 = Migration(version: 28, name: "referrals made at a screening belong to the case it was handed over to") { _ in [
        // Sealed with the organization's key as before (their history is append-only, so it cannot be
        // sealed again); the case team follows and withdraws them, and a purge empties them.
        "ALTER TABLE referrals ADD COLUMN case_id TEXT",
        "CREATE INDEX referrals_case ON referrals (case_id)",
    ] }
}
