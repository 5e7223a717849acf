import Foundation
import SQLKit
import WaypointCore

/// The organization's funds and their ledger. A charge is written in the same transaction as the
/// service it pays for, after the fund's row is locked, so two writers cannot both spend the last
/// dollar.
public struct Funds: Repository {
    let shared: StoreContext

    func audit(_ context: TenantContext, _ action: String, fund id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: "fund", objectId: id)
    }

    public func create(_ new: NewFund, in context: TenantContext) async throws -> Fund {
        guard Policy.allows(context.role, .manageFunds) else { throw AccessError.forbidden }
        let fund = try FundRules.checked(new)
        let id = Tokens.opaqueId()
        let now = clock.millis()
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO funds (id, org_id, name, kind, budget_cents, period_start, period_end, unit_costs, created_by, created_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: fund.name), \(bind: fund.kind.rawValue), \(bind: fund.budgetCents),
                        \(bind: fund.periodStart), \(bind: fund.periodEnd), \(bind: try Clients.json(fund.unitCosts)), \(bind: context.userId), \(bind: now))
                """).run()
            try await audit.append(audit(context, "fund.create", fund: id), on: db)
        }
        return Fund(id: id, name: fund.name, kind: fund.kind, budgetCents: fund.budgetCents, periodStart: fund.periodStart,
                    periodEnd: fund.periodEnd, unitCosts: fund.unitCosts, spentCents: 0)
    }

    /// Every fund of the organization with what it has spent, latest period first.
    public func list(in context: TenantContext) async throws -> [Fund] {
        guard Policy.allows(context.role, .readFunds) else { throw AccessError.forbidden }
        return try await database.withConnection { db in
            try await db.raw("""
                SELECT f.*, CAST(COALESCE((SELECT SUM(amount_cents) FROM fund_charges c WHERE c.fund_id = f.id), 0) AS BIGINT) AS spent
                FROM funds f WHERE f.org_id = \(bind: context.orgId) ORDER BY f.period_end DESC, f.name
                """).all().map(Self.fund)
        }
    }

    /// A fund's charges for services delivered from `from` to `to` (inclusive; by default the
    /// fund's period), for its funder. Audited: the ledger leaves the organization.
    public func ledger(_ fundId: String, from: String?, to: String?, in context: TenantContext) async throws -> FundLedger {
        guard Policy.allows(context.role, .manageFunds) else { throw AccessError.forbidden }
        let ledger = try await database.withConnection { db in
            let fund = try await Self.fund(fundId, in: context, lock: false, on: db, unknown: AccessError.notFound)
            let from = from.flatMap { $0.isEmpty ? nil : $0 } ?? fund.periodStart, to = to.flatMap { $0.isEmpty ? nil : $0 } ?? fund.periodEnd
            for (field, day) in [("from", from), ("to", to)] where !HSDSRowRules.isDate(day) {
                throw FundError.invalid(field: field, reason: LocalizedText("error_detail_date_field", ["name": field]))
            }
            guard from <= to else { throw FundError.invalid(field: "to", reason: LocalizedText("error_detail_end_before_start")) }
            let lines = try await db.raw("""
                SELECT * FROM fund_charges WHERE fund_id = \(bind: fundId) AND delivered_on >= \(bind: from) AND delivered_on <= \(bind: to)
                ORDER BY delivered_on, created_at
                """).all().map { row in
                FundLedgerLine(deliveredOn: try row.decode(column: "delivered_on", as: String.self),
                               serviceType: ServiceType(rawValue: try row.decode(column: "service_type", as: String.self)) ?? .caseManagement,
                               units: Int(try row.decode(column: "units", as: Int64.self)), amountCents: try row.decode(column: "amount_cents", as: Int64.self),
                               clientReference: try row.decode(column: "client_reference", as: String.self),
                               overridden: try row.decode(column: "override_by", as: String?.self) != nil)
            }
            return FundLedger(fund: fund, from: from, to: to, lines: lines)
        }
        try await audit.record(audit(context, "fund.export", fund: fundId))
        return ledger
    }

    // MARK: Inside a client's transaction

    /// The fund with what it has spent; `lock` (PostgreSQL) holds its row until the transaction
    /// ends — SQLite's single writer already holds every other writer off.
    static func fund(_ id: String, in context: TenantContext, lock: Bool, on db: any SQLDatabase,
                     unknown: any Error = FundError.invalid(field: "fund_id", reason: LocalizedText("error_detail_fund_unknown"))) async throws -> Fund {
        let forUpdate: SQLQueryString = lock ? "FOR UPDATE" : ""
        guard let row = try await db.raw("SELECT * FROM funds WHERE id = \(bind: id) AND org_id = \(bind: context.orgId) \(forUpdate)").first() else {
            throw unknown
        }
        let spent = try await db.raw("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS spent FROM fund_charges WHERE fund_id = \(bind: id)").first()!
            .decode(column: "spent", as: Int64.self)
        return try fund(row, spent: spent)
    }

    /// Charges `service` of a client to a fund, or refuses (nothing written) when the fund does
    /// not pay for it, or — unless a supervisor gave a reason — it falls outside the fund's period
    /// or past its budget. An override is kept with its reason (sealed with the client's key) and
    /// audited against the fund.
    func charge(_ service: ServiceDelivered, to fundId: String, of clientId: String, key: FieldSealer, overrideReason: String?,
                in context: TenantContext, at now: Int64, on db: any SQLDatabase) async throws -> FundCharge {
        let fund = try await Self.fund(fundId, in: context, lock: database.kind == .postgres, on: db)
        let charge = try FundRules.charge(service.type, units: service.units, on: service.deliveredOn, to: fund,
                                          overrideBy: overrideReason == nil ? nil : context.userId)
        let id = Tokens.opaqueId()
        // Unique per person and fund; once the client is purged (their key destroyed) it links to nobody.
        let reference = String(key.lookupDigest(fundId, purpose: "fund client reference").prefix(16))
        try await db.raw("""
            INSERT INTO fund_charges (id, fund_id, org_id, service_id, service_type, delivered_on, units, amount_cents, client_reference,
                                      override_by, created_at)
            VALUES (\(bind: id), \(bind: fundId), \(bind: context.orgId), \(bind: service.id), \(bind: service.type.rawValue), \(bind: service.deliveredOn),
                    \(bind: Int64(service.units)), \(bind: charge.amountCents), \(bind: reference), \(bind: charge.overriddenBy), \(bind: now))
            """).run()
        if let reason = overrideReason, charge.overriddenBy != nil {
            try await db.raw("""
                INSERT INTO fund_overrides (charge_id, client_id, reason_sealed, created_at)
                VALUES (\(bind: id), \(bind: clientId), \(bind: try key.row(id, in: "fund_overrides", of: context.orgId).seal(reason, column: "reason")), \(bind: now))
                """).run()
            try await audit.append(AuditEvent(context, action: "fund.override", objectType: "fund", objectId: fundId), on: db)
        }
        return charge
    }

    static func fund(_ row: any SQLRow) throws -> Fund {
        try fund(row, spent: try row.decode(column: "spent", as: Int64.self))
    }

    static func fund(_ row: any SQLRow, spent: Int64) throws -> Fund {
        Fund(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
             kind: Fund.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .other,
             budgetCents: try row.decode(column: "budget_cents", as: Int64.self),
             periodStart: try row.decode(column: "period_start", as: String.self), periodEnd: try row.decode(column: "period_end", as: String.self),
             unitCosts: try JSONDecoder().decode([Fund.UnitCost].self, from: Data(try row.decode(column: "unit_costs", as: String.self).utf8)),
             spentCents: spent)
    }
}
