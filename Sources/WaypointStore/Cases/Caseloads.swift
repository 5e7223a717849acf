import Foundation
import SQLKit
import WaypointCore

extension CaseOversight {
    /// The caseload dashboard: the caller's tasks due and overdue; for the clients the caller may
    /// open, consents about to expire, referrals waiting too long, people not heard from in a month
    /// and screenings newly attached; for supervisors, emergency openings to review and closed cases
    /// past the organization's retention period. One connection, one audit entry.
    public func caseload(in context: TenantContext) async throws -> Caseload {
        guard Policy.allows(context.role, .readCaseload) else { throw AccessError.forbidden }
        let now = clock.millis()
        let today = clients.today()
        let policy = clients.policy
        let orgId = context.orgId
        let dashboard = try await database.withConnection { db -> Caseload in
            var aliases: [String: String] = [:]
            var sealers: [String: FieldSealer] = [:]
            /// The key of the client on a row that carries `client_id` and `wrapped_key`, unwrapped once per client.
            func sealer(_ row: any SQLRow) throws -> (clientId: String, sealer: FieldSealer) {
                let clientId = try row.decode(column: "client_id", as: String.self)
                if let known = sealers[clientId] { return (clientId, known) }
                let opened = try keys.clientSealer(clientId, orgId: orgId, wrapped: try row.decode(column: "wrapped_key", as: String.self))
                sealers[clientId] = opened
                return (clientId, opened)
            }
            /// Rows that carry `client_id`, the client's `alias_sealed` and `wrapped_key`, as dashboard lines.
            func items(_ rows: [any SQLRow], detail: (any SQLRow) throws -> String, date: (any SQLRow) throws -> String) throws -> [CaseloadItem] {
                try rows.map { row in
                    let (clientId, key) = try sealer(row)
                    let alias = try aliases[clientId] ?? key.row(clientId, in: "clients", of: orgId).open("alias", from: row)
                    aliases[clientId] = alias
                    return CaseloadItem(clientId: clientId, alias: alias, detail: try detail(row), date: try date(row))
                }
            }
            // The key is read per line shown (a subquery on its primary key): joined, PostgreSQL's
            // planner read every client's key to hash them (33 ms of a 50,000-client organization).
            let clientColumns: SQLQueryString = "c.id AS client_id, c.alias_sealed, (SELECT wrapped_key FROM client_keys WHERE client_id = c.id) AS wrapped_key"
            /// Joins the client of the row whose client id is `column`.
            func joinClient(_ column: String) -> SQLQueryString { "JOIN clients c ON c.id = \(unsafeRaw: column)" }
            /// The caller's visible clients; `c` as above.
            let fromVisible: SQLQueryString = "\(try await Clients.visibleIds(to: context, now: now, on: db)) JOIN clients c ON c.id = v.id"
            var board = Caseload()

            let shown = CaseloadPolicy.itemsShown
            func total(_ rows: [any SQLRow]) throws -> Int { Int(try rows.first?.decode(column: "total", as: Int64.self) ?? 0) }
            func tasks(_ range: SQLQueryString) async throws -> [any SQLRow] {
                try await db.raw("""
                    SELECT \(clientColumns), t.id AS task_id, t.title_sealed, t.due_on, COUNT(*) OVER () AS total
                    FROM case_tasks t \(joinClient("t.client_id"))
                    WHERE t.owner_id = \(bind: context.userId) AND t.status = 'open' AND t.org_id = \(bind: orgId) AND c.purged_at IS NULL AND \(range)
                    ORDER BY t.due_on LIMIT \(bind: shown)
                    """).all()
            }
            func taskTitle(_ row: any SQLRow) throws -> String {
                try sealer(row).sealer.row(try row.decode(column: "task_id", as: String.self), in: "case_tasks", of: orgId).open("title", from: row)
            }
            let overdue = try await tasks("t.due_on < \(bind: today)")
            let due = try await tasks("t.due_on >= \(bind: today) AND t.due_on <= \(bind: CaseloadPolicy.day(today, plus: CaseloadPolicy.tasksDueWithinDays))")
            board.overdueTasks = try items(overdue, detail: taskTitle, date: { try $0.decode(column: "due_on", as: String.self) })
            board.tasksDue = try items(due, detail: taskTitle, date: { try $0.decode(column: "due_on", as: String.self) })
            board.totals.overdueTasks = try total(overdue)
            board.totals.tasksDue = try total(due)

            let expiring = try await db.raw("""
                SELECT \(clientColumns), s.expires_on, COUNT(*) OVER () AS total FROM \(fromVisible) JOIN consents s ON s.client_id = v.id
                WHERE c.status = 'open' AND c.purged_at IS NULL AND s.revoked_at IS NULL
                  AND s.expires_on >= \(bind: today) AND s.expires_on <= \(bind: CaseloadPolicy.day(today, plus: CaseloadPolicy.consentsExpiringWithinDays))
                ORDER BY s.expires_on LIMIT \(bind: shown)
                """).all()
            board.expiringConsents = try items(expiring, detail: { _ in "consent" }, date: { try $0.decode(column: "expires_on", as: String.self) })
            board.totals.expiringConsents = try total(expiring)

            // Overdue is "sent no later than one instant": counted by the database, not row by row.
            let overdueBy = policy.overdueIfSentBy(now: Date(millis: now)).millis
            let waiting = try await db.raw("""
                SELECT \(clientColumns), r.service_name, r.created_at, COUNT(*) OVER () AS total FROM \(fromVisible) JOIN referrals r ON (r.client_id = v.id OR r.case_id = v.id)
                WHERE r.status = 'sent' AND r.created_at <= \(bind: overdueBy) AND c.purged_at IS NULL
                ORDER BY r.created_at LIMIT \(bind: shown)
                """).all()
            board.totals.overdueReferrals = try total(waiting)
            board.overdueReferrals = try items(waiting, detail: { try $0.decode(column: "service_name", as: String.self) },
                                               date: { Date(millis: try $0.decode(column: "created_at", as: Int64.self)).calendarDay(in: policy.timeZone) })

            let silent = try await db.raw("""
                SELECT \(clientColumns), c.last_contact_at, COUNT(*) OVER () AS total FROM \(fromVisible)
                WHERE c.status = 'open' AND c.purged_at IS NULL
                  AND c.last_contact_at < \(bind: now - Int64(CaseloadPolicy.noContactDays) * 86_400_000)
                ORDER BY c.last_contact_at LIMIT \(bind: shown)
                """).all()
            board.totals.noRecentContact = try total(silent)
            board.noRecentContact = try items(silent, detail: { _ in "no-contact" },
                date: { Date(millis: try $0.decode(column: "last_contact_at", as: Int64.self)).calendarDay(in: policy.timeZone) })

            let attached = try await db.raw("""
                SELECT \(clientColumns), s.result, a.attached_at, COUNT(*) OVER () AS total FROM \(fromVisible)
                JOIN client_screenings a ON a.client_id = v.id JOIN screenings s ON s.id = a.screening_id
                WHERE c.purged_at IS NULL AND a.attached_at >= \(bind: now - Int64(CaseloadPolicy.newScreeningDays) * 86_400_000)
                ORDER BY a.attached_at DESC LIMIT \(bind: shown)
                """).all()
            board.totals.newScreenings = try total(attached)
            board.newScreenings = try items(attached, detail: { try $0.decode(column: "result", as: String.self) },
                date: { Date(millis: try $0.decode(column: "attached_at", as: Int64.self)).calendarDay(in: policy.timeZone) })

            // Both eligibility lists in one query: a caseload holds a handful of these, so the lines
            // are split and counted here rather than in two more round trips.
            let eligibility = try await db.raw("""
                SELECT \(clientColumns), e.due_at, e.ends_on FROM \(fromVisible) JOIN eligibility e ON e.client_id = v.id
                WHERE (e.due_at IS NOT NULL
                       OR (e.ends_on >= \(bind: today) AND e.ends_on <= \(bind: CaseloadPolicy.day(today, plus: EligibilityRules.expiryWarningDays))))
                  AND c.status = 'open' AND c.purged_at IS NULL
                ORDER BY e.due_at, e.ends_on LIMIT 1000
                """).all()
            let requests = try eligibility.filter { try $0.decode(column: "due_at", as: Int64?.self) != nil }
                .sorted { try $0.decode(column: "due_at", as: Int64.self) < $1.decode(column: "due_at", as: Int64.self) }
            let ending = try eligibility.filter { try $0.decode(column: "due_at", as: Int64?.self) == nil }
                .sorted { try $0.decode(column: "ends_on", as: String.self) < $1.decode(column: "ends_on", as: String.self) }
            board.totals.eligibilityDue = requests.count
            board.eligibilityDue = try items(Array(requests.prefix(shown)), detail: { _ in "eligibility-request" },
                date: { Date(millis: try $0.decode(column: "due_at", as: Int64.self)).calendarMinute(in: policy.timeZone) })
            board.totals.lettersEnding = ending.count
            board.lettersEnding = try items(Array(ending.prefix(shown)), detail: { _ in "letter" }, date: { try $0.decode(column: "ends_on", as: String.self) })

            if Policy.allows(context, .reviewBreakGlass) {
                // Another supervisor's openings; the alias is shown only where this supervisor may open the client.
                board.breakGlassToReview = try await db.raw("""
                    SELECT g.id, g.client_id, g.opened_at FROM break_glass g
                    WHERE g.org_id = \(bind: orgId) AND g.reviewed_at IS NULL AND g.user_id <> \(bind: context.userId)
                    ORDER BY g.opened_at LIMIT \(bind: shown)
                    """).all().map { row in
                    CaseloadItem(clientId: try row.decode(column: "client_id", as: String.self), alias: "",
                                 detail: try row.decode(column: "id", as: String.self),
                                 date: Date(millis: try row.decode(column: "opened_at", as: Int64.self)).calendarDay(in: policy.timeZone))
                }
                let years = try await db.raw("SELECT retention_years FROM organizations WHERE id = \(bind: orgId)").first()?
                    .decode(column: "retention_years", as: Int64.self) ?? 7
                let expired = try await db.raw("""
                    SELECT \(clientColumns), c.updated_at, COUNT(*) OVER () AS total FROM \(fromVisible)
                    WHERE c.status = 'closed' AND c.purged_at IS NULL
                      AND c.updated_at < \(bind: now - years * 365 * 86_400_000)
                    ORDER BY c.updated_at LIMIT \(bind: shown)
                    """).all()
                board.totals.purgeProposals = try total(expired)
                board.totals.breakGlassToReview = board.breakGlassToReview.count
                board.purgeProposals = try items(expired, detail: { _ in "retention" },
                    date: { Date(millis: try $0.decode(column: "updated_at", as: Int64.self)).calendarDay(in: policy.timeZone) })
            }
            return board
        }
        try await audit.record(AuditEvent(context, action: "caseload.read", objectType: "caseload", objectId: context.userId))
        return dashboard
    }
}
