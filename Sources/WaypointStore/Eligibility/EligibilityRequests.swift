import Foundation
import SQLKit
import WaypointCore

/// A client's eligibility requests and letters, each sealed with the client's key and audited
/// against the client like every other part of the case.
public struct EligibilityRequests: Repository {
    let shared: StoreContext
    let clients: Clients

    public func create(_ new: NewEligibility, for clientId: String, in context: TenantContext) async throws -> EligibilityRecord {
        try await clients.change(clientId, action: "client.eligibility", in: context) { db, row, sealer, now in
            let checked = try EligibilityRules.checked(new, flags: try Clients.flags(row), now: Date(millis: now))
            let record = EligibilityRules.start(checked, id: Tokens.opaqueId(), clientId: clientId, by: context.userId, now: Date(millis: now),
                                                timeZone: clients.policy.timeZone)
            try await Self.insert(record, sealer: sealer, in: context, at: now, on: db)
            return record
        }
    }

    /// Writes a started record, sealed with its client's key (also a request started by a screening's hand-over).
    static func insert(_ record: EligibilityRecord, sealer: FieldSealer, in context: TenantContext, at now: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO eligibility (id, client_id, org_id, record_sealed, due_at, ends_on, created_at, updated_at)
            VALUES (\(bind: record.id), \(bind: record.clientId), \(bind: context.orgId), \(bind: try Self.seal(record, sealer, context)),
                    \(bind: record.requestDueAt?.millis), \(bind: EligibilityRules.endsOn(record)), \(bind: now), \(bind: now))
            """).run()
    }

    public func list(for clientId: String, in context: TenantContext) async throws -> [EligibilityRecord] {
        let records = try await database.withConnection { db in
            let (_, key) = try await clients.opened(clientId, for: .readClient, in: context, on: db)
            return try await Self.records(of: clientId, key: key, context: context, on: db)
        }
        try await audit.record(clients.audit(context, "client.eligibility-read", client: clientId))
        return records
    }

    public func update(_ id: String, of clientId: String, _ update: EligibilityUpdate, in context: TenantContext) async throws -> EligibilityRecord {
        try await clients.change(clientId, action: "client.eligibility", in: context) { db, _, sealer, now in
            guard let current = try await Self.records(of: clientId, key: sealer, context: context, on: db).first(where: { $0.id == id })
            else { throw AccessError.notFound }
            let next = try EligibilityRules.apply(update, to: current, by: context.userId, now: Date(millis: now), timeZone: clients.policy.timeZone)
            try await db.raw("""
                UPDATE eligibility SET record_sealed = \(bind: try Self.seal(next, sealer, context)), due_at = \(bind: next.requestDueAt?.millis),
                       ends_on = \(bind: EligibilityRules.endsOn(next)), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND client_id = \(bind: clientId)
                """).run()
            return next
        }
    }

    static func seal(_ record: EligibilityRecord, _ key: FieldSealer, _ context: TenantContext) throws -> String {
        try key.row(record.id, in: "eligibility", of: context.orgId).seal(try Clients.json(record), column: "record")
    }

    static func records(of clientId: String, key: FieldSealer, context: TenantContext, on db: any SQLDatabase) async throws -> [EligibilityRecord] {
        try await db.raw("SELECT id, record_sealed FROM eligibility WHERE client_id = \(bind: clientId) ORDER BY created_at").all().map { row in
            let id = try row.decode(column: "id", as: String.self)
            let json = try key.row(id, in: "eligibility", of: context.orgId).open("record", from: row)
            return try JSONDecoder().decode(EligibilityRecord.self, from: Data(json.utf8))
        }
    }
}
