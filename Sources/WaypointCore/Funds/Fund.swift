import Foundation

/// A funding source of the organization's services (a VOCA or TVAP grant, state money, a private
/// gift): a budget for a period, and what it pays per unit of each service it covers.
public struct Fund: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case voca, tvap, dvht, state
        case federalOther = "federal_other"
        case privateGift = "private"
        case other
    }

    /// What one unit (an hour, a night, a trip, a dollar — by service type) of a service costs the fund.
    public struct UnitCost: Codable, Sendable, Equatable {
        public let serviceType: ServiceType
        public let cents: Int64
        public init(serviceType: ServiceType, cents: Int64) {
            self.serviceType = serviceType
            self.cents = cents
        }
    }

    public let id: String
    public let name: String
    public let kind: Kind
    public let budgetCents: Int64
    /// First and last day the fund pays for services delivered (inclusive, YYYY-MM-DD).
    public let periodStart: String
    public let periodEnd: String
    public let unitCosts: [UnitCost]
    public let spentCents: Int64
    /// Negative once a supervisor let a charge past the budget.
    public let remainingCents: Int64

    public init(id: String, name: String, kind: Kind, budgetCents: Int64, periodStart: String, periodEnd: String, unitCosts: [UnitCost],
                spentCents: Int64) {
        self.id = id
        self.name = name
        self.kind = kind
        self.budgetCents = budgetCents
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.unitCosts = unitCosts
        self.spentCents = spentCents
        self.remainingCents = budgetCents - spentCents
    }

    public func cost(of type: ServiceType) -> Int64? { unitCosts.first { $0.serviceType == type }?.cents }
}

public struct NewFund: Codable, Sendable, Equatable {
    public var name: String
    public var kind: Fund.Kind
    public var budgetCents: Int64
    public var periodStart: String
    public var periodEnd: String
    public var unitCosts: [Fund.UnitCost]

    public init(name: String, kind: Fund.Kind, budgetCents: Int64, periodStart: String, periodEnd: String, unitCosts: [Fund.UnitCost]) {
        self.name = name
        self.kind = kind
        self.budgetCents = budgetCents
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.unitCosts = unitCosts
    }
}

/// What a service cost its fund, as the ledger keeps it.
public struct FundCharge: Sendable, Equatable {
    public let fundId: String
    public let fundName: String
    public let amountCents: Int64
    /// Set when a supervisor let the charge past the budget or the period.
    public let overriddenBy: String?
}

/// One line of a fund's ledger for its funder: no name, no note — the service, its units and cost,
/// and a reference that counts the same person once within this fund and links to nothing else.
public struct FundLedgerLine: Sendable, Equatable {
    public let deliveredOn: String
    public let serviceType: ServiceType
    public let units: Int
    public let amountCents: Int64
    public let clientReference: String
    public let overridden: Bool

    public init(deliveredOn: String, serviceType: ServiceType, units: Int, amountCents: Int64, clientReference: String, overridden: Bool) {
        self.deliveredOn = deliveredOn
        self.serviceType = serviceType
        self.units = units
        self.amountCents = amountCents
        self.clientReference = clientReference
        self.overridden = overridden
    }
}

/// A fund's charges over a span of days, for its funder.
public struct FundLedger: Sendable, Equatable {
    public let fund: Fund
    public let from: String
    public let to: String
    public let lines: [FundLedgerLine]

    public init(fund: Fund, from: String, to: String, lines: [FundLedgerLine]) {
        self.fund = fund
        self.from = from
        self.to = to
        self.lines = lines
    }

    /// RFC 4180, one line per charge, amounts in dollars.
    public var csv: String {
        var rows = [CSV.line(["fund", "period_from", "period_to", "delivered_on", "service_type", "units", "unit_cost", "amount", "client_reference", "override"])]
        for line in lines {
            rows.append(CSV.line([CSV.text(fund.name), from, to, line.deliveredOn, line.serviceType.rawValue, String(line.units),
                                  FundRules.dollars(line.amountCents / Int64(max(1, line.units))), FundRules.dollars(line.amountCents),
                                  line.clientReference, line.overridden ? "yes" : "no"]))
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}
