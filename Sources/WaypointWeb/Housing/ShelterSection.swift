import Foundation
import WaypointCore

/// The client page's housing and transport section, and the fund choice on the services form.
struct ShelterSection {
    struct StayRow { let id: String, site: String, fund: String, checkIn: String, checkOut: String?, nights: Int?, isOpen: Bool }
    struct VoucherRow { let id: String, fund: String, trips: Int, issuedOn: String, usedOn: String?, unused: Bool }

    let funds: [Option], hasFunds: Bool, sites: [Option], hasSites: Bool
    let stays: [StayRow], vouchers: [VoucherRow], hasOpenStay: Bool
    /// Only a supervisor may let a charge past a fund's budget or period.
    let canOverride: Bool

    init(file: CaseFile, funds: [Fund], sites: [HousingSite], viewer: TenantContext, typed: [String: String], strings: Localizer) {
        let fundNames = Dictionary(funds.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        self.funds = funds.map { fund in
            Option(value: fund.id, label: "\(fund.name) · \(strings["funds_remaining"]) \(FundRules.money(fund.remainingCents))",
                   selected: typed["fund_id"] == fund.id)
        }
        hasFunds = !funds.isEmpty
        self.sites = sites.map { site in
            Option(value: site.id, label: strings.format("housing_site_option", ["site": site.name, "free": String(site.free), "beds": String(site.beds)]),
                   selected: typed["site_id"] == site.id)
        }
        hasSites = !sites.isEmpty
        stays = file.stays.map { stay in
            StayRow(id: stay.id, site: stay.siteName, fund: fundNames[stay.fundId] ?? "", checkIn: stay.checkIn, checkOut: stay.checkOut,
                    nights: stay.nights, isOpen: stay.checkOut == nil)
        }
        vouchers = file.vouchers.map { voucher in
            VoucherRow(id: voucher.id, fund: fundNames[voucher.fundId] ?? "", trips: voucher.trips, issuedOn: voucher.issuedOn, usedOn: voucher.usedOn,
                       unused: voucher.usedOn == nil)
        }
        hasOpenStay = file.stays.contains { $0.checkOut == nil }
        canOverride = Policy.allows(viewer.role, .overrideFund)
    }
}
