extension Migrations {
    /// Step 16: partner network: organizations, agreements, joint events. Landed: never edit it; add a new step instead.
    static let m016 = Migration(version: 16, name: "partner network: organizations, agreements, joint events") { _ in [
        // Contacts are people at partner organizations: sealed with the organization's key.
        """
        CREATE TABLE partners (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), name TEXT NOT NULL, scope TEXT NOT NULL,
            directory_org_id TEXT, contacts_sealed TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX partners_org ON partners (org_id, name)",
        """
        CREATE TABLE partner_agreements (
            id TEXT PRIMARY KEY, partner_id TEXT NOT NULL REFERENCES partners(id), org_id TEXT NOT NULL, kind TEXT NOT NULL,
            title TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX partner_agreements_org ON partner_agreements (org_id, ends_on)",
        """
        CREATE TABLE partner_events (
            id TEXT PRIMARY KEY, partner_id TEXT NOT NULL REFERENCES partners(id), org_id TEXT NOT NULL, kind TEXT NOT NULL,
            title TEXT NOT NULL, held_on TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX partner_events_partner ON partner_events (partner_id, held_on)",
    ] }
}
