extension Migrations {
    /// Step 27: ads workbench: imported ads, their keys, families and links, posters, matches, notes. Landed: never edit it; add a new step instead.
    static let m027 = Migration(version: 27, name: "ads workbench: imported ads, their keys, families and links, posters, matches, notes") { _ in [
        // Texts and every column an ad's author or subject could be found by are sealed (facts are read
        // again from the text); only
        // the posting time (for timelines) and keyed digests (for joins) are in the clear.
        """
        CREATE TABLE ad_imports (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, file_name_sealed TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL,
            status TEXT NOT NULL, total BIGINT NOT NULL DEFAULT 0, done BIGINT NOT NULL DEFAULT 0, problems_sealed TEXT,
            finished_at BIGINT)
        """,
        "CREATE INDEX ad_imports_org ON ad_imports (org_id, created_at)",
        """
        CREATE TABLE ads (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, import_id TEXT NOT NULL, external_digest TEXT NOT NULL,
            text_sealed TEXT NOT NULL, meta_sealed TEXT NOT NULL, posted_at BIGINT, created_at BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX ads_external ON ads (org_id, external_digest)",
        // Which family each ad is in: narrow rows, written again whenever the families are (an ad's
        // own wide row is never rewritten for it).
        "CREATE TABLE ad_members (ad_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, cluster_id TEXT NOT NULL, posted_at BIGINT)",
        "CREATE INDEX ad_members_cluster ON ad_members (org_id, cluster_id, posted_at)",
        "CREATE INDEX ads_created ON ads (org_id, created_at)",
        // The keys posters look ads up by (names under Soundex and nickname keys), as keyed digests.
        "CREATE TABLE ad_keys (org_id TEXT NOT NULL, ad_id TEXT NOT NULL, kind TEXT NOT NULL, key_digest TEXT NOT NULL)",
        "CREATE INDEX ad_keys_digest ON ad_keys (org_id, key_digest)",
        """
        CREATE TABLE ad_clusters (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, size BIGINT NOT NULL, first_posted BIGINT, last_posted BIGINT,
            summary_sealed TEXT NOT NULL, links_sealed TEXT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX ad_clusters_org ON ad_clusters (org_id, size)",
        """
        CREATE TABLE ad_posters (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, case_digest TEXT NOT NULL, poster_sealed TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX ad_posters_case ON ad_posters (org_id, case_digest)",
        """
        CREATE TABLE ad_poster_matches (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, poster_id TEXT NOT NULL, ad_id TEXT NOT NULL, score DOUBLE PRECISION NOT NULL,
            components_sealed TEXT NOT NULL, status TEXT NOT NULL, reason_sealed TEXT, decided_by TEXT, decided_at BIGINT,
            created_at BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX ad_poster_matches_pair ON ad_poster_matches (org_id, poster_id, ad_id)",
        "CREATE INDEX ad_poster_matches_ad ON ad_poster_matches (ad_id)",
        """
        CREATE TABLE ad_notes (
            id TEXT PRIMARY KEY, org_id TEXT NOT NULL, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, author_id TEXT NOT NULL,
            note_sealed TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX ad_notes_subject ON ad_notes (org_id, subject_type, subject_id, created_at)",
        // How long imported ads, posters and notes are kept (an organization's policy; 365 days by default).
        "ALTER TABLE organizations ADD COLUMN ads_retention_days BIGINT NOT NULL DEFAULT 365",
    ] }
}
