import Foundation
import SQLKit
import WaypointCore

extension CaseRecords {
    /// The screening's clinician opens a case for the person screened, with their agreement,
    /// assigned to a case manager: the screening attached, the flags it recorded, and the child's
    /// eligibility request started when the plan called for one. One transaction; a screening is
    /// handed over once.
    public func handOver(screening screeningId: String, _ handover: ScreeningHandover, in context: TenantContext) async throws -> HandedOver {
        guard Policy.allows(context.role, .handOverScreening) else { throw AccessError.forbidden }
        let record = try await Screenings(shared: shared).find(screeningId, in: context)  // the clinician's own, audited
        let draft = try CaseUseCases.checked(try ScreeningHandoverRules.client(from: record, handover), today: clients.today())
        let now = clock.millis()
        return try await database.transaction { db in
            // Once only, even after the case is purged (the screening remembers, the case's link to it is gone).
            let handed = try await db.raw("SELECT handed_over FROM screenings WHERE id = \(bind: screeningId)").first()?.decode(column: "handed_over", as: Int64.self)
            guard handed == 0 else {
                throw CaseError.invalid(field: "screening_id", reason: LocalizedText("error_detail_handover_twice"))
            }
            guard try await Clients.isCaseStaff(handover.caseManagerId, in: context, on: db) else {
                throw CaseError.invalid(field: "case_manager_id", reason: LocalizedText("error_detail_not_case_staff"))
            }
            let (clientId, key) = try await clients.insert(draft, contactSafety: ContactSafety(), assignedTo: handover.caseManagerId,
                                                           in: context, at: now, on: db)
            try await db.raw("UPDATE screenings SET handed_over = 1 WHERE id = \(bind: screeningId)").run()
            try await db.raw("""
                INSERT INTO client_screenings (client_id, screening_id, attached_by, attached_at)
                VALUES (\(bind: clientId), \(bind: screeningId), \(bind: context.userId), \(bind: now))
                """).run()
            // The consent the person gave at the screening, and the referrals made under it, go with them:
            // the case team sees them, follows them up and can withdraw the consent.
            try await db.raw("""
                UPDATE referrals SET case_id = \(bind: clientId) WHERE screening_id = \(bind: screeningId) AND org_id = \(bind: context.orgId)
                """).run()
            for row in try await db.raw("""
                SELECT DISTINCT consent_id FROM referrals WHERE screening_id = \(bind: screeningId) AND org_id = \(bind: context.orgId) AND consent_id IS NOT NULL
                """).all() {
                try await Consents.attach(try row.decode(column: "consent_id", as: String.self), to: clientId, orgId: context.orgId, on: db, keys: keys, now: now)
            }
            var eligibilityId: String?
            if let request = ScreeningHandoverRules.eligibility(for: record) {
                let checked = try EligibilityRules.checked(request, flags: draft.flags ?? ClientFlags(), now: Date(millis: now))
                let started = EligibilityRules.start(checked, id: Tokens.opaqueId(), clientId: clientId, by: context.userId, now: Date(millis: now),
                                                     timeZone: clients.policy.timeZone)
                try await EligibilityRequests.insert(started, sealer: key, in: context, at: now, on: db)
                eligibilityId = started.id
            }
            try await audit.append(AuditEvent(context, action: "screening.handover", objectType: "screening", objectId: screeningId), on: db)
            return HandedOver(clientId: clientId, eligibilityId: eligibilityId)
        }
    }

    /// Whether the clinician's screening has been handed over (it is attached to a case); nothing about the case.
    public func isHandedOver(screening screeningId: String, in context: TenantContext) async throws -> Bool {
        guard Policy.allows(context.role, .handOverScreening) else { throw AccessError.forbidden }
        return try await database.withConnection { db in
            try await db.raw("""
                SELECT id FROM screenings
                WHERE id = \(bind: screeningId) AND org_id = \(bind: context.orgId) AND clinician_id = \(bind: context.userId) AND handed_over = 1
                """).first() != nil
        }
    }
}
