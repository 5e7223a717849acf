import Foundation

public enum FundError: UserFacingError, Equatable {
    case invalid(field: String, reason: LocalizedText)
    /// The fund pays nothing for this kind of service.
    case notCovered(fund: String, type: ServiceType)
    /// Delivered before the fund starts or after it ends.
    case outsidePeriod(fund: String, start: String, end: String)
    /// The charge is more than what is left.
    case overdraw(fund: String, remainingCents: Int64, amountCents: Int64)

    public var messageKey: String {
        switch self {
        case .invalid: "error_fund_invalid"
        case .notCovered: "error_fund_not_covered"
        case .outsidePeriod: "error_fund_outside_period"
        case .overdraw: "error_fund_overdraw"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .invalid, .notCovered: .invalid
        case .outsidePeriod, .overdraw: .conflict
        }
    }

    public var field: String? {
        switch self {
        case .invalid(let field, _): field
        case .notCovered, .outsidePeriod, .overdraw: "fund_id"
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .invalid(_, let reason): reason
        case .notCovered(let fund, let type): LocalizedText("error_detail_fund_not_covered", ["fund": fund, "type": type.rawValue])
        case .outsidePeriod(let fund, let start, let end): LocalizedText("error_detail_fund_period", ["fund": fund, "start": start, "end": end])
        case .overdraw(let fund, let remaining, let amount):
            LocalizedText("error_detail_fund_overdraw", ["fund": fund, "remaining": FundRules.money(remaining), "amount": FundRules.money(amount)])
        }
    }
}

/// The rules a fund's money follows. Pure.
public enum FundRules {

    public static func checked(_ new: NewFund) throws -> NewFund {
        var fund = new
        fund.name = new.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(fund.name.count) else {
            throw FundError.invalid(field: "name", reason: LocalizedText("error_detail_too_long", ["max": "100"]))
        }
        guard (1...100_000_000_000).contains(new.budgetCents) else { throw FundError.invalid(field: "budget_cents", reason: LocalizedText("error_detail_fund_amount")) }
        for (field, day) in [("period_start", new.periodStart), ("period_end", new.periodEnd)] where !HSDSRowRules.isDate(day) {
            throw FundError.invalid(field: field, reason: LocalizedText("error_detail_date_field", ["name": field]))
        }
        guard new.periodStart <= new.periodEnd else { throw FundError.invalid(field: "period_end", reason: LocalizedText("error_detail_end_before_start")) }
        guard !new.unitCosts.isEmpty else { throw FundError.invalid(field: "unit_costs", reason: LocalizedText("error_detail_fund_unit_costs")) }
        guard Set(new.unitCosts.map(\.serviceType)).count == new.unitCosts.count else {
            throw FundError.invalid(field: "unit_costs", reason: LocalizedText("error_detail_fund_unit_twice"))
        }
        guard new.unitCosts.allSatisfy({ (1...10_000_000).contains($0.cents) }) else {
            throw FundError.invalid(field: "unit_costs", reason: LocalizedText("error_detail_fund_amount"))
        }
        return fund
    }

    /// What `units` of a service delivered on `day` costs `fund`, which has `spentCents` drawn so
    /// far. Outside the period or past the budget it is refused, unless a supervisor overrides with
    /// `overrideBy` set; a service the fund does not pay for is refused whoever asks.
    public static func charge(_ type: ServiceType, units: Int, on day: String, to fund: Fund, overrideBy: String?) throws -> FundCharge {
        guard let cost = fund.cost(of: type) else { throw FundError.notCovered(fund: fund.name, type: type) }
        let amount = cost * Int64(units)
        var overridden = false
        if day < fund.periodStart || day > fund.periodEnd {
            guard overrideBy != nil else { throw FundError.outsidePeriod(fund: fund.name, start: fund.periodStart, end: fund.periodEnd) }
            overridden = true
        }
        if amount > fund.remainingCents {
            guard overrideBy != nil else { throw FundError.overdraw(fund: fund.name, remainingCents: max(0, fund.remainingCents), amountCents: amount) }
            overridden = true
        }
        return FundCharge(fundId: fund.id, fundName: fund.name, amountCents: amount, overriddenBy: overridden ? overrideBy : nil)
    }

    /// The reason a supervisor gives for an override: required, and only theirs to give.
    public static func checkedOverride(_ reason: String?, role: Role) throws -> String? {
        guard let reason else { return nil }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        guard Policy.allows(role, .overrideFund) else { throw FundError.invalid(field: "override_reason", reason: LocalizedText("error_detail_fund_override_role")) }
        guard (3...500).contains(trimmed.count) else { throw FundError.invalid(field: "override_reason", reason: LocalizedText("error_detail_reason_required")) }
        return trimmed
    }

    /// Cents as dollars with two decimals ("-1,234.50").
    public static func dollars(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let whole = String(abs(cents) / 100)
        var grouped = ""
        for (index, digit) in whole.reversed().enumerated() {
            if index > 0, index % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return sign + String(grouped.reversed()) + "." + String(format: "%02d", Int(abs(cents) % 100))
    }

    /// Cents as money on a page: "$1,234.50", "-$35.00".
    public static func money(_ cents: Int64) -> String {
        let text = dollars(cents)
        return text.hasPrefix("-") ? "-$" + text.dropFirst() : "$" + text
    }

    /// A form's dollar amount ("1,500", "85.5", "$85.50") in cents; nil when it is not one.
    public static func cents(fromDollars text: String) -> Int64? {
        var digits = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        if digits.hasPrefix("$") { digits.removeFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let whole = Int64(parts[0]) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), let value = Int64(parts[1]) else { return nil }
            fraction = parts[1].count == 1 ? value * 10 : value
        }
        return whole * 100 + fraction
    }
}
