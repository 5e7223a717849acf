import Foundation
import SQLKit
import WaypointCore

/// The crisis line's contact log, sealed with the organization's key (a contact names nobody until
/// it becomes a client). Every read and write is audited against the contact's id.
public struct CrisisContacts: Repository {
    let shared: StoreContext
    let clients: Clients

    func audit(_ context: TenantContext, _ action: String, contact id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: "crisis_contact", objectId: id)
    }

    static func digest(_ codeWord: String, sealer: FieldSealer) -> String {
        sealer.lookupDigest(CrisisUseCases.normalizedCodeWord(codeWord), purpose: "crisis caller code word")
    }

    /// Logs a contact; the answer lists the organization's earlier contacts under the same code word.
    public func log(_ new: NewCrisisContact, in context: TenantContext) async throws -> CrisisContact {
        guard Policy.allows(context.role, .answerLine) else { throw AccessError.forbidden }
        let now = clock.millis()
        let contact = try CrisisUseCases.checked(new, now: Date(millis: now))
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let id = Tokens.opaqueId()
        let row = sealer.row(id, in: "crisis_contacts", of: context.orgId)
        let callback = try contact.callback.map { try row.seal(try Clients.json($0), column: "callback") }
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO crisis_contacts (id, org_id, advocate_id, channel, anonymous, started_at, duration_minutes, caller_role, concerns,
                    language, danger, outcome, callback_sealed, callback_due_at, code_digest, note_sealed, status, created_at, updated_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: context.userId), \(bind: contact.channel.rawValue),
                        \(bind: Int64(contact.anonymous == false ? 0 : 1)), \(bind: contact.startedAt!.millis), \(bind: contact.durationMinutes.map(Int64.init)),
                        \(bind: contact.callerRole.rawValue), \(bind: contact.concerns.map(\.rawValue).joined(separator: ",")),
                        \(bind: contact.language ?? ""), \(bind: Int64(contact.danger ? 1 : 0)), \(bind: contact.outcome.map(\.rawValue).joined(separator: ",")),
                        \(bind: callback), \(bind: contact.callback?.dueAt?.millis), \(bind: contact.codeWord.map { Self.digest($0, sealer: sealer) }),
                        \(bind: try row.seal(contact.note ?? "", column: "note")), \(bind: contact.callback == nil ? "closed" : "open"),
                        \(bind: now), \(bind: now))
                """).run()
            try await audit.append(audit(context, "crisis.log", contact: id), on: db)
        }
        return try await database.withConnection { db in try await load(id, in: context, sealer: sealer, on: db) }
    }

    public func find(_ id: String, in context: TenantContext) async throws -> CrisisContact {
        guard Policy.allows(context.role, .answerLine) else { throw AccessError.forbidden }
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let contact = try await database.withConnection { db in try await load(id, in: context, sealer: sealer, on: db) }
        try await audit.record(audit(context, "crisis.read", contact: id))
        return contact
    }

    func load(_ id: String, in context: TenantContext, sealer: FieldSealer, on db: any SQLDatabase) async throws -> CrisisContact {
        guard let row = try await db.raw("SELECT * FROM crisis_contacts WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)").first()
        else { throw AccessError.notFound }
        let opened = sealer.row(id, in: "crisis_contacts", of: context.orgId)
        var earlier: [String] = []
        if let digest = try row.decode(column: "code_digest", as: String?.self) {
            earlier = try await db.raw("""
                SELECT id FROM crisis_contacts WHERE org_id = \(bind: context.orgId) AND code_digest = \(bind: digest) AND id <> \(bind: id)
                  AND started_at <= \(bind: try row.decode(column: "started_at", as: Int64.self))
                ORDER BY started_at DESC LIMIT 20
                """).all().map { try $0.decode(column: "id", as: String.self) }
        }
        var callback = try row.decode(column: "callback_sealed", as: String?.self)
            .map { try JSONDecoder().decode(Callback.self, from: Data(try opened.open($0, column: "callback").utf8)) }
        callback?.doneAt = try row.decode(column: "callback_done_at", as: Int64?.self).map(Date.init(millis:))
        func list<T: RawRepresentable>(_ column: String) throws -> [T] where T.RawValue == String {
            try row.decode(column: column, as: String.self).split(separator: ",").compactMap { T(rawValue: String($0)) }
        }
        return CrisisContact(
            id: id, channel: CrisisContact.Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .call,
            anonymous: try row.decode(column: "anonymous", as: Int64.self) != 0,
            startedAt: Date(millis: try row.decode(column: "started_at", as: Int64.self)),
            durationMinutes: try row.decode(column: "duration_minutes", as: Int64?.self).map(Int.init),
            callerRole: CrisisContact.CallerRole(rawValue: try row.decode(column: "caller_role", as: String.self)) ?? .other,
            concerns: try list("concerns"), language: try row.decode(column: "language", as: String.self),
            danger: try row.decode(column: "danger", as: Int64.self) != 0, outcome: try list("outcome"), callback: callback,
            // Emptied by a purge of the case it was handed over to: there is nothing to open.
            note: try row.decode(column: "note_sealed", as: String.self).isEmpty ? "" : try opened.open("note", from: row),
            status: CrisisContact.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
            earlierContacts: earlier, clientId: try row.decode(column: "client_id", as: String?.self),
            advocateId: try row.decode(column: "advocate_id", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    /// The shift: open contacts, callbacks due within the horizon or late, and the last day's and
    /// week's counts. Times and channels only; nothing sealed is opened.
    public func shift(in context: TenantContext) async throws -> CrisisShift {
        guard Policy.allows(context.role, .answerLine) else { throw AccessError.forbidden }
        let now = clock.millis()
        let hour: Int64 = 3_600_000, day = 24 * hour
        let view = try await database.withConnection { db -> CrisisShift in
            var shift = CrisisShift()
            func line(_ row: any SQLRow) throws -> CrisisShift.Line {
                CrisisShift.Line(id: try row.decode(column: "id", as: String.self),
                                 channel: CrisisContact.Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .call,
                                 startedAt: Date(millis: try row.decode(column: "started_at", as: Int64.self)),
                                 danger: try row.decode(column: "danger", as: Int64.self) != 0,
                                 callbackDueAt: try row.decode(column: "callback_due_at", as: Int64?.self).map(Date.init(millis:)))
            }
            shift.open = try await db.raw("""
                SELECT id, channel, started_at, danger, callback_due_at FROM crisis_contacts
                WHERE org_id = \(bind: context.orgId) AND status = 'open' ORDER BY started_at DESC LIMIT 100
                """).all().map(line)
            shift.callbacksDue = try await db.raw("""
                SELECT id, channel, started_at, danger, callback_due_at FROM crisis_contacts
                WHERE org_id = \(bind: context.orgId) AND status = 'open' AND callback_done_at IS NULL
                  AND callback_due_at <= \(bind: now + Int64(CrisisUseCases.callbackHorizonHours) * hour)
                ORDER BY callback_due_at LIMIT 100
                """).all().map(line)
            let counts = try await db.raw("""
                SELECT COUNT(*) AS week, SUM(CASE WHEN started_at >= \(bind: now - day) THEN 1 ELSE 0 END) AS today,
                       SUM(CASE WHEN started_at >= \(bind: now - day) AND danger = 1 THEN 1 ELSE 0 END) AS danger
                FROM crisis_contacts WHERE org_id = \(bind: context.orgId) AND started_at >= \(bind: now - 7 * day)
                """).first()
            shift.counts.last7d = Int(try counts?.decode(column: "week", as: Int64?.self) ?? 0)
            shift.counts.last24h = Int(try counts?.decode(column: "today", as: Int64?.self) ?? 0)
            shift.counts.danger24h = Int(try counts?.decode(column: "danger", as: Int64?.self) ?? 0)
            return shift
        }
        try await audit.record(AuditEvent(context, action: "crisis.shift", objectType: "crisis_shift", objectId: context.orgId))
        return view
    }

    /// The callback was made (or tried as agreed): it leaves the due list; the contact stays open
    /// until closed.
    public func callbackDone(_ id: String, in context: TenantContext) async throws {
        try await update(id, action: "crisis.callback-done", in: context) { db, now in
            try await db.raw("UPDATE crisis_contacts SET callback_done_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: id)").run()
        }
    }

    public func close(_ id: String, in context: TenantContext) async throws {
        try await update(id, action: "crisis.close", in: context) { db, now in
            try await db.raw("UPDATE crisis_contacts SET status = 'closed', updated_at = \(bind: now) WHERE id = \(bind: id)").run()
        }
    }

    private func update(_ id: String, action: String, in context: TenantContext,
                        _ body: @escaping @Sendable (any SQLDatabase, Int64) async throws -> Void) async throws {
        guard Policy.allows(context.role, .answerLine) else { throw AccessError.forbidden }
        let now = clock.millis()
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT status FROM crisis_contacts WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)").first()
            else { throw AccessError.notFound }
            guard try row.decode(column: "status", as: String.self) == "open" else { throw CrisisError.closed }
            try await body(db, now)
            try await audit.append(audit(context, action, contact: id), on: db)
        }
    }

    /// The caller agreed to become a client: the case opens for a case manager with the alias, the
    /// language, the danger flag, the callback answers as the contact profile and the advocate's
    /// note as its first note, in one transaction with the contact marked converted. The advocate
    /// gets the new id, not the case.
    public func convert(_ id: String, _ conversion: CrisisConversion, in context: TenantContext) async throws -> String {
        guard Policy.allows(context.role, .answerLine) else { throw AccessError.forbidden }
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        return try await database.transaction { db in
            let contact = try await load(id, in: context, sealer: sealer, on: db)
            let (draft, safety) = try CrisisUseCases.client(from: contact, conversion: conversion, today: clients.today())
            let client = try CaseUseCases.checked(draft, today: clients.today())
            let assignee = conversion.caseManagerId ?? (Policy.allows(context, .writeCase) ? context.userId : "")
            guard try await Clients.isCaseStaff(assignee, in: context, on: db) else {
                throw CrisisError.invalid(field: "case_manager_id", reason: LocalizedText("error_detail_not_case_staff"))
            }
            let (clientId, key) = try await clients.insert(client, contactSafety: safety, assignedTo: assignee, in: context, at: now, on: db)
            if !contact.note.isEmpty {
                let note = CaseNote(id: Tokens.opaqueId(), authorId: context.userId, sensitivity: .general, text: contact.note,
                                    createdAt: Date(millis: now), cosignedBy: nil, cosignedAt: nil)
                try await CaseRecords.insert(note, of: clientId, in: context, sealer: key, at: now, on: db)
            }
            try await db.raw("UPDATE crisis_contacts SET client_id = \(bind: clientId), updated_at = \(bind: now) WHERE id = \(bind: id)").run()
            try await audit.append(audit(context, "crisis.convert", contact: id), on: db)
            return clientId
        }
    }
}
