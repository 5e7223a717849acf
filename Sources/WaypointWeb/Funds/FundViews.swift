import Foundation
import WaypointCore

/// What the funds page shows, and how its form becomes a `NewFund`.
struct FundViews {
    let strings: Localizer

    init(_ language: Language) { strings = Localizer(language) }

    struct Row { let id: String, name: String, kind: String, period: String, budget: String, spent: String, remaining: String, overdrawn: Bool }
    struct CostInput { let name: String, label: String, value: String }
    struct Page {
        let funds: [Row], noFunds: Bool, canManage: Bool
        let kinds: [Option], costs: [CostInput], name: String, budget: String, periodStart: String, periodEnd: String
        let error: String?
    }

    func page(_ funds: [Fund], canManage: Bool, form: [String: String] = [:], error: String? = nil) -> Page {
        Page(funds: funds.map { fund in
                 Row(id: fund.id, name: fund.name, kind: strings.label("fund_kind", fund.kind.rawValue), period: "\(fund.periodStart) – \(fund.periodEnd)",
                     budget: FundRules.money(fund.budgetCents), spent: FundRules.money(fund.spentCents),
                     remaining: FundRules.money(fund.remainingCents), overdrawn: fund.remainingCents < 0)
             },
             noFunds: funds.isEmpty, canManage: canManage,
             kinds: Fund.Kind.allCases.map { Option(value: $0.rawValue, label: strings.label("fund_kind", $0.rawValue), selected: form["kind"] == $0.rawValue) },
             costs: ServiceType.allCases.map { CostInput(name: "cost_" + $0.rawValue, label: strings["case_service_" + $0.rawValue], value: form["cost_" + $0.rawValue] ?? "") },
             name: form["name"] ?? "", budget: form["budget"] ?? "", periodStart: form["period_start"] ?? "", periodEnd: form["period_end"] ?? "",
             error: error)
    }

    /// Dollars on the form, cents in the fund; a unit cost left empty means the fund does not pay for that service.
    static func fund(from form: [String: String]) throws -> NewFund {
        guard let budget = FundRules.cents(fromDollars: form["budget"] ?? "") else {
            throw FundError.invalid(field: "budget_cents", reason: LocalizedText("error_detail_fund_amount"))
        }
        let costs = try ServiceType.allCases.compactMap { type -> Fund.UnitCost? in
            let text = (form["cost_" + type.rawValue] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let cents = FundRules.cents(fromDollars: text) else {
                throw FundError.invalid(field: "unit_costs", reason: LocalizedText("error_detail_fund_amount"))
            }
            return Fund.UnitCost(serviceType: type, cents: cents)
        }
        return NewFund(name: form["name"] ?? "", kind: Fund.Kind(rawValue: form["kind"] ?? "") ?? .other, budgetCents: budget,
                       periodStart: (form["period_start"] ?? "").trimmingCharacters(in: .whitespaces),
                       periodEnd: (form["period_end"] ?? "").trimmingCharacters(in: .whitespaces), unitCosts: costs)
    }
}
