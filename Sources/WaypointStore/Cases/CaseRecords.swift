import Foundation
import SQLKit
import WaypointCore

/// The parts of a case: assessments, goals, services, notes, tasks, phase, closure and attached
/// screenings. Each write is one transaction with its audit entry against the client.
public struct CaseRecords: Repository {
    let shared: StoreContext
    let clients: Clients

    private func today() -> String { clients.today() }

    /// A needs assessment, compared domain by domain with the latest earlier one.
    public func addAssessment(_ new: NewAssessment, to clientId: String, in context: TenantContext) async throws -> Assessment {
        let today = today()
        return try await clients.change(clientId, action: "client.assessment", in: context) { db, _, sealer, now in
            let latest = try await Self.assessments(of: clientId, orgId: context.orgId, sealer: sealer, on: db).last
            let previous = Dictionary((latest?.scores ?? []).map { ($0.domain, $0.level) }, uniquingKeysWith: { a, _ in a })
            let assessment = try CaseUseCases.assessment(new, id: Tokens.opaqueId(), by: context.userId, previous: previous, today: today)
            let row = sealer.row(assessment.id, in: "case_assessments", of: context.orgId)
            try await db.raw("""
                INSERT INTO case_assessments (id, client_id, org_id, assessed_on, assessor_id, scores_sealed, note_sealed, created_at)
                VALUES (\(bind: assessment.id), \(bind: clientId), \(bind: context.orgId), \(bind: assessment.assessedOn), \(bind: context.userId),
                        \(bind: try row.seal(try Clients.json(assessment.scores), column: "scores")), \(bind: try row.seal(assessment.note, column: "note")), \(bind: now))
                """).run()
            try await Self.touch(clientId, contact: false, at: now, on: db)
            return assessment
        }
    }

    public func addGoal(_ new: NewGoal, to clientId: String, in context: TenantContext) async throws -> Goal {
        let today = today()
        return try await clients.change(clientId, action: "client.goal", in: context) { db, _, sealer, now in
            let goal = try CaseUseCases.goal(new, id: Tokens.opaqueId(), today: today, now: Date(millis: now))
            try await db.raw("""
                INSERT INTO case_goals (id, client_id, org_id, domain, body_sealed, target_date, status, created_by, created_at, updated_at)
                VALUES (\(bind: goal.id), \(bind: clientId), \(bind: context.orgId), \(bind: goal.domain.rawValue),
                        \(bind: try sealer.row(goal.id, in: "case_goals", of: context.orgId).seal(try Clients.json(GoalBody(goal)), column: "body")),
                        \(bind: goal.targetDate), \(bind: goal.status.rawValue), \(bind: context.userId), \(bind: now), \(bind: now))
                """).run()
            try await Self.touch(clientId, contact: false, at: now, on: db)
            return goal
        }
    }

    /// Moves a goal to a new status (achieved, paused, dropped, active again).
    public func setGoalStatus(_ goalId: String, of clientId: String, to status: Goal.Status, in context: TenantContext) async throws {
        try await clients.change(clientId, action: "client.goal-status", in: context) { db, _, _, now in
            let updated = try await db.raw("""
                UPDATE case_goals SET status = \(bind: status.rawValue), updated_at = \(bind: now)
                WHERE id = \(bind: goalId) AND client_id = \(bind: clientId) RETURNING id
                """).all()
            guard !updated.isEmpty else { throw AccessError.notFound }
            try await Self.touch(clientId, contact: false, at: now, on: db)
        }
    }

    public func addService(_ new: NewService, to clientId: String, in context: TenantContext) async throws -> ServiceDelivered {
        let today = today()
        let overrideReason = try FundRules.checkedOverride(new.overrideReason, role: context.role)
        return try await clients.change(clientId, action: "client.service", in: context) { db, _, sealer, now in
            let service = try CaseUseCases.service(new, id: Tokens.opaqueId(), by: context.userId, today: today)
            // Charged to a fund, the fund names it; otherwise one of the organization's funding sources, never free text.
            if (new.fundId ?? "").isEmpty {
                try await OrganizationLists.check(service.fundingSource, .fundingSource, orgId: context.orgId, field: "funding_source", on: db)
            }
            return try await deliver(service, fundId: new.fundId, overrideReason: overrideReason, to: clientId, in: context, key: sealer, at: now, on: db)
        }
    }

    /// Records a checked service, charged first to `fundId` when one is named (a refused charge
    /// writes nothing): also the nights of a shelter stay and the trips of a transport voucher.
    func deliver(_ checked: ServiceDelivered, fundId: String?, overrideReason: String?, to clientId: String, in context: TenantContext,
                 key: FieldSealer, at now: Int64, on db: any SQLDatabase) async throws -> ServiceDelivered {
        var service = checked
        if let fundId, !fundId.isEmpty {
            let charge = try await Funds(shared: shared).charge(service, to: fundId, of: clientId, key: key, overrideReason: overrideReason,
                                                                in: context, at: now, on: db)
            service = ServiceDelivered(id: service.id, type: service.type, deliveredOn: service.deliveredOn, units: service.units,
                                       staffId: service.staffId, fundingSource: charge.fundName, note: service.note)
        }
        try await db.raw("""
            INSERT INTO case_services (id, client_id, org_id, service_type, delivered_on, units, staff_id, funding_source, note_sealed, created_at)
            VALUES (\(bind: service.id), \(bind: clientId), \(bind: context.orgId), \(bind: service.type.rawValue), \(bind: service.deliveredOn),
                    \(bind: Int64(service.units)), \(bind: context.userId), \(bind: service.fundingSource),
                    \(bind: try key.row(service.id, in: "case_services", of: context.orgId).seal(service.note, column: "note")), \(bind: now))
            """).run()
        try await Self.touch(clientId, contact: true, at: now, on: db)
        return service
    }

    public func addNote(_ new: NewNote, to clientId: String, in context: TenantContext) async throws -> CaseNote {
        try await clients.change(clientId, action: "client.note", in: context) { db, _, sealer, now in
            let note = try CaseUseCases.note(new, id: Tokens.opaqueId(), by: context, now: Date(millis: now))
            try await Self.insert(note, of: clientId, in: context, sealer: sealer, at: now, on: db)
            try await Self.touch(clientId, contact: true, at: now, on: db)
            return note
        }
    }

    /// Writes a checked note, sealed with the client's key (also the first note of a client opened from a crisis contact).
    static func insert(_ note: CaseNote, of clientId: String, in context: TenantContext, sealer: FieldSealer, at now: Int64,
                       on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO case_notes (id, client_id, org_id, author_id, sensitivity, text_sealed, created_at)
            VALUES (\(bind: note.id), \(bind: clientId), \(bind: context.orgId), \(bind: context.userId), \(bind: note.sensitivity.rawValue),
                    \(bind: try sealer.row(note.id, in: "case_notes", of: context.orgId).seal(note.text, column: "text")), \(bind: now))
            """).run()
    }

    /// A supervisor co-signs a note they may read (so never a therapy or privileged note of another's).
    public func cosign(_ noteId: String, of clientId: String, in context: TenantContext) async throws -> CaseNote {
        try await clients.change(clientId, action: "client.note-cosign", in: context, mustBeOpen: false) { db, _, sealer, now in
            guard let note = try await Self.notes(of: clientId, for: context, sealer: sealer, at: now, on: db).first(where: { $0.id == noteId }) else {
                throw AccessError.notFound
            }
            try CaseUseCases.checkCosign(note, by: context)
            try await db.raw("""
                UPDATE case_notes SET cosigned_by = \(bind: context.userId), cosigned_at = \(bind: now) WHERE id = \(bind: noteId) AND cosigned_by IS NULL
                """).run()
            return CaseNote(id: note.id, authorId: note.authorId, sensitivity: note.sensitivity, text: note.text, createdAt: note.createdAt,
                            cosignedBy: context.userId, cosignedAt: Date(millis: now))
        }
    }

    public func addTask(_ new: NewTask, to clientId: String, in context: TenantContext) async throws -> CaseTask {
        try await clients.change(clientId, action: "client.task", in: context) { db, _, sealer, now in
            let staff = try await db.raw("SELECT user_id FROM client_staff WHERE client_id = \(bind: clientId)").all()
                .map { try $0.decode(column: "user_id", as: String.self) }
            let task = try CaseUseCases.task(new, id: Tokens.opaqueId(), by: context.userId, staff: staff, now: Date(millis: now))
            try await db.raw("""
                INSERT INTO case_tasks (id, client_id, org_id, owner_id, title_sealed, due_on, status, created_by, created_at)
                VALUES (\(bind: task.id), \(bind: clientId), \(bind: context.orgId), \(bind: task.ownerId),
                        \(bind: try sealer.row(task.id, in: "case_tasks", of: context.orgId).seal(task.title, column: "title")),
                        \(bind: task.due), 'open', \(bind: context.userId), \(bind: now))
                """).run()
            return task
        }
    }

    /// Marks a task done; marking it again changes nothing.
    public func completeTask(_ taskId: String, of clientId: String, in context: TenantContext) async throws {
        try await clients.change(clientId, action: "client.task-done", in: context, mustBeOpen: false) { db, _, _, now in
            guard try await db.raw("SELECT id FROM case_tasks WHERE id = \(bind: taskId) AND client_id = \(bind: clientId)").first() != nil else {
                throw AccessError.notFound
            }
            try await db.raw("""
                UPDATE case_tasks SET status = 'done', done_at = \(bind: now) WHERE id = \(bind: taskId) AND status = 'open'
                """).run()
        }
    }

    /// Moves the client to another phase; the history keeps every step.
    public func setPhase(_ phase: CasePhase, of clientId: String, expectedVersion: Int?, in context: TenantContext) async throws {
        try await clients.change(clientId, action: "client.phase", in: context) { db, row, _, now in
            let version = try row.decode(column: "version", as: Int64.self)
            try CaseUseCases.checkVersion(expected: expectedVersion, current: Int(version))
            try await clients.bump(clientId, set: "phase = \(bind: phase.rawValue)", from: version, at: now, on: db)
            let seq = try await db.raw("SELECT COALESCE(MAX(seq), 0) AS top FROM client_phases WHERE client_id = \(bind: clientId)").first()!
                .decode(column: "top", as: Int64.self) + 1
            try await db.raw("""
                INSERT INTO client_phases (client_id, seq, phase, at, actor) VALUES (\(bind: clientId), \(bind: seq), \(bind: phase.rawValue), \(bind: now), \(bind: context.userId))
                """).run()
        }
    }

    /// Closes the case with a reason and outcome. Everything stays; reopening adds to the history.
    public func close(_ clientId: String, reason: ClosureReason, outcome: String, expectedVersion: Int?, in context: TenantContext) async throws -> Closure {
        try await clients.change(clientId, action: "client.close", in: context, mustBeOpen: false) { db, row, sealer, now in
            let version = try row.decode(column: "version", as: Int64.self)
            try CaseUseCases.checkVersion(expected: expectedVersion, current: Int(version))
            let record = try await clients.load(clientId, in: context, on: db)
            let closure = try CaseUseCases.closure(reason: reason, outcome: outcome, client: record, by: context.userId, now: Date(millis: now))
            try await clients.bump(clientId, set: "status = 'closed'", from: version, at: now, on: db)
            let seq = try await db.raw("SELECT COALESCE(MAX(seq), 0) AS top FROM client_closures WHERE client_id = \(bind: clientId)").first()!
                .decode(column: "top", as: Int64.self) + 1
            try await db.raw("""
                INSERT INTO client_closures (client_id, seq, reason, outcome_sealed, closed_at, closed_by)
                VALUES (\(bind: clientId), \(bind: seq), \(bind: reason.rawValue),
                        \(bind: try sealer.row(clientId, in: "client_closures", of: context.orgId).seal(closure.outcome, column: "outcome-\(seq)")),
                        \(bind: now), \(bind: context.userId))
                """).run()
            return closure
        }
    }

    public func reopen(_ clientId: String, in context: TenantContext) async throws {
        try await clients.change(clientId, action: "client.reopen", in: context, mustBeOpen: false) { db, row, _, now in
            guard try Clients.status(row) == .closed else { throw CaseError.invalid(field: "status", reason: LocalizedText("error_detail_not_closed")) }
            try await clients.bump(clientId, set: "status = 'open'", from: try row.decode(column: "version", as: Int64.self), at: now, on: db)
            try await db.raw("""
                UPDATE client_closures SET reopened_at = \(bind: now), reopened_by = \(bind: context.userId)
                WHERE client_id = \(bind: clientId) AND reopened_at IS NULL
                """).run()
        }
    }

    /// Confirms a screening belongs to the case: only one its clinician handed over to this client
    /// (`handOver` attaches it). A screening id alone opens nothing: knowing one is not a reason to
    /// read what the person answered.
    public func attachScreening(_ screeningId: String, to clientId: String, in context: TenantContext) async throws {
        try await clients.change(clientId, action: "client.screening", in: context) { db, _, _, _ in
            guard try await db.raw("""
                SELECT a.screening_id FROM client_screenings a JOIN screenings s ON s.id = a.screening_id
                WHERE a.client_id = \(bind: clientId) AND a.screening_id = \(bind: screeningId) AND s.org_id = \(bind: context.orgId)
                """).first() != nil else {
                throw CaseError.invalid(field: "screening_id", reason: LocalizedText("error_detail_screening_not_handed_over"))
            }
        }
    }

    // MARK: Reading

    static func touch(_ clientId: String, contact: Bool, at now: Int64, on db: any SQLDatabase) async throws {
        let lastContact: SQLQueryString = contact ? ", last_contact_at = \(bind: now)" : ""
        try await db.raw("UPDATE clients SET updated_at = \(bind: now)\(lastContact) WHERE id = \(bind: clientId)").run()
    }

    static func assessments(of clientId: String, orgId: String, sealer: FieldSealer, on db: any SQLDatabase) async throws -> [Assessment] {
        try await db.raw("SELECT * FROM case_assessments WHERE client_id = \(bind: clientId) ORDER BY assessed_on, created_at").all().map { row in
            let id = try row.decode(column: "id", as: String.self)
            let sealed = sealer.row(id, in: "case_assessments", of: orgId)
            return Assessment(id: id, assessedOn: try row.decode(column: "assessed_on", as: String.self),
                              assessorId: try row.decode(column: "assessor_id", as: String.self),
                              scores: try JSONDecoder().decode([AssessmentScore].self, from: Data(try sealed.open("scores", from: row).utf8)),
                              note: try sealed.open("note", from: row))
        }
    }

    /// The notes this caller may read: labelled notes only for their author and the roles the label allows.
    static func notes(of clientId: String, for context: TenantContext, sealer: FieldSealer, at now: Int64, on db: any SQLDatabase) async throws -> [CaseNote] {
        // Substance-use notes reach the team's supervisor through the team only, never through break-the-glass.
        let onTheTeam = try await db.raw("""
            SELECT c.id FROM clients c WHERE c.id = \(bind: clientId) AND \(Clients.visible(to: context, for: .readSubstanceUseNotes, now: now))
            """).first() != nil
        return try await db.raw("SELECT * FROM case_notes WHERE client_id = \(bind: clientId) ORDER BY created_at DESC").all().compactMap { row in
            let author = try row.decode(column: "author_id", as: String.self)
            let sensitivity = NoteSensitivity(rawValue: try row.decode(column: "sensitivity", as: String.self)) ?? .legalPrivileged
            guard sensitivity.mayRead(context.role, isAuthor: author == context.userId, onTheTeam: onTheTeam) else { return nil }
            let id = try row.decode(column: "id", as: String.self)
            return CaseNote(id: id, authorId: author, sensitivity: sensitivity,
                            text: try sealer.row(id, in: "case_notes", of: context.orgId).open("text", from: row),
                            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                            cosignedBy: try row.decode(column: "cosigned_by", as: String?.self),
                            cosignedAt: try row.decode(column: "cosigned_at", as: Int64?.self).map(Date.init(millis:)))
        }
    }

    /// A goal's free text, sealed as one value.
    struct GoalBody: Codable {
        let text: String
        let steps: [String]
        let barriers: String
        init(_ goal: Goal) {
            text = goal.text
            steps = goal.steps
            barriers = goal.barriers
        }
    }
}
