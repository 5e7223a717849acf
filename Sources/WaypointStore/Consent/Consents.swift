import Foundation
import SQLKit
import WaypointCore

/// Consents and releases of information. A client's consents are sealed with the client's key and
/// audited against the client; a screening-time referral consent with the organization's key.
public struct Consents: Repository {
    let shared: StoreContext
    let clients: Clients
    let directory: Directory

    /// Records a client's consent. A consent naming a directory service takes the service's name as
    /// the directory has it, so the person is told exactly who will receive their data.
    public func create(_ new: NewConsent, for clientId: String, in context: TenantContext) async throws -> ConsentRecord {
        let serviceName = try await new.recipientServiceId.asyncMap { try await directory.serviceHeader($0) }??.name
        let now = clock.now()
        return try await database.transaction { db in
            // Someone who may not open the client learns nothing, not even what was wrong with the form.
            _ = try await clients.visibleRow(clientId, for: .manageConsent, in: context, on: db)
            let record = try ConsentUseCases.checked(new, id: Tokens.opaqueId(), clientId: clientId, serviceName: serviceName,
                                                     today: clients.today(), now: now)
            try await Self.insert(record, orgId: context.orgId, createdBy: context.userId, on: db, keys: keys)
            try await audit.append(clients.audit(context, "consent.create", client: clientId), on: db)
            return record
        }
    }

    /// Every consent the client gave, newest first; reading them is reading the client.
    public func list(for clientId: String, in context: TenantContext) async throws -> [ConsentRecord] {
        let records = try await database.withConnection { db in
            _ = try await clients.visibleRow(clientId, for: .readClient, in: context, on: db)
            let rows = try await db.raw("""
                SELECT * FROM consents WHERE client_id = \(bind: clientId) AND org_id = \(bind: context.orgId) ORDER BY created_at DESC
                """).all()
            return try await rows.asyncMap { try await Self.record(from: $0, on: db, keys: keys, now: clock.millis()) }
        }
        try await audit.record(clients.audit(context, "consent.list", client: clientId))
        return records
    }

    /// Withdraws a consent at once: from this moment every receiver link made under it answers
    /// "gone", and no new referral may use it.
    public func revoke(_ consentId: String, of clientId: String, reason: String, in context: TenantContext) async throws -> ConsentRecord {
        let now = clock.now()
        return try await database.transaction { db in
            _ = try await clients.visibleRow(clientId, for: .manageConsent, in: context, on: db)
            guard let row = try await db.raw("""
                SELECT * FROM consents WHERE id = \(bind: consentId) AND client_id = \(bind: clientId) AND org_id = \(bind: context.orgId)
                """).first() else { throw AccessError.notFound }
            let record = try await Self.record(from: row, on: db, keys: keys, now: now.millis)
            let revocation = try ConsentUseCases.revocation(of: record, reason: reason, by: context.userId, now: now)
            let sealer = try await Self.sealer(for: record.clientId, id: consentId, orgId: context.orgId, on: db, keys: keys, now: now.millis)
            try await db.raw("""
                UPDATE consents SET revoked_at = \(bind: now.millis), revoked_by = \(bind: context.userId),
                                    revoke_reason_sealed = \(bind: try sealer.seal(revocation.reason, column: "revoke_reason"))
                WHERE id = \(bind: consentId) AND revoked_at IS NULL
                """).run()
            try await audit.append(clients.audit(context, "consent.revoke", client: clientId), on: db)
            return ConsentRecord(id: record.id, clientId: record.clientId, purpose: record.purpose, recipient: record.recipient,
                                 categories: record.categories, method: record.method, givenBy: record.givenBy, startsOn: record.startsOn,
                                 expiresOn: record.expiresOn, evidence: record.evidence, part2: record.part2, createdAt: record.createdAt,
                                 revocation: revocation)
        }
    }

    // MARK: Rows

    static func sealer(for clientId: String?, id: String, orgId: String, on db: any SQLDatabase, keys: KeyRing, now: Int64) async throws -> RowSealer {
        let sealer = if let clientId {
            try await keys.clientSealer(clientId, orgId: orgId, on: db, now: now)
        } else {
            try await keys.sealer(for: orgId, on: db, now: now)
        }
        return sealer.row(id, in: "consents", of: orgId)
    }

    static func insert(_ record: ConsentRecord, orgId: String, createdBy: String, on db: any SQLDatabase, keys: KeyRing) async throws {
        let sealer = try await sealer(for: record.clientId, id: record.id, orgId: orgId, on: db, keys: keys, now: record.createdAt.millis)
        try await db.raw("""
            INSERT INTO consents (id, org_id, client_id, recipient_service_id, recipient_sealed, purpose_sealed, evidence_sealed, categories,
                                  method, given_by, starts_on, expires_on, part2, created_by, created_at)
            VALUES (\(bind: record.id), \(bind: orgId), \(bind: record.clientId), \(bind: record.recipient.serviceId),
                    \(bind: try sealer.seal(record.recipient.name, column: "recipient")), \(bind: try sealer.seal(record.purpose, column: "purpose")),
                    \(bind: try sealer.seal(record.evidence, column: "evidence")), \(bind: record.categories.map(\.rawValue).joined(separator: ",")),
                    \(bind: record.method.rawValue), \(bind: record.givenBy.rawValue), \(bind: record.startsOn), \(bind: record.expiresOn),
                    \(bind: record.part2 ? 1 : 0), \(bind: createdBy), \(bind: record.createdAt.millis))
            """).run()
    }

    /// A screening's consent joins the case the person was handed over to: sealed again with the
    /// client's key (a purge then shreds it with the rest) and listed, and withdrawn, with the case's.
    static func attach(_ id: String, to clientId: String, orgId: String, on db: any SQLDatabase, keys: KeyRing, now: Int64) async throws {
        guard let row = try await db.raw("SELECT * FROM consents WHERE id = \(bind: id) AND org_id = \(bind: orgId) AND client_id IS NULL").first() else { return }
        let record = try await record(from: row, on: db, keys: keys, now: now)
        let sealer = try await sealer(for: clientId, id: id, orgId: orgId, on: db, keys: keys, now: now)
        try await db.raw("""
            UPDATE consents SET client_id = \(bind: clientId), recipient_sealed = \(bind: try sealer.seal(record.recipient.name, column: "recipient")),
                                purpose_sealed = \(bind: try sealer.seal(record.purpose, column: "purpose")),
                                evidence_sealed = \(bind: try sealer.seal(record.evidence, column: "evidence")),
                                revoke_reason_sealed = \(bind: try record.revocation.map { try sealer.seal($0.reason, column: "revoke_reason") })
            WHERE id = \(bind: id)
            """).run()
    }

    static func find(_ id: String, orgId: String, on db: any SQLDatabase, keys: KeyRing, now: Int64) async throws -> ConsentRecord? {
        guard let row = try await db.raw("SELECT * FROM consents WHERE id = \(bind: id) AND org_id = \(bind: orgId)").first() else { return nil }
        return try await record(from: row, on: db, keys: keys, now: now)
    }

    static func record(from row: any SQLRow, on db: any SQLDatabase, keys: KeyRing, now: Int64) async throws -> ConsentRecord {
        let id = try row.decode(column: "id", as: String.self), orgId = try row.decode(column: "org_id", as: String.self)
        let clientId = try row.decode(column: "client_id", as: String?.self)
        return try record(from: row, sealer: try await sealer(for: clientId, id: id, orgId: orgId, on: db, keys: keys, now: now))
    }

    /// A consent row opened with a sealer the caller already holds (a case file reads the client's key once).
    static func record(from row: any SQLRow, sealer: RowSealer) throws -> ConsentRecord {
        let id = try row.decode(column: "id", as: String.self)
        let clientId = try row.decode(column: "client_id", as: String?.self)
        let revocation = try row.decode(column: "revoked_at", as: Int64?.self).map { at in
            ConsentRevocation(at: Date(millis: at), by: try row.decode(column: "revoked_by", as: String?.self) ?? "",
                              reason: try row.decode(column: "revoke_reason_sealed", as: String?.self).map { try sealer.open($0, column: "revoke_reason") } ?? "")
        }
        return ConsentRecord(
            id: id, clientId: clientId, purpose: try sealer.open("purpose", from: row),
            recipient: ConsentRecipient(serviceId: try row.decode(column: "recipient_service_id", as: String?.self),
                                        name: try sealer.open("recipient", from: row)),
            categories: try row.decode(column: "categories", as: String.self).split(separator: ",").compactMap { DataCategory(rawValue: String($0)) },
            method: ConsentRecord.Method(rawValue: try row.decode(column: "method", as: String.self)) ?? .verbal,
            givenBy: ConsentRecord.GivenBy(rawValue: try row.decode(column: "given_by", as: String.self)) ?? .client,
            startsOn: try row.decode(column: "starts_on", as: String.self), expiresOn: try row.decode(column: "expires_on", as: String.self),
            evidence: try sealer.open("evidence", from: row), part2: try row.decode(column: "part2", as: Int64.self) != 0,
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)), revocation: revocation)
    }
}

extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
