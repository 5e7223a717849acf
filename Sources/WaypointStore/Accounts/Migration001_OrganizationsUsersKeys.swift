extension Migrations {
    /// Step 1: organizations, users and keys. Landed: never edit it; add a new step instead.
    static let m001 = Migration(version: 1, name: "organizations, users and keys") { _ in [
        """
        CREATE TABLE organizations (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE org_keys (
            org_id TEXT NOT NULL REFERENCES organizations(id), version BIGINT NOT NULL,
            wrapped_key TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (org_id, version))
        """,
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
            username TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
            display_name_sealed TEXT NOT NULL, email_sealed TEXT NOT NULL,
            password_hash TEXT NOT NULL, active BIGINT NOT NULL,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX users_org ON users (org_id)",
    ] }
}
