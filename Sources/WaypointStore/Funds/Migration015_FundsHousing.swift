extension Migrations {
    /// Step 15: funds and their ledger, emergency housing, transport vouchers. Landed: never edit it; add a new step instead.
    static let m015 = Migration(version: 15, name: "funds and their ledger, emergency housing, transport vouchers") { _ in [
        """
        CREATE TABLE funds (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), name TEXT NOT NULL, kind TEXT NOT NULL,
            budget_cents BIGINT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL, unit_costs TEXT NOT NULL,
            created_by TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX funds_org ON funds (org_id, period_end)",
        // The ledger outlives a client's purge: it names no client, only a reference keyed with
        // the client's own key (so it counts a person once per fund and, once purged, links to nobody).
        """
        CREATE TABLE fund_charges (
            id TEXT PRIMARY KEY, fund_id TEXT NOT NULL REFERENCES funds(id), org_id TEXT NOT NULL, service_id TEXT NOT NULL,
            service_type TEXT NOT NULL, delivered_on TEXT NOT NULL, units BIGINT NOT NULL, amount_cents BIGINT NOT NULL,
            client_reference TEXT NOT NULL, override_by TEXT, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX fund_charges_fund ON fund_charges (fund_id, delivered_on)",
        // Why a supervisor let a charge past the budget or period: about the client, so sealed
        // with the client's key and deleted with the client.
        """
        CREATE TABLE fund_overrides (
            charge_id TEXT PRIMARY KEY REFERENCES fund_charges(id), client_id TEXT NOT NULL, reason_sealed TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        // A shelter's address is a confidential location: sealed with the organization's key.
        """
        CREATE TABLE housing_sites (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), name TEXT NOT NULL, address_sealed TEXT NOT NULL,
            beds BIGINT NOT NULL, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE housing_stays (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, site_id TEXT NOT NULL REFERENCES housing_sites(id), client_id TEXT NOT NULL,
            fund_id TEXT NOT NULL REFERENCES funds(id), check_in TEXT NOT NULL, check_out TEXT, service_id TEXT,
            created_by TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX housing_stays_site ON housing_stays (site_id, check_out)",
        "CREATE INDEX housing_stays_client ON housing_stays (client_id, check_in)",
        """
        CREATE TABLE transport_vouchers (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, client_id TEXT NOT NULL, fund_id TEXT NOT NULL REFERENCES funds(id),
            service_id TEXT NOT NULL, trips BIGINT NOT NULL, issued_on TEXT NOT NULL, used_on TEXT,
            created_by TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX transport_vouchers_client ON transport_vouchers (client_id, issued_on)",
    ] }
}
