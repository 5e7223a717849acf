import Foundation
import SQLKit
import WaypointCore

/// Emergency housing and transport: sites and their beds (addresses sealed with the
/// organization's key), clients' stays and vouchers — part of the case, audited against the client,
/// paid from a fund through the same charge as any other service.
public struct Housing: Repository {
    let shared: StoreContext
    let clients: Clients
    let cases: CaseRecords

    func audit(_ context: TenantContext, _ action: String, site id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: "housing_site", objectId: id)
    }

    // MARK: Sites

    public func createSite(_ new: NewHousingSite, in context: TenantContext) async throws -> HousingSite {
        guard Policy.allows(context.role, .manageHousingSites) else { throw AccessError.forbidden }
        let site = try HousingRules.checked(new)
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let id = Tokens.opaqueId()
        let address = try sealer.row(id, in: "housing_sites", of: context.orgId).seal(site.address, column: "address")
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO housing_sites (id, org_id, name, address_sealed, beds, created_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: site.name), \(bind: address), \(bind: Int64(site.beds)), \(bind: now))
                """).run()
            try await audit.append(audit(context, "housing.site-create", site: id), on: db)
        }
        return HousingSite(id: id, name: site.name, beds: site.beds, occupied: 0)
    }

    /// The organization's sites with today's occupancy: stays begun on or before today and not yet ended.
    public func sites(in context: TenantContext) async throws -> [HousingSite] {
        guard Policy.allows(context.role, .readHousingSites) else { throw AccessError.forbidden }
        let today = clients.today()
        return try await database.withConnection { db in
            try await db.raw("""
                SELECT s.id, s.name, s.beds,
                       (SELECT COUNT(*) FROM housing_stays t WHERE t.site_id = s.id AND t.check_in <= \(bind: today) AND t.check_out IS NULL) AS occupied
                FROM housing_sites s WHERE s.org_id = \(bind: context.orgId) ORDER BY s.name
                """).all().map { row in
                HousingSite(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
                            beds: Int(try row.decode(column: "beds", as: Int64.self)), occupied: Int(try row.decode(column: "occupied", as: Int64.self)))
            }
        }
    }

    /// A site's address, read on purpose (to take someone there) and audited.
    public func address(of siteId: String, in context: TenantContext) async throws -> String {
        guard Policy.allows(context.role, .readHousingSites) else { throw AccessError.forbidden }
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let address = try await database.withConnection { db in
            guard let row = try await db.raw("SELECT address_sealed FROM housing_sites WHERE id = \(bind: siteId) AND org_id = \(bind: context.orgId)").first()
            else { throw AccessError.notFound }
            return try sealer.row(siteId, in: "housing_sites", of: context.orgId).open("address", from: row)
        }
        try await audit.record(audit(context, "housing.site-address-read", site: siteId))
        return address
    }

    // MARK: Stays

    /// Checks a client in: a bed must be free, the client not already staying somewhere, and the
    /// fund able to pay a first night (its period, its budget — a supervisor may override).
    public func checkIn(_ new: NewStay, for clientId: String, in context: TenantContext) async throws -> HousingStay {
        let today = clients.today()
        let checkIn = try HousingRules.day(new.checkIn, field: "check_in", today: today)
        let overrideReason = try FundRules.checkedOverride(new.overrideReason, role: context.role)
        let lock: SQLQueryString = database.kind == .postgres ? "FOR UPDATE" : ""
        return try await clients.change(clientId, action: "client.stay", in: context) { db, _, _, now in
            guard let site = try await db.raw("""
                SELECT id, name, beds FROM housing_sites WHERE id = \(bind: new.siteId) AND org_id = \(bind: context.orgId) \(lock)
                """).first() else { throw HousingError.invalid(field: "site_id", reason: LocalizedText("error_detail_housing_site")) }
            let siteName = try site.decode(column: "name", as: String.self)
            let open = try await db.raw("SELECT client_id FROM housing_stays WHERE site_id = \(bind: new.siteId) AND check_out IS NULL").all()
            guard open.count < Int(try site.decode(column: "beds", as: Int64.self)) else { throw HousingError.full(site: siteName) }
            let staying = try await db.raw("SELECT id FROM housing_stays WHERE client_id = \(bind: clientId) AND check_out IS NULL").first()
            guard staying == nil else { throw HousingError.invalid(field: "site_id", reason: LocalizedText("error_detail_housing_staying")) }
            let fund = try await Funds.fund(new.fundId, in: context, lock: false, on: db)
            _ = try FundRules.charge(.emergencyHousingNight, units: 1, on: checkIn, to: fund, overrideBy: overrideReason == nil ? nil : context.userId)
            let id = Tokens.opaqueId()
            try await db.raw("""
                INSERT INTO housing_stays (id, org_id, site_id, client_id, fund_id, check_in, created_by, created_at, updated_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: new.siteId), \(bind: clientId), \(bind: fund.id), \(bind: checkIn),
                        \(bind: context.userId), \(bind: now), \(bind: now))
                """).run()
            return HousingStay(id: id, siteId: new.siteId, siteName: siteName, fundId: fund.id, checkIn: checkIn, checkOut: nil, nights: nil)
        }
    }

    /// Checks a client out and charges the nights to the stay's fund as one service, delivered on
    /// the day of check-out. Refused (the stay stays open) when the fund cannot pay, unless a
    /// supervisor overrides.
    public func checkOut(_ stayId: String, of clientId: String, _ request: StayCheckOut, in context: TenantContext) async throws -> HousingStay {
        let today = clients.today()
        let checkOut = try HousingRules.day(request.checkOut, field: "check_out", today: today)
        let overrideReason = try FundRules.checkedOverride(request.overrideReason, role: context.role)
        return try await clients.change(clientId, action: "client.stay", in: context, mustBeOpen: false) { db, _, sealer, now in
            guard let stay = try await Self.stays(of: clientId, on: db).first(where: { $0.id == stayId }) else { throw AccessError.notFound }
            guard stay.checkOut == nil else { throw HousingError.finished }
            let nights = try HousingRules.nights(checkIn: stay.checkIn, checkOut: checkOut)
            var serviceId: String?
            if nights > 0 {
                let service = ServiceDelivered(id: Tokens.opaqueId(), type: .emergencyHousingNight, deliveredOn: checkOut, units: nights,
                                               staffId: context.userId, fundingSource: "", note: "")
                serviceId = try await cases.deliver(service, fundId: stay.fundId, overrideReason: overrideReason, to: clientId, in: context,
                                                    key: sealer, at: now, on: db).id
            }
            try await db.raw("""
                UPDATE housing_stays SET check_out = \(bind: checkOut), service_id = \(bind: serviceId), updated_at = \(bind: now)
                WHERE id = \(bind: stayId) AND check_out IS NULL
                """).run()
            return HousingStay(id: stay.id, siteId: stay.siteId, siteName: stay.siteName, fundId: stay.fundId, checkIn: stay.checkIn,
                               checkOut: checkOut, nights: nights)
        }
    }

    static func stays(of clientId: String, on db: any SQLDatabase) async throws -> [HousingStay] {
        try await db.raw("""
            SELECT t.*, s.name AS site_name FROM housing_stays t JOIN housing_sites s ON s.id = t.site_id
            WHERE t.client_id = \(bind: clientId) ORDER BY t.check_in DESC, t.created_at DESC
            """).all().map { row in
            let checkIn = try row.decode(column: "check_in", as: String.self)
            let checkOut = try row.decode(column: "check_out", as: String?.self)
            return HousingStay(id: try row.decode(column: "id", as: String.self), siteId: try row.decode(column: "site_id", as: String.self),
                               siteName: try row.decode(column: "site_name", as: String.self), fundId: try row.decode(column: "fund_id", as: String.self),
                               checkIn: checkIn, checkOut: checkOut, nights: try checkOut.map { try HousingRules.nights(checkIn: checkIn, checkOut: $0) })
        }
    }

    // MARK: Vouchers

    /// Issues trips to a client, charged to the fund at once (a voucher is money given out).
    public func issueVoucher(_ new: NewVoucher, for clientId: String, in context: TenantContext) async throws -> TransportVoucher {
        let issuedOn = try HousingRules.day(new.issuedOn, field: "issued_on", today: clients.today())
        let trips = try HousingRules.trips(new.trips)
        let overrideReason = try FundRules.checkedOverride(new.overrideReason, role: context.role)
        return try await clients.change(clientId, action: "client.voucher", in: context) { db, _, sealer, now in
            let service = ServiceDelivered(id: Tokens.opaqueId(), type: .transport, deliveredOn: issuedOn, units: trips, staffId: context.userId,
                                           fundingSource: "", note: "")
            _ = try await cases.deliver(service, fundId: new.fundId, overrideReason: overrideReason, to: clientId, in: context, key: sealer, at: now, on: db)
            let id = Tokens.opaqueId()
            try await db.raw("""
                INSERT INTO transport_vouchers (id, org_id, client_id, fund_id, service_id, trips, issued_on, created_by, created_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: clientId), \(bind: new.fundId), \(bind: service.id), \(bind: Int64(trips)),
                        \(bind: issuedOn), \(bind: context.userId), \(bind: now))
                """).run()
            return TransportVoucher(id: id, fundId: new.fundId, trips: trips, issuedOn: issuedOn, usedOn: nil)
        }
    }

    public func useVoucher(_ voucherId: String, of clientId: String, _ use: VoucherUse, in context: TenantContext) async throws -> TransportVoucher {
        let usedOn = try HousingRules.day(use.usedOn, field: "used_on", today: clients.today())
        return try await clients.change(clientId, action: "client.voucher", in: context, mustBeOpen: false) { db, _, _, _ in
            guard let voucher = try await Self.vouchers(of: clientId, on: db).first(where: { $0.id == voucherId }) else { throw AccessError.notFound }
            guard voucher.usedOn == nil else { throw HousingError.finished }
            guard usedOn >= voucher.issuedOn else { throw HousingError.invalid(field: "used_on", reason: LocalizedText("error_detail_housing_used_on")) }
            try await db.raw("UPDATE transport_vouchers SET used_on = \(bind: usedOn) WHERE id = \(bind: voucherId) AND used_on IS NULL").run()
            return TransportVoucher(id: voucher.id, fundId: voucher.fundId, trips: voucher.trips, issuedOn: voucher.issuedOn, usedOn: usedOn)
        }
    }

    static func vouchers(of clientId: String, on db: any SQLDatabase) async throws -> [TransportVoucher] {
        try await db.raw("SELECT * FROM transport_vouchers WHERE client_id = \(bind: clientId) ORDER BY issued_on DESC, created_at DESC").all().map { row in
            TransportVoucher(id: try row.decode(column: "id", as: String.self), fundId: try row.decode(column: "fund_id", as: String.self),
                             trips: Int(try row.decode(column: "trips", as: Int64.self)), issuedOn: try row.decode(column: "issued_on", as: String.self),
                             usedOn: try row.decode(column: "used_on", as: String?.self))
        }
    }
}
