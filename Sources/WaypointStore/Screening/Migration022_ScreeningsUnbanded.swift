extension Migrations {
    /// Step 22: screenings still without their reporting columns, found without a scan. Landed: never edit it; add a new step instead.
    static let m022 = Migration(version: 22, name: "screenings still without their reporting columns, found without a scan") { _ in [
        // Start-up fills them from the sealed details; this partial index is empty once it has, so the check costs nothing.
        "CREATE INDEX screenings_unbanded ON screenings (id) WHERE age_band = ''",
    ] }
}
