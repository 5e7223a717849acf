import Foundation
import SQLKit
import WaypointCore

/// Clients and their cases. Every value about a client is sealed with the client's own key; every
/// read and change is audited against the client's id, which is what the per-record access log lists.
public struct Clients: Repository {
    let shared: StoreContext
    public var policy = ReferralPolicy()

    /// Today in the organization's calendar: consent dates and due dates are compared with it.
    public func today() -> String { policy.today(at: clock.now()) }

    /// The clients a permission reaches for this caller, as `Policy.reach` lists the relations: on
    /// the case, the supervisor's team, or a break-the-glass opening of the last hour. `c` is the
    /// clients table's alias in the query. No relation: nothing.
    static func visible(to context: TenantContext, for permission: Permission, now: Int64) -> SQLQueryString {
        let reach = Policy.reach(context.role, permission)
        var relations: [SQLQueryString] = []
        if reach.contains(.assigned) {
            relations.append("EXISTS (SELECT 1 FROM client_staff s WHERE s.client_id = c.id AND s.user_id = \(bind: context.userId))")
        }
        if reach.contains(.team) {
            relations.append("""
                EXISTS (SELECT 1 FROM client_staff s JOIN users u ON u.id = s.user_id
                        WHERE s.client_id = c.id AND u.team <> '' AND u.team = (SELECT team FROM users WHERE id = \(bind: context.userId)))
                """)
        }
        if reach.contains(.breakGlass) {
            relations.append("""
                EXISTS (SELECT 1 FROM break_glass g WHERE g.client_id = c.id AND g.user_id = \(bind: context.userId) AND g.expires_at > \(bind: now))
                """)
        }
        guard !relations.isEmpty else { return "1 = 0" }
        return "(\(SQLList(relations, separator: SQLRaw(" OR "))))"
    }

    /// The same set for listings, as a `FROM` item naming the ids `v.id`: driven from the caller's
    /// assignments (an index), not by testing every client of the organization. The caller's own
    /// row is read first (tenant and team), so the listing queries stay simple to plan: PostgreSQL
    /// spent longer planning the same set written as one WITH clause than running the query.
    static func visibleIds(to context: TenantContext, for permission: Permission = .readClient, now: Int64,
                           on db: any SQLDatabase) async throws -> SQLQueryString {
        guard let caller = try await db.raw("SELECT team FROM users WHERE id = \(bind: context.userId) AND org_id = \(bind: context.orgId)").first()
        else { throw AccessError.forbidden }
        let reach = Policy.reach(context.role, permission)
        var sets: [SQLQueryString] = []
        if reach.contains(.assigned) {
            sets.append("SELECT client_id AS id FROM client_staff WHERE user_id = \(bind: context.userId)")
        }
        let team = try caller.decode(column: "team", as: String.self)
        if reach.contains(.team), !team.isEmpty {
            sets.append("""
                SELECT s.client_id AS id FROM client_staff s JOIN users u ON u.id = s.user_id WHERE u.org_id = \(bind: context.orgId) AND u.team = \(bind: team)
                """)
        }
        if reach.contains(.breakGlass) {
            let opened = try await db.raw("""
                SELECT client_id FROM break_glass WHERE user_id = \(bind: context.userId) AND org_id = \(bind: context.orgId) AND expires_at > \(bind: now)
                """).all().map { try $0.decode(column: "client_id", as: String.self) }
            if !opened.isEmpty {
                sets.append("SELECT id FROM clients WHERE org_id = \(bind: context.orgId) AND id IN (\(SQLList(opened.map { SQLBind($0) })))")
            }
        }
        guard !sets.isEmpty else { return "(SELECT id FROM clients WHERE 1 = 0) v" }
        // UNION also removes the duplicates a team's shared cases would list twice.
        return sets.count == 1 ? "(\(sets[0]) GROUP BY 1) v" : "(\(SQLList(sets, separator: SQLRaw(" UNION ")))) v"
    }

    /// The roles that may be put on a case: those that may work one (Policy's `writeCase`).
    static var caseStaffRoles: SQLList {
        SQLList(Policy.roles(holding: .writeCase).map(\.rawValue).sorted().map { SQLBind($0) })
    }

    func audit(_ context: TenantContext, _ action: String, client id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: "client", objectId: id)
    }

    // MARK: Creating

    public func create(_ new: NewClient, in context: TenantContext) async throws -> ClientRecord {
        guard Policy.allows(context, .createClient) else { throw AccessError.forbidden }
        let client = try CaseUseCases.checked(new, today: today())
        let now = clock.millis()
        let id = try await database.transaction { db in
            try await insert(client, contactSafety: ContactSafety(), assignedTo: context.userId, in: context, at: now, on: db).id
        }
        return try await database.withConnection { db in try await load(id, in: context, on: db) }
    }

    /// Writes a checked new client with its own key, assigned to `assignee`, with its first phase
    /// and the audit entry; returns the id and the client's key for whatever the caller adds next.
    func insert(_ client: NewClient, contactSafety: ContactSafety, assignedTo assignee: String, in context: TenantContext, at now: Int64,
                on db: any SQLDatabase) async throws -> (id: String, key: FieldSealer) {
        let id = Tokens.opaqueId()
        let flags = client.flags ?? ClientFlags()
        let reporting = client.reporting ?? ClientReporting()
        try await OrganizationLists.check(reporting.program, .program, orgId: context.orgId, field: "program", on: db)
        let key = try await keys.clientSealer(id, orgId: context.orgId, on: db, now: now, create: true)
        let sealer = key.row(id, in: "clients", of: context.orgId)
        let identity = try client.identity.map { try sealer.seal(try Self.json($0), column: "identity") }
        try await db.raw("""
            INSERT INTO clients (id, org_id, alias_sealed, phase, minor, foreign_national, safety_concern, languages_sealed,
                                 contact_safety_sealed, identity_sealed, status, version, created_by, created_at, updated_at, last_contact_at,
                                 program, exploitation, first_exploited_age)
            VALUES (\(bind: id), \(bind: context.orgId), \(bind: try sealer.seal(client.alias, column: "alias")), \(bind: client.phase.rawValue),
                    \(bind: flags.minor ? 1 : 0), \(bind: flags.foreignNational ? 1 : 0), \(bind: flags.safetyConcern ? 1 : 0),
                    \(bind: try sealer.seal(try Self.json(client.languages ?? []), column: "languages")),
                    \(bind: try sealer.seal(try Self.json(contactSafety), column: "contact_safety")), \(bind: identity),
                    'open', 1, \(bind: context.userId), \(bind: now), \(bind: now), \(bind: now),
                    \(bind: reporting.program), \(bind: reporting.exploitation.rawValue), \(bind: reporting.firstExploitedAge))
            """).run()
        try await db.raw("INSERT INTO client_staff (client_id, user_id, assigned_at) VALUES (\(bind: id), \(bind: assignee), \(bind: now))").run()
        try await db.raw("""
            INSERT INTO client_phases (client_id, seq, phase, at, actor) VALUES (\(bind: id), 1, \(bind: client.phase.rawValue), \(bind: now), \(bind: context.userId))
            """).run()
        try await audit.append(audit(context, "client.create", client: id), on: db)
        return (id, key)
    }

    // MARK: Reading

    /// The client's page: audited as a read of the client.
    public func find(_ id: String, in context: TenantContext) async throws -> ClientRecord {
        let record = try await database.withConnection { db in try await load(id, in: context, on: db) }
        try await audit.record(audit(context, "client.read", client: id))
        return record
    }

    /// The caller's caseload (a supervisor's: the team's), most recently changed first.
    public func list(status: ClientRecord.Status? = .open, in context: TenantContext) async throws -> [ClientSummary] {
        guard Policy.allows(context, .readCaseload) else { throw AccessError.forbidden }
        let filter: SQLQueryString = status.map { "AND c.status = \(bind: $0.rawValue)" } ?? ""
        let summaries = try await database.withConnection { db in
            let rows = try await db.raw("""
                SELECT c.id, c.alias_sealed, c.phase, c.minor, c.foreign_national, c.safety_concern, c.status, c.updated_at,
                       (SELECT wrapped_key FROM client_keys WHERE client_id = c.id) AS wrapped_key
                FROM \(try await Self.visibleIds(to: context, now: clock.millis(), on: db)) JOIN clients c ON c.id = v.id
                WHERE c.purged_at IS NULL \(filter)
                ORDER BY c.updated_at DESC LIMIT 500
                """).all()
            return try rows.map { row in
                let id = try row.decode(column: "id", as: String.self)
                let sealer = try keys.clientSealer(id, orgId: context.orgId, wrapped: try row.decode(column: "wrapped_key", as: String.self))
                    .row(id, in: "clients", of: context.orgId)
                return ClientSummary(id: id, alias: try sealer.open("alias", from: row), phase: try Self.phase(row),
                                     flags: try Self.flags(row), status: try Self.status(row),
                                     updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)))
            }
        }
        try await audit.record(AuditEvent(context, action: "client.list", objectType: "caseload", objectId: context.userId))
        return summaries
    }

    /// The legal identity, for someone who states why they need it. The reason is kept sealed with
    /// the client; the audit entry says who opened the vault and when.
    public func revealIdentity(_ id: String, reason: String, in context: TenantContext) async throws -> ClientIdentity {
        let reason = try CaseUseCases.checkedReason(reason)
        let now = clock.millis()
        return try await database.transaction { db in
            let row = try await visibleRow(id, for: .revealIdentity, in: context, on: db)
            let key = try self.key(of: row, id, in: context)
            let sealer = key.row(id, in: "clients", of: context.orgId)
            let identity = try row.decode(column: "identity_sealed", as: String?.self)
                .map { try JSONDecoder().decode(ClientIdentity.self, from: Data(try sealer.open($0, column: "identity").utf8)) } ?? ClientIdentity()
            let eventId = Tokens.opaqueId()
            let reasonSealer = key.row(eventId, in: "client_reveals", of: context.orgId)
            try await db.raw("""
                INSERT INTO client_reveals (id, client_id, org_id, user_id, reason_sealed, at)
                VALUES (\(bind: eventId), \(bind: id), \(bind: context.orgId), \(bind: context.userId), \(bind: try reasonSealer.seal(reason, column: "reason")), \(bind: now))
                """).run()
            try await audit.append(audit(context, "client.identity-reveal", client: id), on: db)
            return identity
        }
    }

    // MARK: Changing

    /// Saves the safe-contact profile, refusing a form loaded before someone else's change.
    public func updateContactSafety(_ id: String, _ safety: ContactSafety, expectedVersion: Int?,
                                    in context: TenantContext) async throws -> ClientRecord {
        guard Policy.allows(context, .writeCase) else { throw AccessError.forbidden }
        let safety = try CaseUseCases.checked(safety, today: today())
        let now = clock.millis()
        try await database.transaction { db in
            let row = try await visibleRow(id, for: .writeCase, in: context, on: db)
            try CaseUseCases.checkVersion(expected: expectedVersion, current: Int(try row.decode(column: "version", as: Int64.self)))
            let sealer = try key(of: row, id, in: context).row(id, in: "clients", of: context.orgId)
            try await bump(id, set: "contact_safety_sealed = \(bind: try sealer.seal(try Self.json(safety), column: "contact_safety"))",
                           from: try row.decode(column: "version", as: Int64.self), at: now, on: db)
            try await audit.append(audit(context, "client.contact-safety", client: id), on: db)
        }
        return try await database.withConnection { db in try await load(id, in: context, on: db) }
    }

    /// The client's reporting fields (program, type of exploitation, age band at first exploitation).
    public func updateReporting(_ id: String, _ reporting: ClientReporting, expectedVersion: Int?,
                                in context: TenantContext) async throws -> ClientRecord {
        let reporting = try reporting.validated()
        try await change(id, action: "client.reporting", in: context, mustBeOpen: false) { db, row, _, now in
            let version = try row.decode(column: "version", as: Int64.self)
            try CaseUseCases.checkVersion(expected: expectedVersion, current: Int(version))
            // A program retired since it was recorded stays as it is; a new choice must be an active entry.
            if reporting.program != (try row.decode(column: "program", as: String.self)) {
                try await OrganizationLists.check(reporting.program, .program, orgId: context.orgId, field: "program", on: db)
            }
            try await bump(id, set: """
                program = \(bind: reporting.program), exploitation = \(bind: reporting.exploitation.rawValue),
                first_exploited_age = \(bind: reporting.firstExploitedAge)
                """, from: version, at: now, on: db)
        }
        return try await database.withConnection { db in try await load(id, in: context, on: db) }
    }

    /// A supervisor sets who works the case. Each must be an active case manager or supervisor of
    /// the organization; open tasks of anyone removed move to the first named, so nothing the
    /// client is owed waits on a person who can no longer open the case.
    public func assign(_ id: String, to staff: [String], expectedVersion: Int?, in context: TenantContext) async throws -> ClientRecord {
        try await change(id, action: "client.assign", permission: .assignCaseStaff, in: context, mustBeOpen: false) { db, row, _, now in
            // Checked once the client is known to be visible: a stranger's bad list gets 404 like any other.
            let staff = try CaseUseCases.checkedAssignment(staff)
            let version = try row.decode(column: "version", as: Int64.self)
            try CaseUseCases.checkVersion(expected: expectedVersion, current: Int(version))
            let eligible = Set(try await db.raw("""
                SELECT id FROM users WHERE org_id = \(bind: context.orgId) AND active = 1 AND role IN (\(Self.caseStaffRoles))
                  AND id IN (\(SQLList(staff.map { SQLBind($0) })))
                """).all().map { try $0.decode(column: "id", as: String.self) })
            guard eligible.count == staff.count else {
                throw CaseError.invalid(field: "case_managers", reason: LocalizedText("error_detail_not_case_staff"))
            }
            let current = try await db.raw("SELECT user_id FROM client_staff WHERE client_id = \(bind: id)").all()
                .map { try $0.decode(column: "user_id", as: String.self) }
            let removed = current.filter { !eligible.contains($0) }
            for user in removed {
                try await db.raw("DELETE FROM client_staff WHERE client_id = \(bind: id) AND user_id = \(bind: user)").run()
                try await db.raw("""
                    UPDATE case_tasks SET owner_id = \(bind: staff[0]) WHERE client_id = \(bind: id) AND owner_id = \(bind: user) AND status = 'open'
                    """).run()
            }
            for user in staff where !current.contains(user) {
                try await db.raw("INSERT INTO client_staff (client_id, user_id, assigned_at) VALUES (\(bind: id), \(bind: user), \(bind: now))").run()
            }
            try await bump(id, from: version, at: now, on: db)
        }
        return try await database.withConnection { db in try await load(id, in: context, on: db) }
    }

    /// Whether `userId` is an active case manager or supervisor of the caller's organization: who a
    /// hand-over (from the line, from a screening) may give a new case to.
    static func isCaseStaff(_ userId: String, in context: TenantContext, on db: any SQLDatabase) async throws -> Bool {
        guard !userId.isEmpty else { return false }
        return try await db.raw("""
            SELECT id FROM users WHERE id = \(bind: userId) AND org_id = \(bind: context.orgId) AND active = 1 AND role IN (\(Self.caseStaffRoles))
            """).first() != nil
    }

    /// The organization's active case managers and supervisors, for a supervisor's assignment form,
    /// an advocate handing a caller over and a clinician handing over the person screened.
    public func caseStaff(in context: TenantContext) async throws -> [CaseStaffMember] {
        guard Policy.allows(context, .listCaseStaff) else { throw AccessError.forbidden }
        return try await database.withConnection { db in
            let sealer = try await keys.sealer(for: context.orgId, on: db, now: clock.millis())
            return try await db.raw("""
                SELECT id, role, display_name_sealed FROM users
                WHERE org_id = \(bind: context.orgId) AND active = 1 AND role IN (\(Self.caseStaffRoles)) ORDER BY username
                """).all().map { row in
                let id = try row.decode(column: "id", as: String.self)
                return CaseStaffMember(id: id, displayName: try sealer.row(id, in: "users", of: context.orgId).open("display_name", from: row),
                                       role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .caseManager)
            }
        }
    }

    /// One change to a client in one transaction with its audit entry: the row is read (so a caller
    /// who may not open the client learns nothing), then `body` writes with the client's sealer.
    func change<T: Sendable>(_ id: String, action: String, permission: Permission = .writeCase, in context: TenantContext, mustBeOpen: Bool = true,
                             _ body: @escaping @Sendable (any SQLDatabase, any SQLRow, FieldSealer, Int64) async throws -> T) async throws -> T {
        let now = clock.millis()
        return try await database.transaction { db in
            let row = try await visibleRow(id, for: permission, in: context, on: db)
            if mustBeOpen, try Self.status(row) != .open { throw CaseError.closed }
            let sealer = try key(of: row, id, in: context)
            let result = try await body(db, row, sealer, now)
            try await audit.append(audit(context, action, client: id), on: db)
            return result
        }
    }

    /// Applies one change and moves the version on, only if nobody moved it first.
    /// A new version of the client (with `change` to its row, if any): forms loaded before it are stale.
    func bump(_ id: String, set change: SQLQueryString? = nil, from version: Int64, at now: Int64, on db: any SQLDatabase) async throws {
        let changed: SQLQueryString = change.map { "\($0), " } ?? ""
        let updated = try await db.raw("""
            UPDATE clients SET \(changed)version = version + 1, updated_at = \(bind: now)
            WHERE id = \(bind: id) AND version = \(bind: version) RETURNING id
            """).all()
        guard !updated.isEmpty else { throw CaseError.stale }
    }

    // MARK: Loading

    /// The client row if the caller may open it; otherwise not found, whether it exists or not.
    func visibleRow(_ id: String, for permission: Permission, in context: TenantContext, on db: any SQLDatabase) async throws -> any SQLRow {
        guard Policy.allows(context, permission) else { throw AccessError.forbidden }
        guard let row = try await db.raw("""
            SELECT c.*, (SELECT wrapped_key FROM client_keys WHERE client_id = c.id) AS wrapped_key FROM clients c
            WHERE c.id = \(bind: id) AND c.org_id = \(bind: context.orgId) AND c.purged_at IS NULL
              AND \(Self.visible(to: context, for: permission, now: clock.millis()))
            """).first() else { throw AccessError.notFound }
        return row
    }

    /// The client's key from a row `visibleRow` read (it carries `wrapped_key`).
    func key(of row: any SQLRow, _ id: String, in context: TenantContext) throws -> FieldSealer {
        guard let wrapped = try row.decode(column: "wrapped_key", as: String?.self) else { throw AccessError.notFound }
        return try keys.clientSealer(id, orgId: context.orgId, wrapped: wrapped)
    }

    func load(_ id: String, for permission: Permission = .readClient, in context: TenantContext, on db: any SQLDatabase) async throws -> ClientRecord {
        try await opened(id, for: permission, in: context, on: db).record
    }

    /// The client and its key, read with the visibility check (the key is a column of that row).
    func opened(_ id: String, for permission: Permission = .readClient, in context: TenantContext,
                on db: any SQLDatabase) async throws -> (record: ClientRecord, key: FieldSealer) {
        let row = try await visibleRow(id, for: permission, in: context, on: db)
        let key = try key(of: row, id, in: context)
        let sealer = key.row(id, in: "clients", of: context.orgId)
        let phases = try await db.raw("SELECT phase, at, actor FROM client_phases WHERE client_id = \(bind: id) ORDER BY seq").all().map { row in
            PhaseChange(phase: try Self.phase(row), at: Date(millis: try row.decode(column: "at", as: Int64.self)),
                        by: try row.decode(column: "actor", as: String.self))
        }
        let staff = try await db.raw("SELECT user_id FROM client_staff WHERE client_id = \(bind: id) ORDER BY assigned_at").all()
            .map { try $0.decode(column: "user_id", as: String.self) }
        let decoder = JSONDecoder()
        let record = ClientRecord(
            id: id, alias: try sealer.open("alias", from: row), phase: try Self.phase(row), phaseHistory: phases, flags: try Self.flags(row),
            languages: try decoder.decode([String].self, from: Data(try sealer.open("languages", from: row).utf8)),
            caseManagers: staff, status: try Self.status(row),
            contactSafety: try decoder.decode(ContactSafety.self, from: Data(try sealer.open("contact_safety", from: row).utf8)),
            hasIdentity: try row.decode(column: "identity_sealed", as: String?.self) != nil,
            version: Int(try row.decode(column: "version", as: Int64.self)),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            reporting: ClientReporting(program: try row.decode(column: "program", as: String.self),
                                       exploitation: ExploitationType(rawValue: try row.decode(column: "exploitation", as: String.self)) ?? .notDisclosed,
                                       firstExploitedAge: try row.decode(column: "first_exploited_age", as: String.self)))
        return (record, key)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func phase(_ row: any SQLRow) throws -> CasePhase { CasePhase(rawValue: try row.decode(column: "phase", as: String.self)) ?? .survive }

    static func status(_ row: any SQLRow) throws -> ClientRecord.Status {
        ClientRecord.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open
    }

    static func flags(_ row: any SQLRow) throws -> ClientFlags {
        ClientFlags(minor: try row.decode(column: "minor", as: Int64.self) != 0,
                    foreignNational: try row.decode(column: "foreign_national", as: Int64.self) != 0,
                    safetyConcern: try row.decode(column: "safety_concern", as: Int64.self) != 0)
    }
}
