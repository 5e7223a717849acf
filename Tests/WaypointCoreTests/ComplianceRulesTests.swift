import Foundation
import Testing
import WaypointCore

@Suite("Training requirements: who they apply to, and where each person stands")
struct ComplianceRulesTests {
    static func requirement(_ id: String) -> TrainingRequirement { RequirementCatalog.bundled.first { $0.id == id }! }
    static let full = ["definitions", "risk_factors", "health_impact", "identification", "assessment", "response", "resources", "reporting", "referral"]

    @Test("the shipped table loads; every entry has a source; what we could not verify says so")
    func catalog() {
        let table = RequirementCatalog.bundled
        #expect(Set(table.map(\.jurisdiction)).isSuperset(of: ["TX", "FL", "MI", "NJ", "CT", "LA", "NY"]))
        #expect(table.allSatisfy { !$0.source.citation.isEmpty && !$0.verificationNote.isEmpty })
        #expect(table.filter { !$0.verified }.map(\.id).sorted() == ["ct-professionals", "fl-licensees", "la-facilities", "ny-hospitals"])
        #expect(Self.requirement("fl-nurses").minMinutes == 120 && Self.requirement("fl-licensees").signage)
    }

    @Test("applies by state and license type, or by facility role")
    func applies() {
        let nurse = TrainingProfile(states: ["FL", "TX"], licenseType: "nurse")
        #expect(ComplianceRules.applies(Self.requirement("fl-nurses"), to: nurse))
        #expect(!ComplianceRules.applies(Self.requirement("tx-practitioners"), to: nurse))  // Texas nurses have their own provision
        #expect(!ComplianceRules.applies(Self.requirement("fl-nurses"), to: TrainingProfile(states: ["GA"], licenseType: "nurse")))
        #expect(ComplianceRules.applies(Self.requirement("nj-facilities"), to: TrainingProfile(states: ["NJ"], facilityRoles: ["facility_staff"])))
    }

    @Test("per renewal: met by a counting course in the current period; otherwise due, overdue, or never started")
    func perRenewal() {
        let rule = Self.requirement("fl-nurses")  // 2 hours every 24 months
        let profile = TrainingProfile(states: ["FL"], licenseType: "nurse", licenseRenewalOn: "2027-04-30")
        let course = TrainingCompletion(certificateCode: "C1", topics: Self.full, minutes: 120, completedOn: "2026-06-01")
        #expect(ComplianceRules.status(rule, profile: profile, completions: [course], started: false, today: "2026-12-01").state == .met)
        // Too short, or from the previous period, does not count.
        let short = TrainingCompletion(certificateCode: "C2", topics: Self.full, minutes: 60, completedOn: "2026-06-01")
        let old = TrainingCompletion(certificateCode: "C3", topics: Self.full, minutes: 120, completedOn: "2025-04-29")
        let never = ComplianceRules.status(rule, profile: profile, completions: [short, old], started: false, today: "2026-12-01")
        #expect(never.state == .neverStarted && never.dueOn == "2027-04-30")
        #expect(ComplianceRules.status(rule, profile: profile, completions: [], started: true, today: "2026-12-01").state == .due)
        #expect(ComplianceRules.status(rule, profile: profile, completions: [], started: true, today: "2027-05-01").state == .overdue)
        // A course missing one of the rule's topics does not count.
        let narrow = TrainingCompletion(certificateCode: "C4", topics: ["definitions"], minutes: 240, completedOn: "2026-06-01")
        #expect(ComplianceRules.status(rule, profile: profile, completions: [narrow], started: false, today: "2026-12-01").metBy == nil)
    }

    @Test("one-time, hire-anchored and annual requirements; month arithmetic keeps the day where the month has it")
    func otherKinds() {
        let nj = Self.requirement("nj-facilities")
        let hire = TrainingProfile(states: ["NJ"], hiredOn: "2026-10-01", facilityRoles: ["facility_staff"])
        #expect(ComplianceRules.status(nj, profile: hire, completions: [], started: false, today: "2026-12-01").dueOn == "2027-03-30")
        let done = TrainingCompletion(certificateCode: "N1", topics: Self.full, minutes: 30, completedOn: "2020-01-01")
        #expect(ComplianceRules.status(nj, profile: hire, completions: [done], started: false, today: "2026-12-01").metBy == "N1")  // once is enough
        let ct = Self.requirement("ct-professionals")
        let profile = TrainingProfile(states: ["CT"], licenseType: "nurse")
        let lastYear = TrainingCompletion(certificateCode: "A1", topics: Self.full, minutes: 30, completedOn: "2025-11-15")
        let status = ComplianceRules.status(ct, profile: profile, completions: [lastYear], started: false, today: "2026-12-01")
        #expect(status.state == .overdue && status.dueOn == "2026-11-15")
        #expect(ComplianceRules.day("2027-01-31", plusMonths: 1) == "2027-02-28" && ComplianceRules.day("2028-01-31", plusMonths: 1) == "2028-02-29")
        #expect(ComplianceRules.day("2027-03-15", plusMonths: -24) == "2025-03-15" && ComplianceRules.day("2026-12-31", plusMonths: 1) == "2027-01-31")
    }

    /// Checked against month lengths taken from the day numbers `HSDSRowRules` computes, not from
    /// the table the rule uses. (Foundation's Calendar was tried first and put 2082-07-29 − 29
    /// months on 2080-02-28, though 2080 is a leap year.)
    @Test("month arithmetic agrees with day numbers for 3,000 random days and offsets")
    func monthsAgreeWithDayNumbers() {
        var generator = SystemRandomNumberGenerator()
        func first(_ year: Int, _ month: Int) -> String { String(format: "%04d-%02d-01", year, month) }
        for _ in 0..<3_000 {
            let (year, month, day) = (Int.random(in: 1901...2199, using: &generator), Int.random(in: 1...12, using: &generator), Int.random(in: 1...31, using: &generator))
            let months = Int.random(in: -60...60, using: &generator)
            let total = year * 12 + month - 1 + months
            let (toYear, toMonth) = (total / 12, total % 12 + 1)
            let next = toMonth == 12 ? first(toYear + 1, 1) : first(toYear, toMonth + 1)
            let length = HSDSRowRules.dayNumber(next)! - HSDSRowRules.dayNumber(first(toYear, toMonth))!
            let startLength = HSDSRowRules.dayNumber(month == 12 ? first(year + 1, 1) : first(year, month + 1))! - HSDSRowRules.dayNumber(first(year, month))!
            let start = String(format: "%04d-%02d-%02d", year, month, min(day, startLength))
            let expected = String(format: "%04d-%02d-%02d", toYear, toMonth, min(min(day, startLength), length))
            #expect(ComplianceRules.day(start, plusMonths: months) == expected, "\(start) + \(months)")
        }
    }
}

@Suite("Spaced refreshers and home reminders")
struct RefresherRulesTests {
    @Test("refreshers fall at 1, 3 and 6 months; the latest whose day has come is offered, a missed one is not made up")
    func schedule() {
        #expect(RefresherRules.schedule(completedOn: "2026-01-31").map(\.dueOn) == ["2026-02-28", "2026-04-30", "2026-07-31"])
        #expect(RefresherRules.due(completedOn: "2026-01-31", taken: [], today: "2026-02-27") == nil)
        #expect(RefresherRules.due(completedOn: "2026-01-31", taken: [], today: "2026-02-28")?.months == 1)
        #expect(RefresherRules.due(completedOn: "2026-01-31", taken: [1], today: "2026-03-15") == nil)
        #expect(RefresherRules.due(completedOn: "2026-01-31", taken: [], today: "2026-05-10")?.months == 3)  // the first was missed: the second now
        #expect(RefresherRules.due(completedOn: "2026-01-31", taken: [3], today: "2026-06-30") == nil)
        #expect(RefresherRules.due(completedOn: "2026-01-31", taken: [3], today: "2026-07-31")?.months == 6)
        #expect(RefresherRules.due(completedOn: "2026-01-31", taken: [6], today: "2027-07-31") == nil)
        #expect(RefresherRules.months(ofStage: "refresher-3") == 3 && RefresherRules.months(ofStage: "refresher-2") == nil && RefresherRules.months(ofStage: "m1") == nil)
    }

    @Test("a person is reminded of what is overdue or due within 60 days, soonest first, and not of what is met or far off")
    func reminders() {
        func line(_ requirement: String, _ state: ComplianceStatus.State, _ due: String?) -> ComplianceLine {
            ComplianceLine(userId: "u", name: "N", department: "D", requirement: requirement, jurisdiction: "TX", verified: true,
                           status: ComplianceStatus(requirementId: requirement, state: state, dueOn: due, metBy: state == .met ? "CODE" : nil, started: false))
        }
        let lines = [line("far", .neverStarted, "2027-06-01"), line("soon", .due, "2026-12-20"), line("late", .overdue, "2026-10-01"),
                     line("met-annual", .met, "2027-01-15"), line("met", .met, nil), line("edge", .neverStarted, "2027-01-29"), line("past-edge", .neverStarted, "2027-01-30")]
        #expect(ComplianceRules.reminders(lines, today: "2026-11-30").map(\.requirement) == ["late", "soon", "met-annual", "edge"])
    }
}

@Suite("Compliance CSV")
struct ComplianceCSVTests {
    @Test("each line is written as the generic CSV writer writes it: commas and quotes quoted, formula-looking text defused, read back intact")
    func csvMatchesTheGenericWriter() throws {
        let lines = [
            ComplianceLine(userId: "u1", name: "Doe, \"JJ\"", department: "=Emergency", requirement: "tx-practitioners", jurisdiction: "TX", verified: true,
                           status: ComplianceStatus(requirementId: "tx-practitioners", state: .met, dueOn: "2027-01-01", metBy: "ABCDEFGH2345", started: true)),
            ComplianceLine(userId: "u2", name: "Ana", department: "", requirement: "ct-professionals", jurisdiction: "CT", verified: false,
                           status: ComplianceStatus(requirementId: "ct-professionals", state: .neverStarted, dueOn: nil, metBy: nil, started: false)),
        ]
        var expected = CSV.line(["department", "name", "requirement", "jurisdiction", "source_verified", "status", "due_on", "met_by", "started"]) + "\r\n"
        expected += CSV.line(["'=Emergency", "Doe, \"JJ\"", "tx-practitioners", "TX", "yes", "met", "2027-01-01", "ABCDEFGH2345", "yes"]) + "\r\n"
        expected += CSV.line(["", "Ana", "ct-professionals", "CT", "no", "never_started", "", "", "no"]) + "\r\n"
        let csv = ComplianceRules.csv(lines)
        #expect(csv == expected)
        let rows = try CSV.parse(csv)
        #expect(rows.count == 3 && rows[1].values[1] == "Doe, \"JJ\"" && rows[1].values[0] == "'=Emergency" && rows[2].values[5] == "never_started")
    }
}
