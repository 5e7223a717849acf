import Foundation
import SQLKit
import WaypointCore

/// Synthetic caseloads for the benchmark: clients spread over case managers, each with notes,
/// services, tasks and a referral under a consent, sealed exactly as the product seals them and
/// written many rows per statement. Not used by the product itself.
public struct CaseSeeding: Repository {
    let shared: StoreContext

    /// Fictional program names for synthetic clients.
    static let programs = ["Youth outreach (synthetic)", "Adult services (synthetic)", "Labor rights clinic (synthetic)"]

    public struct Summary: Sendable {
        public var clients = 0
        public var events = 0
    }

    /// `managers` share the clients round-robin; every client gets `eventsPerClient` events in the
    /// proportions 4 notes : 3 services : 2 tasks : 1 referral (with its consent and first event).
    /// Dates spread over the last two years before `now` so dashboards have something due, overdue
    /// and stale. `progress` is called after each batch with the clients written so far.
    public func seed(orgId: String, managers: [String], clients: Int, eventsPerClient: Int = 10, serviceId: String, serviceName: String,
                     batch: Int = 200, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Summary {
        var summary = Summary()
        let now = clock.millis()
        // The synthetic programs are entries of the organization's list, as a real case's must be.
        try await database.transaction { db in
            for program in Self.programs {
                try await db.raw("""
                    INSERT INTO org_list_entries (org_id, list, entry, created_at) VALUES (\(bind: orgId), 'program', \(bind: program), \(bind: now))
                    ON CONFLICT (org_id, list, entry) DO NOTHING
                    """).run()
            }
        }
        var start = 0
        while start < clients {
            let count = min(batch, clients - start)
            let first = start
            let written = try await database.transaction(alone: true) { db -> Int in
                try await writeBatch(orgId: orgId, managers: managers, range: first..<(first + count), eventsPerClient: eventsPerClient,
                                     serviceId: serviceId, serviceName: serviceName, now: now, on: db)
            }
            summary.clients += count
            summary.events += written
            start += count
            progress(start)
        }
        return summary
    }

    private func writeBatch(orgId: String, managers: [String], range: Range<Int>, eventsPerClient: Int, serviceId: String, serviceName: String,
                            now: Int64, on db: any SQLDatabase) async throws -> Int {
        var rows: [String: [SQLQueryString]] = [:]
        var events = 0
        let day: Int64 = 86_400_000
        let today = Date(millis: now).calendarDay()
        let encoder = JSONEncoder()
        for number in range {
            let id = Tokens.opaqueId()
            let manager = managers[number % managers.count]
            let opened = now - Int64(number % 700) * day
            let lastContact = now - Int64(number % 60) * day
            let wrapped = try keys.wrapNewClientKey(id, orgId: orgId)
            let key = try keys.clientSealer(id, orgId: orgId, wrapped: wrapped)
            let sealer = key.row(id, in: "clients", of: orgId)
            let phase = CasePhase.allCases[number % 3].rawValue
            let closed = number % 6 == 5
            rows["client_keys", default: []].append("(\(bind: id), \(bind: orgId), \(bind: wrapped), \(bind: opened))")
            rows["clients", default: []].append("""
                (\(bind: id), \(bind: orgId), \(bind: try sealer.seal("Synthetic client \(number)", column: "alias")), \(bind: phase),
                 \(bind: Int64(number % 7 == 0 ? 1 : 0)), \(bind: Int64(number % 5 == 0 ? 1 : 0)), \(bind: Int64(number % 4 == 0 ? 1 : 0)),
                 \(bind: try sealer.seal(#"["en"]"#, column: "languages")),
                 \(bind: try sealer.seal(try Clients.json(ContactSafety(text: true, safeTimes: "after 3 pm")), column: "contact_safety")),
                 \(bind: closed ? "closed" : "open"), 1, \(bind: manager), \(bind: opened), \(bind: lastContact), \(bind: lastContact),
                 \(bind: Self.programs[number % Self.programs.count]), \(bind: ExploitationType.allCases[(number / 3) % 4].rawValue),
                 \(bind: AgeBand.firstExploitation[(number / 2) % AgeBand.firstExploitation.count]))
                """)
            if closed {
                rows["client_closures", default: []].append("""
                    (\(bind: id), 1, \(bind: ClosureReason.allCases[(number / 6) % ClosureReason.allCases.count].rawValue),
                     \(bind: try key.row(id, in: "client_closures", of: orgId).seal("", column: "outcome-1")), \(bind: lastContact), \(bind: manager))
                    """)
            }
            rows["client_staff", default: []].append("(\(bind: id), \(bind: manager), \(bind: opened))")
            rows["client_phases", default: []].append("(\(bind: id), 1, \(bind: phase), \(bind: opened), \(bind: manager))")
            for event in 0..<eventsPerClient {
                let eventId = Tokens.opaqueId()
                let at = opened + Int64(event) * (now - opened) / Int64(max(eventsPerClient, 1))
                switch event % 10 {
                case 0, 1, 2, 3:
                    rows["case_notes", default: []].append("""
                        (\(bind: eventId), \(bind: id), \(bind: orgId), \(bind: manager), 'general',
                         \(bind: try key.row(eventId, in: "case_notes", of: orgId).seal("Met at the clinic; talked about housing and next steps (\(event)).", column: "text")),
                         \(bind: at))
                        """)
                case 4, 5, 6:
                    rows["case_services", default: []].append("""
                        (\(bind: eventId), \(bind: id), \(bind: orgId), \(bind: ServiceType.allCases[(number + event) % ServiceType.allCases.count].rawValue),
                         \(bind: Date(millis: at).calendarDay()), \(bind: Int64(1 + event % 3)), \(bind: manager), 'VOCA',
                         \(bind: try key.row(eventId, in: "case_services", of: orgId).seal("", column: "note")), \(bind: at))
                        """)
                case 7, 8:
                    let due = Date(millis: now + Int64((number + event) % 21 - 7) * day).calendarDay()
                    rows["case_tasks", default: []].append("""
                        (\(bind: eventId), \(bind: id), \(bind: orgId), \(bind: manager),
                         \(bind: try key.row(eventId, in: "case_tasks", of: orgId).seal("Follow up on the appointment", column: "title")),
                         \(bind: due), \(bind: event == 8 && number % 2 == 0 ? "done" : "open"), \(bind: manager), \(bind: at))
                        """)
                default:
                    let consentId = Tokens.opaqueId()
                    let consentRow = key.row(consentId, in: "consents", of: orgId)
                    let expires = Date(millis: now + Int64(number % 120) * day).calendarDay()
                    rows["consents", default: []].append("""
                        (\(bind: consentId), \(bind: orgId), \(bind: id), \(bind: serviceId), \(bind: try consentRow.seal(serviceName, column: "recipient")),
                         \(bind: try consentRow.seal("referral", column: "purpose")), \(bind: try consentRow.seal("", column: "evidence")), 'needs',
                         'written', 'client', \(bind: min(today, Date(millis: at).calendarDay())), \(bind: expires), 0, \(bind: manager), \(bind: at))
                        """)
                    let referral = key.row(eventId, in: "referrals", of: orgId)
                    let consent = ReferralConsent(method: .written, scope: [.needs], recipient: serviceName, expiresOn: expires)
                    let payload = ReferralPayload(alias: "Synthetic client \(number)", needs: ["mental-health"], language: "", doNotContact: true,
                                                  contactMethod: .throughReferrer)
                    rows["referrals", default: []].append("""
                        (\(bind: eventId), \(bind: orgId), \(bind: manager), \(bind: serviceId), NULL, NULL,
                         \(bind: ["sent", "accepted", "completed"][number % 3]), 1,
                         \(bind: try referral.seal(String(decoding: try encoder.encode(consent), as: UTF8.self), column: "consent")),
                         \(bind: try referral.seal(String(decoding: try encoder.encode(payload), as: UTF8.self), column: "payload")),
                         \(bind: serviceName), \(bind: now + 14 * day), \(bind: Tokens.opaqueId()), \(bind: at), \(bind: at),
                         \(bind: consentId), \(bind: id))
                        """)
                    rows["referral_events", default: []].append("""
                        (\(bind: eventId), 1, \(bind: at), 'sender', \(bind: manager), 'sent', NULL, \(bind: try referral.seal("", column: "event-1")))
                        """)
                }
                events += 1
            }
        }
        let columns = [
            "client_keys": "client_id, org_id, wrapped_key, created_at",
            "clients": """
                id, org_id, alias_sealed, phase, minor, foreign_national, safety_concern, languages_sealed, contact_safety_sealed,
                status, version, created_by, created_at, updated_at, last_contact_at, program, exploitation, first_exploited_age
                """,
            "client_closures": "client_id, seq, reason, outcome_sealed, closed_at, closed_by",
            "client_staff": "client_id, user_id, assigned_at",
            "client_phases": "client_id, seq, phase, at, actor",
            "case_notes": "id, client_id, org_id, author_id, sensitivity, text_sealed, created_at",
            "case_services": "id, client_id, org_id, service_type, delivered_on, units, staff_id, funding_source, note_sealed, created_at",
            "case_tasks": "id, client_id, org_id, owner_id, title_sealed, due_on, status, created_by, created_at",
            "consents": """
                id, org_id, client_id, recipient_service_id, recipient_sealed, purpose_sealed, evidence_sealed, categories,
                method, given_by, starts_on, expires_on, part2, created_by, created_at
                """,
            "referrals": """
                id, org_id, sender_id, service_id, receiver_org, screening_id, status, do_not_contact, consent_sealed, payload_sealed,
                service_name, link_expires_at, link_nonce, created_at, updated_at, consent_id, client_id
                """,
            "referral_events": "referral_id, seq, at, party, actor, status, reason, note_sealed",
        ]
        // Parents before children; statements of at most 100 rows keep every bind count low.
        for table in ["client_keys", "clients", "client_closures", "client_staff", "client_phases", "case_notes", "case_services", "case_tasks",
                      "consents", "referrals", "referral_events"] {
            let values = rows[table] ?? []
            for chunk in stride(from: 0, to: values.count, by: 100) {
                let part = values[chunk..<min(chunk + 100, values.count)]
                try await db.raw("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns[table]!)) VALUES " + Array(part).joined(separator: ", ")).run()
            }
        }
        return events
    }
}
