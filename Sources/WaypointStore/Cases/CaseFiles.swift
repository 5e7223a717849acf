import Foundation
import SQLKit
import WaypointCore

extension CaseRecords {
    /// The whole case for its page or the API, in one connection, audited as one read.
    public func caseFile(_ clientId: String, in context: TenantContext) async throws -> CaseFile {
        try await caseFile(clientId, for: .readClient, in: context)
    }

    /// The case file for a purpose the caller must be allowed (reading it; exporting it under a consent).
    func caseFile(_ clientId: String, for access: Permission, in context: TenantContext) async throws -> CaseFile {
        let now = clock.millis()
        let policy = clients.policy
        let file = try await database.withConnection { db in
            let (client, sealer) = try await clients.opened(clientId, for: access, in: context, on: db)
            let orgId = context.orgId
            let consents = try await db.raw("SELECT * FROM consents WHERE client_id = \(bind: clientId) ORDER BY created_at DESC").all().map { row in
                try Consents.record(from: row, sealer: sealer.row(try row.decode(column: "id", as: String.self), in: "consents", of: orgId))
            }
            let goals = try await db.raw("SELECT * FROM case_goals WHERE client_id = \(bind: clientId) ORDER BY created_at").all().map { row in
                let id = try row.decode(column: "id", as: String.self)
                let body = try JSONDecoder().decode(GoalBody.self, from: Data(try sealer.row(id, in: "case_goals", of: orgId).open("body", from: row).utf8))
                return Goal(id: id, domain: NeedDomain(rawValue: try row.decode(column: "domain", as: String.self)) ?? .safety, text: body.text,
                            steps: body.steps, barriers: body.barriers, targetDate: try row.decode(column: "target_date", as: String.self),
                            status: Goal.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .active,
                            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)))
            }
            let services = try await db.raw("SELECT * FROM case_services WHERE client_id = \(bind: clientId) ORDER BY delivered_on DESC, created_at DESC").all().map { row in
                let id = try row.decode(column: "id", as: String.self)
                return ServiceDelivered(id: id, type: ServiceType(rawValue: try row.decode(column: "service_type", as: String.self)) ?? .caseManagement,
                                        deliveredOn: try row.decode(column: "delivered_on", as: String.self),
                                        units: Int(try row.decode(column: "units", as: Int64.self)), staffId: try row.decode(column: "staff_id", as: String.self),
                                        fundingSource: try row.decode(column: "funding_source", as: String.self),
                                        note: try sealer.row(id, in: "case_services", of: orgId).open("note", from: row))
            }
            let tasks = try await db.raw("SELECT * FROM case_tasks WHERE client_id = \(bind: clientId) ORDER BY status DESC, due_on").all().map { row in
                let id = try row.decode(column: "id", as: String.self)
                return CaseTask(id: id, title: try sealer.row(id, in: "case_tasks", of: orgId).open("title", from: row),
                                due: try row.decode(column: "due_on", as: String.self), ownerId: try row.decode(column: "owner_id", as: String.self),
                                status: CaseTask.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
                                createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
            }
            let referrals = try await db.raw("""
                SELECT r.id, r.status, r.service_id, r.service_name, r.created_at, r.updated_at, c.revoked_at
                FROM referrals r LEFT JOIN consents c ON c.id = r.consent_id
                WHERE (r.client_id = \(bind: clientId) OR r.case_id = \(bind: clientId)) AND r.org_id = \(bind: orgId) ORDER BY r.created_at DESC
                """).all().map { row in
                let status = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .sent
                let created = Date(millis: try row.decode(column: "created_at", as: Int64.self))
                return ReferralSummary(id: try row.decode(column: "id", as: String.self), status: status,
                                       serviceName: try row.decode(column: "service_name", as: String.self), createdAt: created,
                                       updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                                       overdue: policy.isOverdue(status: status, sentAt: created, now: Date(millis: now)),
                                       consentWithdrawnAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millis:)),
                                       serviceId: try row.decode(column: "service_id", as: String.self))
            }
            let closures = try await db.raw("SELECT * FROM client_closures WHERE client_id = \(bind: clientId) ORDER BY seq").all().map { row in
                let seq = try row.decode(column: "seq", as: Int64.self)
                return Closure(reason: ClosureReason(rawValue: try row.decode(column: "reason", as: String.self)) ?? .other,
                               outcome: try sealer.row(clientId, in: "client_closures", of: orgId).open(
                                   try row.decode(column: "outcome_sealed", as: String.self), column: "outcome-\(seq)"),
                               closedAt: Date(millis: try row.decode(column: "closed_at", as: Int64.self)),
                               closedBy: try row.decode(column: "closed_by", as: String.self),
                               reopenedAt: try row.decode(column: "reopened_at", as: Int64?.self).map(Date.init(millis:)))
            }
            let screenings = try await db.raw("""
                SELECT s.id, s.instrument, s.result, s.created_at, a.attached_at FROM client_screenings a JOIN screenings s ON s.id = a.screening_id
                WHERE a.client_id = \(bind: clientId) ORDER BY a.attached_at DESC
                """).all().map { row in
                AttachedScreening(id: try row.decode(column: "id", as: String.self), instrument: try row.decode(column: "instrument", as: String.self),
                                  result: try row.decode(column: "result", as: String.self),
                                  screenedAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                                  attachedAt: Date(millis: try row.decode(column: "attached_at", as: Int64.self)))
            }
            return CaseFile(client: client, consents: consents,
                            assessments: try await Self.assessments(of: clientId, orgId: orgId, sealer: sealer, on: db),
                            goals: goals, services: services, notes: try await Self.notes(of: clientId, for: context, sealer: sealer, at: now, on: db),
                            tasks: tasks, referrals: referrals, closures: closures, screenings: screenings,
                            eligibility: try await EligibilityRequests.records(of: clientId, key: sealer, context: context, on: db),
                            stays: try await Housing.stays(of: clientId, on: db), vouchers: try await Housing.vouchers(of: clientId, on: db))
        }
        try await audit.record(clients.audit(context, "client.read", client: clientId))
        return file
    }
}

extension CaseRecords {
    /// The case as a FHIR Bundle for the recipient a consent of the client's names: sending it out
    /// is an outbound path, so the consent must be live, and only what it covers is included.
    public func fhirExport(_ clientId: String, consentId: String?, in context: TenantContext) async throws -> JSONValue {
        let file = try await caseFile(clientId, for: .exportClient, in: context)
        let consent = file.consents.first { $0.id == consentId }
        let covering = try ClientFHIR.checkExport(consent: consent, clientId: clientId, today: clients.today())
        try await audit.record(clients.audit(context, "client.export", client: clientId))
        return ClientFHIR.bundle(file, consent: covering, now: clock.now())
    }
}
