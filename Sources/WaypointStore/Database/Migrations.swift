import Foundation
import SQLKit

/// One step of the schema. Statements are written once in SQL both dialects accept; the few that
/// cannot be (triggers) say so per dialect.
struct Migration: Sendable {
    let version: Int64
    let name: String
    let statements: @Sendable (Database.Kind) -> [String]
}

/// The ordered list every database goes through. Append only: never edit a step that has shipped.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "organizations, users and keys") { _ in [
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
        ] },
        Migration(version: 2, name: "sessions, tokens and sign-in throttling") { _ in [
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
                org_id TEXT NOT NULL REFERENCES organizations(id), csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE api_tokens (
                token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
                org_id TEXT NOT NULL REFERENCES organizations(id),
                created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE TABLE login_failures (id TEXT PRIMARY KEY, subject_hash TEXT NOT NULL, at BIGINT NOT NULL)",
            "CREATE INDEX login_failures_subject ON login_failures (subject_hash, at)",
        ] },
        Migration(version: 3, name: "tamper-evident audit log") { kind in
            [
                """
                CREATE TABLE audit_log (
                    seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, org_id TEXT NOT NULL, actor_id TEXT NOT NULL,
                    action TEXT NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL,
                    request_id TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
                """,
                "CREATE INDEX audit_log_org ON audit_log (org_id, seq)",
                """
                CREATE TABLE audit_head (
                    id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL)
                """,
            ] + appendOnlyTriggers(kind)
        },
        Migration(version: 4, name: "screenings") { _ in [
            // Pseudonymous: no name, no date of birth. What was asked and answered, and the note, are sealed.
            """
            CREATE TABLE screenings (
                id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
                clinician_id TEXT NOT NULL REFERENCES users(id), idempotency_key TEXT NOT NULL,
                instrument TEXT NOT NULL, instrument_version TEXT NOT NULL, result TEXT NOT NULL,
                details_sealed TEXT NOT NULL, note_sealed TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE UNIQUE INDEX screenings_idempotency ON screenings (org_id, clinician_id, idempotency_key)",
            "CREATE INDEX screenings_clinician ON screenings (org_id, clinician_id, created_at)",
        ] },
        Migration(version: 5, name: "organization reporting routes") { _ in [
            """
            CREATE TABLE jurisdiction_routes (
                org_id TEXT NOT NULL REFERENCES organizations(id), state_code TEXT NOT NULL,
                name TEXT NOT NULL, agency TEXT NOT NULL, phone TEXT NOT NULL, route TEXT NOT NULL,
                source TEXT NOT NULL, verified TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at BIGINT NOT NULL,
                PRIMARY KEY (org_id, state_code))
            """,
        ] },
        Migration(version: 6, name: "resource directory (HSDS rows and search index)") { kind in
            [
                // Every HSDS row as the tabular package has it; owner_org is NULL for shared entries
                // and the organization's id for its local entries.
                """
                CREATE TABLE hsds_rows (
                    table_name TEXT NOT NULL, id TEXT NOT NULL, owner_org TEXT, fields TEXT NOT NULL,
                    updated_at BIGINT NOT NULL, PRIMARY KEY (table_name, id))
                """,
                "CREATE INDEX hsds_rows_owner ON hsds_rows (owner_org, table_name)",
                // Which row points at which: the links that nest rows into services and organizations.
                """
                CREATE TABLE hsds_links (
                    table_name TEXT NOT NULL, id TEXT NOT NULL, column_name TEXT NOT NULL, target TEXT NOT NULL,
                    PRIMARY KEY (table_name, id, column_name))
                """,
                "CREATE INDEX hsds_links_target ON hsds_links (target, table_name, column_name)",
                "CREATE INDEX hsds_links_id ON hsds_links (id)",
                """
                CREATE TABLE directory_entries (
                    entry_id BIGINT PRIMARY KEY, entry_key TEXT NOT NULL UNIQUE, service_id TEXT NOT NULL,
                    location_id TEXT, owner_org TEXT, service_name TEXT NOT NULL, organization_name TEXT NOT NULL,
                    search_text TEXT NOT NULL, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
                    populations TEXT NOT NULL, service_types TEXT NOT NULL, languages TEXT NOT NULL,
                    always_open BIGINT NOT NULL, confidential BIGINT NOT NULL, active BIGINT NOT NULL,
                    time_zone TEXT NOT NULL, verified_on TEXT, minimum_age BIGINT, maximum_age BIGINT)
                """,
                "CREATE INDEX directory_entries_service ON directory_entries (service_id)",
                // Finds the entries with no coordinates (phone and online services) without a scan.
                "CREATE INDEX directory_entries_latitude ON directory_entries (latitude)",
                """
                CREATE TABLE directory_hours (
                    entry_id BIGINT NOT NULL, opens_minute BIGINT NOT NULL, closes_minute BIGINT NOT NULL,
                    valid_from TEXT, valid_to TEXT)
                """,
                "CREATE INDEX directory_hours_entry ON directory_hours (entry_id, opens_minute)",
                "CREATE TABLE directory_time_zones (time_zone TEXT PRIMARY KEY)",
            ] + searchIndexes(kind)
        },
        Migration(version: 7, name: "closed-loop referrals") { kind in
            [
                // Pseudonymous: the alias, contact details, consent and note are sealed.
                """
                CREATE TABLE referrals (
                    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
                    sender_id TEXT NOT NULL REFERENCES users(id), service_id TEXT NOT NULL,
                    receiver_org TEXT, screening_id TEXT, status TEXT NOT NULL, do_not_contact BIGINT NOT NULL,
                    consent_sealed TEXT NOT NULL, payload_sealed TEXT NOT NULL, service_name TEXT NOT NULL,
                    link_expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX referrals_sender ON referrals (org_id, status, updated_at)",
                "CREATE INDEX referrals_receiver ON referrals (receiver_org, status, updated_at)",
                """
                CREATE TABLE referral_events (
                    referral_id TEXT NOT NULL REFERENCES referrals(id), seq BIGINT NOT NULL, at BIGINT NOT NULL,
                    party TEXT NOT NULL, actor TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
                    note_sealed TEXT NOT NULL, PRIMARY KEY (referral_id, seq))
                """,
            ] + appendOnlyTriggers(kind, table: "referral_events", message: "referral history is append-only")
        },
        Migration(version: 8, name: "trust: keyed audit chain, link nonces, sign-in counters") { _ in [
            // Every receiver link carries the nonce stored here; issuing a new one voids the old.
            "ALTER TABLE referrals ADD COLUMN link_nonce TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX referrals_sender_user ON referrals (org_id, sender_id, updated_at)",
            // 1 = plain SHA-256 (entries so far), 2 = HMAC under the audit chain key.
            "ALTER TABLE audit_log ADD COLUMN chain_version BIGINT NOT NULL DEFAULT 1",
            "CREATE TABLE system_keys (purpose TEXT PRIMARY KEY, wrapped_key TEXT NOT NULL, created_at BIGINT NOT NULL)",
            // One row per keyed subject (username, address, or both) and window, counted atomically.
            """
            CREATE TABLE signin_counters (
                subject TEXT PRIMARY KEY, window_start BIGINT NOT NULL, failures BIGINT NOT NULL, last_failure_at BIGINT NOT NULL)
            """,
            // Its subjects were unkeyed digests of addresses: not kept.
            "DROP TABLE login_failures",
        ] },
        Migration(version: 9, name: "audit entries pending their place in the chain") { _ in [
            // Written with each record in its transaction; moved into audit_log in batches (AuditSequencer).
            """
            CREATE TABLE audit_pending (
                id TEXT PRIMARY KEY, at BIGINT NOT NULL, org_id TEXT NOT NULL, actor_id TEXT NOT NULL, action TEXT NOT NULL,
                object_type TEXT NOT NULL, object_id TEXT NOT NULL, request_id TEXT NOT NULL, mac TEXT NOT NULL)
            """,
            "CREATE INDEX audit_pending_order ON audit_pending (at, id)",
        ] },
        Migration(version: 10, name: "organizations' own copies of instruments we do not ship") { _ in [
            """
            CREATE TABLE org_instruments (
                org_id TEXT NOT NULL REFERENCES organizations(id), instrument_id TEXT NOT NULL, questionnaire TEXT NOT NULL,
                imported_by TEXT NOT NULL, imported_at BIGINT NOT NULL, PRIMARY KEY (org_id, instrument_id))
            """,
        ] },
        Migration(version: 11, name: "case management: clients, their keys, consents as records") { _ in [
            // A supervisor sees the caseload of the case managers on their team.
            "ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX users_team ON users (org_id, team)",
            // Everything about a client is sealed with the client's own data key (client_keys):
            // destroying that key on purge makes every copy unreadable, backups included.
            """
            CREATE TABLE clients (
                id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), alias_sealed TEXT NOT NULL,
                phase TEXT NOT NULL, minor BIGINT NOT NULL, foreign_national BIGINT NOT NULL, safety_concern BIGINT NOT NULL,
                languages_sealed TEXT NOT NULL, contact_safety_sealed TEXT NOT NULL, identity_sealed TEXT,
                status TEXT NOT NULL, version BIGINT NOT NULL, created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, last_contact_at BIGINT, purged_at BIGINT)
            """,
            "CREATE INDEX clients_org ON clients (org_id, status, updated_at)",
            """
            CREATE TABLE client_keys (
                client_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, wrapped_key TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE client_staff (
                client_id TEXT NOT NULL REFERENCES clients(id), user_id TEXT NOT NULL REFERENCES users(id),
                assigned_at BIGINT NOT NULL, PRIMARY KEY (client_id, user_id))
            """,
            "CREATE INDEX client_staff_user ON client_staff (user_id, client_id)",
            // Each opening of the identity vault, with its reason (sealed with the client's key).
            """
            CREATE TABLE client_reveals (
                id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), org_id TEXT NOT NULL,
                user_id TEXT NOT NULL, reason_sealed TEXT NOT NULL, at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE client_phases (
                client_id TEXT NOT NULL REFERENCES clients(id), seq BIGINT NOT NULL, phase TEXT NOT NULL,
                at BIGINT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (client_id, seq))
            """,
            // Screening-time referral consents have no client and are sealed with the organization's key.
            """
            CREATE TABLE consents (
                id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), client_id TEXT,
                recipient_service_id TEXT, recipient_sealed TEXT NOT NULL, purpose_sealed TEXT NOT NULL,
                evidence_sealed TEXT NOT NULL, categories TEXT NOT NULL, method TEXT NOT NULL, given_by TEXT NOT NULL,
                starts_on TEXT NOT NULL, expires_on TEXT NOT NULL, part2 BIGINT NOT NULL, created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL, revoked_at BIGINT, revoked_by TEXT, revoke_reason_sealed TEXT)
            """,
            "CREATE INDEX consents_client ON consents (client_id, expires_on)",
            "ALTER TABLE referrals ADD COLUMN consent_id TEXT",
            "ALTER TABLE referrals ADD COLUMN client_id TEXT",
            "CREATE INDEX referrals_client ON referrals (client_id, updated_at)",
            "CREATE INDEX referrals_consent ON referrals (consent_id)",
        ] },
        Migration(version: 12, name: "case management: assessments, goals, services, notes, tasks, closures, access") { _ in [
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
        ] },
        Migration(version: 13, name: "crisis line: contacts, anonymous by default") { _ in [
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
        ] },
        Migration(version: 14, name: "eligibility requests and letters") { _ in [
            // The record (kind, statuses, dates, checklist) is sealed with the client's key; only the
            // two dates the dashboard needs are in the clear: when a child's request is due, and
            // when a letter ends.
            """
            CREATE TABLE eligibility (
                id TEXT PRIMARY KEY, client_id TEXT NOT NULL, org_id TEXT NOT NULL, record_sealed TEXT NOT NULL,
                due_at BIGINT, ends_on TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX eligibility_client ON eligibility (client_id, created_at)",
        ] },
        Migration(version: 15, name: "funds and their ledger, emergency housing, transport vouchers") { _ in [
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
        ] },
        Migration(version: 16, name: "partner network: organizations, agreements, joint events") { _ in [
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
        ] },
        Migration(version: 17, name: "training: courses, enrollments, attempts, evaluations") { _ in [
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
        ] },
        Migration(version: 18, name: "training: certificates and the Open Badges issuer key") { _ in [
            // One per completed enrollment, kept with the completion; the code is what /verify answers for.
            """
            CREATE TABLE training_certificates (
                code TEXT PRIMARY KEY, org_id TEXT NOT NULL, enrollment_id TEXT NOT NULL UNIQUE REFERENCES enrollments(id),
                user_id TEXT NOT NULL, course_id TEXT NOT NULL, course_version TEXT NOT NULL, course_title TEXT NOT NULL, minutes BIGINT NOT NULL,
                completed_at BIGINT NOT NULL, badge_id TEXT NOT NULL, revoked_at BIGINT, revoked_by TEXT)
            """,
            // The organization's Ed25519 signing key: the public half (base64url, as its JWK's "x") in the
            // clear for verifiers, the private half sealed with the organization's key.
            """
            CREATE TABLE training_issuer_keys (
                org_id TEXT PRIMARY KEY REFERENCES organizations(id), kid TEXT NOT NULL, public_x TEXT NOT NULL, private_sealed TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
        ] },
        Migration(version: 19, name: "training: staff profiles for the state requirements") { _ in [
            // What decides which mandates apply: states, license type and renewal date, hire date, department, facility roles.
            """
            CREATE TABLE training_profiles (
                user_id TEXT PRIMARY KEY REFERENCES users(id), org_id TEXT NOT NULL, states TEXT NOT NULL, license_type TEXT,
                license_renewal_on TEXT, hired_on TEXT, department TEXT NOT NULL, facility_roles TEXT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX training_profiles_org ON training_profiles (org_id)",
        ] },
        Migration(version: 20, name: "training: xAPI statements and their forwarding to a learning record store") { _ in [
            // Each statement as made (relative activity ids, the learner's opaque id); forwarded at least once, retried with back-off.
            """
            CREATE TABLE xapi_statements (
                id TEXT PRIMARY KEY, org_id TEXT NOT NULL, enrollment_id TEXT NOT NULL, user_id TEXT NOT NULL, statement TEXT NOT NULL,
                stored_at BIGINT NOT NULL, seq BIGINT NOT NULL, forwarded_at BIGINT, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
                lease TEXT, lease_until BIGINT, last_error TEXT)
            """,
            // seq: the organization's order of statements (ties only between transactions that ran at the same moment).
            "CREATE INDEX xapi_statements_org ON xapi_statements (org_id, seq, id)",
            "CREATE INDEX xapi_statements_pending ON xapi_statements (forwarded_at, next_attempt_at)",
            // The organization's learning record store; the password sealed with the organization's key.
            """
            CREATE TABLE lrs_settings (
                org_id TEXT PRIMARY KEY REFERENCES organizations(id), endpoint TEXT NOT NULL, username TEXT NOT NULL, password_sealed TEXT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
        ] },
        Migration(version: 21, name: "reports: the de-identified reporting dataset and its refresh marks") { _ in [
            // Coarse categories in the clear for aggregate counts (research casemgmt-security.md §B3.1);
            // the age itself stays sealed in the screening.
            "ALTER TABLE screenings ADD COLUMN age_band TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE screenings ADD COLUMN setting TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX screenings_time ON screenings (org_id, created_at)",
            "ALTER TABLE clients ADD COLUMN program TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE clients ADD COLUMN exploitation TEXT NOT NULL DEFAULT 'not_disclosed'",
            "ALTER TABLE clients ADD COLUMN first_exploited_age TEXT NOT NULL DEFAULT 'not_disclosed'",
            "CREATE INDEX clients_changed ON clients (org_id, updated_at)",
            "CREATE INDEX case_services_added ON case_services (org_id, created_at)",
            "CREATE INDEX referrals_changed ON referrals (org_id, updated_at)",
            "CREATE INDEX crisis_contacts_changed ON crisis_contacts (org_id, updated_at)",
            "CREATE INDEX eligibility_changed ON eligibility (org_id, updated_at)",
            "CREATE INDEX enrollments_changed ON enrollments (org_id, updated_at)",
            // One row per counted event: pseudonymous ids, the day (no time) and categories; nothing
            // sealed, nothing free-text, no names. Analysts read only aggregates of it.
            """
            CREATE TABLE report_facts (
                source TEXT NOT NULL, source_id TEXT NOT NULL, org_id TEXT NOT NULL, person TEXT NOT NULL, day BIGINT NOT NULL,
                month BIGINT NOT NULL, opened_day BIGINT NOT NULL DEFAULT 0, program TEXT NOT NULL DEFAULT '', site TEXT NOT NULL DEFAULT '',
                phase TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '', band TEXT NOT NULL DEFAULT '',
                nationality TEXT NOT NULL DEFAULT '', units BIGINT NOT NULL DEFAULT 0, duration_days BIGINT,
                PRIMARY KEY (source, source_id))
            """,
            "CREATE INDEX report_facts_period ON report_facts (org_id, source, day)",
            "CREATE INDEX report_facts_person ON report_facts (org_id, source, person, day)",
            // How far each organization's dataset has read each source (its change time, in ms).
            "CREATE TABLE report_marks (org_id TEXT NOT NULL, source TEXT NOT NULL, mark BIGINT NOT NULL, PRIMARY KEY (org_id, source))",
        ] },
        Migration(version: 22, name: "screenings still without their reporting columns, found without a scan") { _ in [
            // Start-up fills them from the sealed details; this partial index is empty once it has, so the check costs nothing.
            "CREATE INDEX screenings_unbanded ON screenings (id) WHERE age_band = ''",
        ] },
        Migration(version: 23, name: "reports: closures found by their time, so a refresh with nothing new reads nothing") { _ in [
            // Without it each refresh walked every client of the organization to find new closures (0.3 s at 100,000 clients).
            "CREATE INDEX client_closures_time ON client_closures (closed_at)",
        ] },
        Migration(version: 24, name: "reports: youth exits' HMIS R15/R16 answers kept apart for counting") { _ in [
            // One coarse answer per element (yes, no, doesn't know, prefers not, not collected) under keyed
            // digests of the screening: nothing here leads back to the screening or its time without the
            // organization's key, and only the day is kept (research casemgmt-security.md §B3.1).
            """
            CREATE TABLE report_answers (
                id TEXT PRIMARY KEY, org_id TEXT NOT NULL, person TEXT NOT NULL, day BIGINT NOT NULL, element TEXT NOT NULL, response TEXT NOT NULL)
            """,
            "CREATE INDEX report_answers_day ON report_answers (org_id, day)",
            // Screenings of the exit form stored before this: start-up keeps their answers (then sets 1).
            "ALTER TABLE screenings ADD COLUMN answers_kept INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX screenings_answers_pending ON screenings (id) WHERE instrument = 'hmis-r15-r16' AND answers_kept = 0",
        ] },
        Migration(version: 25, name: "reports: an organization's own report definitions") { _ in [
            """
            CREATE TABLE report_definitions (
                org_id TEXT NOT NULL, id TEXT NOT NULL, definition TEXT NOT NULL, updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL,
                PRIMARY KEY (org_id, id))
            """,
        ] },
        Migration(version: 26, name: "reports: daily counts of screenings, contacts and youth exits") { _ in [
            """
            CREATE TABLE report_daily (
                org_id TEXT NOT NULL, source TEXT NOT NULL, day BIGINT NOT NULL, month BIGINT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,
                band TEXT NOT NULL, site TEXT NOT NULL, program TEXT NOT NULL, phase TEXT NOT NULL, nationality TEXT NOT NULL, n BIGINT NOT NULL,
                PRIMARY KEY (org_id, source, day, kind, detail, band, site, program, phase, nationality))
            """,
            // Filled from the facts already there; refreshes keep it up to date from then on.
            """
            INSERT INTO report_daily (org_id, source, day, month, kind, detail, band, site, program, phase, nationality, n)
            SELECT org_id, source, day, month, kind, detail, band, site, program, phase, nationality, COUNT(*) FROM report_facts
            WHERE source IN ('screenings', 'crisis', 'exits')
            GROUP BY org_id, source, day, month, kind, detail, band, site, program, phase, nationality
            """,
        ] },
        Migration(version: 27, name: "ads workbench: imported ads, their keys, families and links, posters, matches, notes") { _ in [
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
        ] },
        Migration(version: 28, name: "referrals made at a screening belong to the case it was handed over to") { _ in [
            // Sealed with the organization's key as before (their history is append-only, so it cannot be
            // sealed again); the case team follows and withdraws them, and a purge empties them.
            "ALTER TABLE referrals ADD COLUMN case_id TEXT",
            "CREATE INDEX referrals_case ON referrals (case_id)",
        ] },
    ]

    /// Full text and geography: FTS5 and an R*Tree in SQLite; a tsvector with GIN and a GiST index
    /// on points in PostgreSQL (both built in, no extension needed).
    private static func searchIndexes(_ kind: Database.Kind) -> [String] {
        switch kind {
        case .sqlite:
            return [
                "CREATE VIRTUAL TABLE directory_fts USING fts5(search_text, tokenize = 'unicode61 remove_diacritics 2')",
                "CREATE VIRTUAL TABLE directory_geo USING rtree(id, min_lat, max_lat, min_lon, max_lon)",
            ]
        case .postgres:
            return [
                "ALTER TABLE directory_entries ADD COLUMN search_vector tsvector",
                "CREATE INDEX directory_entries_text ON directory_entries USING gin (search_vector)",
                "CREATE INDEX directory_entries_geo ON directory_entries USING gist (point(longitude, latitude))",
            ]
        }
    }

    /// The application never updates or deletes audit rows, nor referral history; the database
    /// refuses to as well, so a bug or a careless query cannot break the chain. Someone who drops
    /// the triggers is caught by verify.
    private static func appendOnlyTriggers(_ kind: Database.Kind, table: String = "audit_log",
                                           message: String = "the audit log is append-only") -> [String] {
        switch kind {
        case .sqlite:
            return ["UPDATE", "DELETE"].map { verb in
                """
                CREATE TRIGGER \(table)_no_\(verb.lowercased()) BEFORE \(verb) ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(message)'); END
                """
            }
        case .postgres:
            return [
                """
                CREATE FUNCTION \(table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(message)'; END $$
                """,
                """
                CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION \(table)_append_only()
                """,
            ]
        }
    }
}

extension Database {
    /// Applies every step not yet applied, each in its own transaction. Safe to run twice and from
    /// several instances at once (PostgreSQL serializes them with an advisory lock).
    @discardableResult
    public func migrate() async throws -> [String] {
        try await transaction { db in
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """).run()
        }
        var applied: [String] = []
        for migration in Migrations.all {
            let kind = self.kind
            let didApply = try await transaction { db in
                if kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(727001)").run() }
                let done = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").first()
                guard done == nil else { return false }
                for statement in migration.statements(kind) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Clock.system.millis()))
                    """).run()
                return true
            }
            if didApply { applied.append("\(migration.version) \(migration.name)") }
        }
        return applied
    }
}
