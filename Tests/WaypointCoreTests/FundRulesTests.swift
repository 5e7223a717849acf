import Foundation
import Testing
import WaypointCore

@Suite("Fund rules: money, charges, overrides, stays")
struct FundRulesTests {
    static let fund = Fund(id: "f", name: "VOCA", kind: .voca, budgetCents: 10_000, periodStart: "2027-01-01", periodEnd: "2027-12-31",
                           unitCosts: [Fund.UnitCost(serviceType: .transport, cents: 1_250)], spentCents: 7_500)

    @Test("amounts read and written as dollars, exactly")
    func money() {
        #expect(FundRules.dollars(123_456_789) == "1,234,567.89" && FundRules.dollars(5) == "0.05" && FundRules.dollars(-3_500) == "-35.00")
        #expect(FundRules.money(-3_500) == "-$35.00" && FundRules.money(100_000) == "$1,000.00")
        #expect(FundRules.cents(fromDollars: "$1,500") == 150_000 && FundRules.cents(fromDollars: "85.5") == 8_550 && FundRules.cents(fromDollars: " 0.07 ") == 7)
        for bad in ["", "abc", "1.234", "-5", "1e3", "١٢", "1..2", ".5", "9999999999999"] { #expect(FundRules.cents(fromDollars: bad) == nil, "\(bad)") }
        // Every amount written comes back as itself.
        for cents in [Int64(0), 1, 99, 100, 101, 123_456, 99_999_999] { #expect(FundRules.cents(fromDollars: FundRules.dollars(cents)) == cents) }
    }

    @Test("a charge within the period and what is left passes; past either it needs a supervisor's override; an uncovered service never passes")
    func charges() throws {
        let charge = try FundRules.charge(.transport, units: 2, on: "2027-03-01", to: Self.fund, overrideBy: nil)
        #expect(charge.amountCents == 2_500 && charge.overriddenBy == nil)
        #expect(throws: FundError.overdraw(fund: "VOCA", remainingCents: 2_500, amountCents: 3_750)) {
            try FundRules.charge(.transport, units: 3, on: "2027-03-01", to: Self.fund, overrideBy: nil)
        }
        #expect(throws: FundError.outsidePeriod(fund: "VOCA", start: "2027-01-01", end: "2027-12-31")) {
            try FundRules.charge(.transport, units: 1, on: "2028-01-01", to: Self.fund, overrideBy: nil)
        }
        #expect(try FundRules.charge(.transport, units: 3, on: "2028-01-01", to: Self.fund, overrideBy: "sup").overriddenBy == "sup")
        // An override that was not needed is not recorded as one.
        #expect(try FundRules.charge(.transport, units: 1, on: "2027-03-01", to: Self.fund, overrideBy: "sup").overriddenBy == nil)
        #expect(throws: FundError.notCovered(fund: "VOCA", type: .legal)) {
            try FundRules.charge(.legal, units: 1, on: "2027-03-01", to: Self.fund, overrideBy: "sup")
        }
        #expect(throws: FundError.self) { try FundRules.checkedOverride("no bed tonight", role: .caseManager) }
        #expect(try FundRules.checkedOverride("  ", role: .caseManager) == nil)
        #expect(try FundRules.checkedOverride(" no bed tonight ", role: .supervisor) == "no bed tonight")
    }

    @Test("nights are the days between check-in and check-out; the ledger's CSV quotes what a spreadsheet would run")
    func nightsAndLedger() throws {
        #expect(try HousingRules.nights(checkIn: "2027-02-27", checkOut: "2027-03-02") == 3)  // across the end of February
        #expect(try HousingRules.nights(checkIn: "2028-02-28", checkOut: "2028-03-01") == 2)  // a leap year
        #expect(try HousingRules.nights(checkIn: "2027-03-01", checkOut: "2027-03-01") == 0)
        #expect(throws: HousingError.self) { try HousingRules.nights(checkIn: "2027-03-02", checkOut: "2027-03-01") }
        let hostile = Fund(id: "f", name: "=HYPERLINK(\"http://x\")", kind: .other, budgetCents: 1, periodStart: "2027-01-01", periodEnd: "2027-12-31",
                           unitCosts: [], spentCents: 0)
        let ledger = FundLedger(fund: hostile, from: "2027-01-01", to: "2027-12-31", lines: [
            FundLedgerLine(deliveredOn: "2027-02-01", serviceType: .transport, units: 2, amountCents: 2_500, clientReference: "abc", overridden: false)])
        let rows = try CSV.parse(ledger.csv)
        #expect(rows.count == 2 && rows[1].values[0] == "'=HYPERLINK(\"http://x\")")
        #expect(Array(rows[1].values[3...]) == ["2027-02-01", "transport", "2", "12.50", "25.00", "abc", "no"])
    }
}
