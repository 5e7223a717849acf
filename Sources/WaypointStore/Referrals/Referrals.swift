import Foundation
import SQLKit
import WaypointCore

/// Closed-loop referrals: created with consent, answered by the receiving service through a signed
/// link, closed by the sender. Every move is an appended event and an audit entry.
public struct Referrals: Repository {
    let shared: StoreContext
    let directory: Directory
    public var policy = ReferralPolicy()

    static let receiverActor = "service-link"

    private func today() -> String { policy.today(at: clock.now()) }

    /// Sends a referral as `ReferralUseCases.create` decides it. The consent given at the screening
    /// is stored as a consent record of its own, so withdrawing it ends the link like any other.
    /// Returns the record and the receiver's link token (shown once).
    public func create(_ new: NewReferral, in context: TenantContext) async throws -> (record: ReferralRecord, link: String) {
        let id = Tokens.opaqueId()
        let now = clock.millis()
        let target = try await directory.serviceHeader(new.serviceId)
        let decision = try ReferralUseCases.create(new, by: context.role, target: target, policy: policy, now: now, id: id, nonce: Tokens.opaqueId())
        let consent = ConsentUseCases.record(from: decision.consent, id: Tokens.opaqueId(), serviceId: new.serviceId, serviceName: target?.name ?? "",
                                             today: today(), now: Date(millis: now))
        let sent = Sending(id: id, serviceId: new.serviceId, target: target, screeningId: new.screeningId, clientId: nil, consentId: consent.id)
        return try await store(sent, at: now, in: context) { db in
            if let screening = new.screeningId {
                guard let owned = try await db.raw("""
                    SELECT handed_over FROM screenings WHERE id = \(bind: screening) AND org_id = \(bind: context.orgId) AND clinician_id = \(bind: context.userId)
                    """).first() else { throw ReferralError.invalidPayload(field: "screening_id", reason: LocalizedText("error_detail_screening_not_yours")) }
                // Handed over, the person's referrals are their case's: made from the case, under its consents.
                guard try owned.decode(column: "handed_over", as: Int64.self) == 0 else {
                    throw ReferralError.invalidPayload(field: "screening_id", reason: LocalizedText("error_detail_screening_handed_over"))
                }
            }
            try await Consents.insert(consent, orgId: context.orgId, createdBy: context.userId, on: db, keys: keys)
            return decision
        }
    }

    /// A referral from a case, under one of the client's consents, decided inside the transaction
    /// that stores it (a consent withdrawn a moment earlier is seen). Sealed with the client's key.
    public func createFromCase(_ clientId: String, serviceId: String, consentId: String?, payload: ReferralPayload,
                               in context: TenantContext) async throws -> (record: ReferralRecord, link: String) {
        guard Policy.allows(context, .referFromCase) else { throw AccessError.forbidden }
        let id = Tokens.opaqueId()
        let now = clock.millis()
        let target = try await directory.serviceHeader(serviceId)
        let clients = Clients(shared: shared, policy: policy)
        let sent = Sending(id: id, serviceId: serviceId, target: target, screeningId: nil, clientId: clientId, consentId: consentId)
        return try await store(sent, at: now, in: context) { db in
            let client = try await clients.load(clientId, for: .referFromCase, in: context, on: db)
            var consent: ConsentRecord?
            if let consentId {
                // Another client's consent is as good as none.
                consent = try await Consents.find(consentId, orgId: context.orgId, on: db, keys: keys, now: now).flatMap { $0.clientId == clientId ? $0 : nil }
            }
            return try ReferralUseCases.createFromCase(payload, client: client, consent: consent, serviceId: serviceId, target: target,
                                                       by: context.role, policy: policy, now: now, id: id, nonce: Tokens.opaqueId())
        }
    }

    /// What a new referral is stored with, besides what the use case decided.
    struct Sending: Sendable {
        let id: String
        let serviceId: String
        let target: ReferralTarget?
        let screeningId: String?
        let clientId: String?
        let consentId: String?
    }

    /// One transaction: `decide` checks what must be checked against stored rows and returns the
    /// decision; the referral, its first event and the audit entry are written with it.
    private func store(_ sent: Sending, at now: Int64, in context: TenantContext,
                       decide: @escaping @Sendable (any SQLDatabase) async throws -> ReferralDecision) async throws -> (record: ReferralRecord, link: String) {
        let encoder = JSONEncoder()
        let serviceName = sent.target?.name ?? ""
        let (decision, organization) = try await database.transaction { db -> (ReferralDecision, String) in
            let decision = try await decide(db)
            let sealer = try await sealer(orgId: context.orgId, clientId: sent.clientId, on: db, now: now).row(sent.id, in: "referrals", of: context.orgId)
            try await db.raw("""
                INSERT INTO referrals (id, org_id, sender_id, service_id, receiver_org, screening_id, status, do_not_contact,
                                       consent_sealed, payload_sealed, service_name, link_expires_at, link_nonce, created_at, updated_at,
                                       consent_id, client_id)
                VALUES (\(bind: sent.id), \(bind: context.orgId), \(bind: context.userId), \(bind: sent.serviceId), \(bind: sent.target?.owner),
                        \(bind: sent.screeningId), \(bind: ReferralStatus.sent.rawValue), \(bind: decision.payload.doNotContact ? 1 : 0),
                        \(bind: try sealer.seal(String(decoding: try encoder.encode(decision.consent), as: UTF8.self), column: "consent")),
                        \(bind: try sealer.seal(String(decoding: try encoder.encode(decision.payload), as: UTF8.self), column: "payload")),
                        \(bind: serviceName), \(bind: decision.link.expiresAt), \(bind: decision.link.nonce), \(bind: now), \(bind: now),
                        \(bind: sent.consentId), \(bind: sent.clientId))
                """).run()
            try await appendEvent(sent.id, orgId: context.orgId, clientId: sent.clientId, party: .sender, actor: context.userId, status: .sent,
                                  reason: nil, note: "", at: now, on: db)
            try await audit.append(AuditEvent(context, action: "referral.create", objectType: "referral", objectId: sent.id), on: db)
            if let client = sent.clientId {
                try await audit.append(AuditEvent(context, action: "client.referral", objectType: "client", objectId: client), on: db)
            }
            return (decision, try await Organizations.name(of: context.orgId, on: db) ?? "")
        }
        StoreMetrics.counter("waypoint_referral_moves_total", [("status", "sent"), ("party", "sender")]).increment()
        let record = ReferralRecord(
            id: sent.id, status: .sent, createdAt: Date(millis: now), updatedAt: Date(millis: now), senderOrganization: organization,
            serviceId: sent.serviceId, serviceName: serviceName, screeningId: sent.screeningId, consent: decision.consent, payload: decision.payload,
            events: [ReferralEvent(at: Date(millis: now), party: .sender, actor: context.userId, status: .sent, reason: nil, note: "")],
            clientId: sent.clientId, consentId: sent.consentId)
        return (record, decision.link.token(key: keys.referralLinkKey))
    }

    /// A case's referrals are sealed with the client's key (a purge shreds them with the rest of
    /// the case); a screening's with the organization's.
    private func sealer(orgId: String, clientId: String?, on db: any SQLDatabase, now: Int64) async throws -> FieldSealer {
        if let clientId { return try await keys.clientSealer(clientId, orgId: orgId, on: db, now: now) }
        return try await keys.sealer(for: orgId, on: db, now: now)
    }

    /// Issues a fresh link for a sender who lost theirs. Its new nonce voids every earlier link.
    /// Returns the referral as well, read in the same transaction: one read, one audit entry.
    public func newLink(_ id: String, in context: TenantContext) async throws -> (record: ReferralRecord, link: String) {
        guard Policy.allows(context.role, .followReferral) else { throw AccessError.forbidden }
        let now = clock.millis()
        let (record, link) = try await database.transaction { db -> (ReferralRecord, ReceiverLink) in
            let (record, _) = try await load(id, on: db, allowed: follows(context))
            let link = try ReferralUseCases.newLink(for: record, policy: policy, now: now, nonce: Tokens.opaqueId())
            try await db.raw("""
                UPDATE referrals SET link_expires_at = \(bind: link.expiresAt), link_nonce = \(bind: link.nonce)
                WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)
                """).run()
            try await audit.append(AuditEvent(context, action: "referral.link", objectType: "referral", objectId: id), on: db)
            return (record, link)
        }
        return (record, link.token(key: keys.referralLinkKey))
    }

    /// Who follows a referral up (reads, moves, exports it, issues a new link): a case's referrals —
    /// also those made at the screening the case came from — the case team as it is now (someone
    /// taken off the case no longer does); a screening's not handed over, the clinician who sent it.
    /// Colleagues in the same organization have no need to see who was referred where.
    private func follows(_ context: TenantContext) -> Allowed {
        { row, db in
            guard try row.decode(column: "org_id", as: String.self) == context.orgId, Policy.allows(context, .followReferral) else { return false }
            guard let client = try row.decode(column: "client_id", as: String?.self) ?? row.decode(column: "case_id", as: String?.self) else {
                return try row.decode(column: "sender_id", as: String.self) == context.userId
            }
            return try await db.raw("""
                SELECT c.id FROM clients c WHERE c.id = \(bind: client) AND c.org_id = \(bind: context.orgId) AND c.purged_at IS NULL
                  AND \(Clients.visible(to: context, for: .followCaseReferral, now: clock.millis()))
                """).first() != nil
        }
    }

    /// Whether a referral row may be seen by whoever asks (the sender's side, or a receiver's link).
    typealias Allowed = @Sendable (any SQLRow, any SQLDatabase) async throws -> Bool
    private static let anyone: Allowed = { _, _ in true }

    // MARK: Reading

    /// The sender's view: the clinician who sent it.
    public func find(_ id: String, in context: TenantContext) async throws -> ReferralRecord {
        guard Policy.allows(context.role, .followReferral) else { throw AccessError.forbidden }
        let (record, _) = try await load(id, allowed: follows(context))
        try await audit.record(AuditEvent(context, action: "referral.read", objectType: "referral", objectId: id))
        return record
    }

    /// The referral and the id of the organization that sent it.
    private func load(_ id: String, allowed: @escaping Allowed) async throws -> (ReferralRecord, String) {
        try await database.withConnection { db in try await load(id, on: db, allowed: allowed) }
    }

    private func load(_ id: String, on db: any SQLDatabase, allowed: Allowed) async throws -> (ReferralRecord, String) {
            guard let row = try await db.raw("SELECT * FROM referrals WHERE id = \(bind: id)").first(), try await allowed(row, db) else {
                throw AccessError.notFound
            }
            // A purged person's referrals keep their history and nothing else: there is nothing to open.
            if try row.decode(column: "payload_sealed", as: String.self).isEmpty { throw AccessError.notFound }
            if let client = try row.decode(column: "client_id", as: String?.self) ?? row.decode(column: "case_id", as: String?.self),
               try await db.raw("SELECT id FROM clients WHERE id = \(bind: client) AND purged_at IS NOT NULL").first() != nil {
                throw AccessError.notFound
            }
            let orgId = try row.decode(column: "org_id", as: String.self), clientId = try row.decode(column: "client_id", as: String?.self)
            let sealer = try await sealer(orgId: orgId, clientId: clientId, on: db, now: clock.millis()).row(id, in: "referrals", of: orgId)
            let consentId = try row.decode(column: "consent_id", as: String?.self)
            var withdrawn: Date?
            if let consentId, let at = try await db.raw("SELECT revoked_at FROM consents WHERE id = \(bind: consentId)").first()?
                .decode(column: "revoked_at", as: Int64?.self) {
                withdrawn = Date(millis: at)
            }
            let consent = try JSONDecoder().decode(ReferralConsent.self, from: Data(try sealer.open("consent", from: row).utf8))
            let payload = try JSONDecoder().decode(ReferralPayload.self, from: Data(try sealer.open("payload", from: row).utf8))
            let events = try await db.raw("SELECT * FROM referral_events WHERE referral_id = \(bind: id) ORDER BY seq").all().map { event in
                let seq = try event.decode(column: "seq", as: Int64.self)
                return ReferralEvent(
                    at: Date(millis: try event.decode(column: "at", as: Int64.self)),
                    party: ReferralParty(rawValue: try event.decode(column: "party", as: String.self)) ?? .sender,
                    actor: try event.decode(column: "actor", as: String.self),
                    status: ReferralStatus(rawValue: try event.decode(column: "status", as: String.self)) ?? .sent,
                    reason: try event.decode(column: "reason", as: String?.self).flatMap(ReferralReason.init(rawValue:)),
                    note: try sealer.open(try event.decode(column: "note_sealed", as: String.self), column: "event-\(seq)"))
            }
            let organization = try await Organizations.name(of: orgId, on: db) ?? ""
            return (ReferralRecord(
                id: id, status: ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .sent,
                createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)), updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                senderOrganization: organization, serviceId: try row.decode(column: "service_id", as: String.self),
                serviceName: try row.decode(column: "service_name", as: String.self),
                screeningId: try row.decode(column: "screening_id", as: String?.self), consent: consent, payload: payload, events: events,
                clientId: clientId, consentId: consentId, consentWithdrawnAt: withdrawn), orgId)
    }

    /// Referrals this clinician sent (`inbox == false`) or that this organization received for its
    /// own directory entries, newest first; `status` filters.
    public func list(inbox: Bool, status: ReferralStatus? = nil, in context: TenantContext) async throws -> [ReferralSummary] {
        guard Policy.allows(context, inbox ? .readInbox : .readOutbox) else { throw AccessError.forbidden }
        let owner: SQLQueryString = inbox
            ? "receiver_org = \(bind: context.orgId)"
            : "org_id = \(bind: context.orgId) AND sender_id = \(bind: context.userId)"
        let filter: SQLQueryString = status.map { "AND status = \(bind: $0.rawValue)" } ?? ""
        let rows = try await database.withConnection { db in
            try await db.raw("""
                SELECT id, status, service_name, created_at, updated_at FROM referrals WHERE \(owner) \(filter)
                ORDER BY updated_at DESC LIMIT 200
                """).all()
        }
        try await audit.record(AuditEvent(context, action: inbox ? "referral.inbox" : "referral.outbox", objectType: "referral", objectId: context.orgId))
        let now = clock.now()
        return try rows.map { row in
            let status = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .sent
            let created = Date(millis: try row.decode(column: "created_at", as: Int64.self))
            return ReferralSummary(
                id: try row.decode(column: "id", as: String.self), status: status,
                serviceName: try row.decode(column: "service_name", as: String.self), createdAt: created,
                updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                overdue: policy.isOverdue(status: status, sentAt: created, now: now))
        }
    }

    // MARK: Moving

    /// The sender cancels or closes the loop. Returns the referral as moved; the move's own audit
    /// entry covers showing it.
    public func move(_ id: String, to status: ReferralStatus, reason: ReferralReason?, note: String,
                     in context: TenantContext) async throws -> ReferralRecord {
        guard Policy.allows(context.role, .followReferral) else { throw AccessError.forbidden }
        try await transition(id, to: status, reason: reason, note: note, party: .sender, actor: context.userId,
                             audit: AuditEvent(context, action: "referral.\(status.rawValue)", objectType: "referral", objectId: id),
                             allowed: follows(context))
        return try await load(id, allowed: follows(context)).0
    }

    /// What the link shows. Verifies the signature and expiry; audited against the sending organization.
    public func receiverView(token: String, requestId: String = Tokens.opaqueId()) async throws -> ReceiverView {
        let (record, senderOrg) = try await loadForLink(token)
        try await audit.record(AuditEvent(orgId: senderOrg, actorId: Self.receiverActor, action: "referral.link-view",
                                          objectType: "referral", objectId: record.id, requestId: requestId))
        return ReferralUseCases.receiverView(record, today: today())
    }

    /// The receiving service answers through its link. The move is audited; the page it returns is
    /// not a second read.
    public func receiverMove(token: String, to status: ReferralStatus, reason: ReferralReason?, note: String,
                             requestId: String = Tokens.opaqueId()) async throws -> ReceiverView {
        let (record, senderOrg) = try await loadForLink(token)
        try await transition(record.id, to: status, reason: reason, note: note, party: .receiver, actor: Self.receiverActor,
                             audit: AuditEvent(orgId: senderOrg, actorId: Self.receiverActor, action: "referral.\(status.rawValue)",
                                               objectType: "referral", objectId: record.id, requestId: requestId), allowed: Self.anyone)
        return ReferralUseCases.receiverView(try await load(record.id, allowed: Self.anyone).0, today: today())
    }

    /// A valid, unexpired link that is the latest one issued for an open referral. A link to a
    /// referral that has ended or whose consent lapsed is gone: nothing of it is returned.
    private func loadForLink(_ token: String) async throws -> (ReferralRecord, String) {
        let link = try ReceiverLink.verify(token, key: keys.referralLinkKey, now: clock.millis())
        let loaded: (ReferralRecord, String)
        do {
            loaded = try await load(link.referralId) { row, _ in
                try row.decode(column: "link_expires_at", as: Int64.self) == link.expiresAt
                    && Tokens.constantTimeEqual(try row.decode(column: "link_nonce", as: String.self), link.nonce)
            }
        } catch AccessError.notFound {
            throw ReferralError.linkGone
        }
        guard loaded.0.isOpenToReceiver(today: today()) else { throw ReferralError.linkGone }
        return loaded
    }

    /// Checks the move against the state machine inside the transaction (two answers racing see
    /// each other), appends the event, updates the status, audits.
    private func transition(_ id: String, to status: ReferralStatus, reason: ReferralReason?, note: String, party: ReferralParty,
                            actor: String, audit event: AuditEvent, allowed: @escaping Allowed) async throws {
        let note = try ReferralUseCases.checkedNote(note)
        let now = clock.millis()
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT org_id, sender_id, status, client_id, case_id FROM referrals WHERE id = \(bind: id)").first(),
                  try await allowed(row, db) else {
                throw AccessError.notFound
            }
            let current = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .sent
            try ReferralTransition.check(from: current, to: status, by: party, reason: reason)
            let kept = ReferralTransition.reasons(for: status).isEmpty ? nil : reason
            try await appendEvent(id, orgId: try row.decode(column: "org_id", as: String.self), clientId: try row.decode(column: "client_id", as: String?.self),
                                  party: party, actor: actor, status: status,
                                  reason: kept, note: note, at: now, on: db)
            try await db.raw("""
                UPDATE referrals SET status = \(bind: status.rawValue), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND status = \(bind: current.rawValue)
                """).run()
            try await audit.append(event, on: db)
        }
        StoreMetrics.counter("waypoint_referral_moves_total", [("status", status.rawValue), ("party", party.rawValue)]).increment()
    }

    private func appendEvent(_ id: String, orgId: String, clientId: String?, party: ReferralParty, actor: String, status: ReferralStatus,
                             reason: ReferralReason?, note: String, at: Int64, on db: any SQLDatabase) async throws {
        let seq = try await db.raw("SELECT COALESCE(MAX(seq), 0) AS top FROM referral_events WHERE referral_id = \(bind: id)").first()!
            .decode(column: "top", as: Int64.self) + 1
        let sealed = try await sealer(orgId: orgId, clientId: clientId, on: db, now: at).row(id, in: "referrals", of: orgId).seal(note, column: "event-\(seq)")
        // The primary key (referral, seq) refuses a second event with the same number: two racing
        // answers cannot both land.
        try await db.raw("""
            INSERT INTO referral_events (referral_id, seq, at, party, actor, status, reason, note_sealed)
            VALUES (\(bind: id), \(bind: seq), \(bind: at), \(bind: party.rawValue), \(bind: actor), \(bind: status.rawValue),
                    \(bind: reason?.rawValue), \(bind: sealed))
            """).run()
    }

    /// FHIR export: sending data to another system, so the consent must still be current.
    public func fhirBundle(_ id: String, in context: TenantContext) async throws -> JSONValue {
        let record = try await find(id, in: context)
        try ReferralUseCases.checkExport(record, today: today())
        try await audit.record(AuditEvent(context, action: "referral.export", objectType: "referral", objectId: id))
        return ReferralFHIR.bundle(record)
    }

}
