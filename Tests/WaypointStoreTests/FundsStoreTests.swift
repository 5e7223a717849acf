import Foundation
import Logging
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Funds, emergency housing and transport vouchers")
struct FundsStoreTests {
    static func fund(_ test: TestStore, _ staff: CaseStoreTests.Staff, budget: Int64, start: String, end: String,
                     costs: [Fund.UnitCost] = [Fund.UnitCost(serviceType: .emergencyHousingNight, cents: 8_500),
                                               Fund.UnitCost(serviceType: .transport, cents: 1_250)]) async throws -> Fund {
        try await test.store.funds.create(NewFund(name: "TVAP 2027", kind: .tvap, budgetCents: budget, periodStart: start, periodEnd: end,
                                                  unitCosts: costs), in: staff.supervisor)
    }

    static func count(_ test: TestStore, _ table: String, _ condition: String = "1 = 1") async throws -> Int64 {
        try await test.store.database.withConnection { db in
            try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: condition)").first()!.decode(column: "n", as: Int64.self)
        }
    }

    @Test("a service draws units × unit cost from its fund; overdrawing, the wrong period or an uncovered service is refused and writes nothing, unless a supervisor overrides with a reason",
          arguments: Backend.allCases)
    func charges(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let today = test.store.clients.today()
            let start = CaseloadPolicy.day(today, plus: -30), end = CaseloadPolicy.day(today, plus: 300)
            await #expect(throws: FundError.self) {
                try await test.store.funds.create(NewFund(name: "Backwards", kind: .voca, budgetCents: 100, periodStart: end, periodEnd: start,
                                                          unitCosts: [Fund.UnitCost(serviceType: .transport, cents: 1)]), in: staff.supervisor)
            }
            await #expect(throws: FundError.self) {
                try await test.store.funds.create(NewFund(name: "Nothing", kind: .voca, budgetCents: 100, periodStart: start, periodEnd: end, unitCosts: []),
                                                  in: staff.supervisor)
            }
            await #expect(throws: AccessError.forbidden) {
                try await test.store.funds.create(NewFund(name: "Mine", kind: .voca, budgetCents: 100, periodStart: start, periodEnd: end,
                                                          unitCosts: [Fund.UnitCost(serviceType: .transport, cents: 1)]), in: staff.manager)
            }
            let fund = try await Self.fund(test, staff, budget: 30_000, start: start, end: end)  // $300: three nights and a trip
            let client = try await test.store.clients.create(NewClient(alias: "Sora", phase: .survive), in: staff.manager)
            let other = try await test.store.clients.create(NewClient(alias: "Tern", phase: .survive), in: staff.manager)

            let service = try await test.store.cases.addService(NewService(type: .emergencyHousingNight, units: 2, note: "two nights", fundId: fund.id),
                                                                to: client.id, in: staff.manager)
            #expect(service.fundingSource == "TVAP 2027")
            var listed = try await test.store.funds.list(in: staff.manager)
            #expect(listed.map(\.spentCents) == [17_000] && listed.map(\.remainingCents) == [13_000])

            let before = (try await Self.count(test, "case_services"), try await Self.count(test, "fund_charges"))
            await #expect(throws: FundError.overdraw(fund: "TVAP 2027", remainingCents: 13_000, amountCents: 17_000)) {
                try await test.store.cases.addService(NewService(type: .emergencyHousingNight, units: 2, fundId: fund.id), to: client.id, in: staff.manager)
            }
            await #expect(throws: FundError.outsidePeriod(fund: "TVAP 2027", start: start, end: end)) {
                try await test.store.cases.addService(NewService(type: .transport, deliveredOn: CaseloadPolicy.day(start, plus: -1), fundId: fund.id),
                                                      to: client.id, in: staff.manager)
            }
            await #expect(throws: FundError.notCovered(fund: "TVAP 2027", type: .legal)) {
                try await test.store.cases.addService(NewService(type: .legal, fundId: fund.id), to: client.id, in: staff.manager)
            }
            await #expect(throws: FundError.self) {  // a case manager cannot approve their own override
                try await test.store.cases.addService(NewService(type: .emergencyHousingNight, units: 2, fundId: fund.id, overrideReason: "no other bed tonight"),
                                                      to: client.id, in: staff.manager)
            }
            await #expect(throws: FundError.self) {  // another organization's fund is no fund here
                let elsewhere = try await CaseStoreTests.staff(test, "Elsewhere")
                let theirs = try await test.store.clients.create(NewClient(alias: "Knot", phase: .survive), in: elsewhere.manager)
                try await test.store.cases.addService(NewService(type: .transport, fundId: fund.id), to: theirs.id, in: elsewhere.manager)
            }
            #expect((try await Self.count(test, "case_services"), try await Self.count(test, "fund_charges")) == before)

            // The supervisor approves: written, the balance goes below zero, the reason is sealed and the override audited.
            let reason = "Storm night, no other shelter open"
            _ = try await test.store.cases.addService(NewService(type: .emergencyHousingNight, units: 2, fundId: fund.id, overrideReason: reason),
                                                      to: client.id, in: staff.supervisor)
            listed = try await test.store.funds.list(in: staff.supervisor)
            #expect(listed.first?.remainingCents == -4_000)
            let sealed = try await test.store.database.withConnection { db in
                try await db.raw("SELECT reason_sealed FROM fund_overrides").all().map { try $0.decode(column: "reason_sealed", as: String.self) }
            }
            #expect(sealed.count == 1 && !sealed[0].contains("Storm"))
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: staff.org.orgId, userId: staff.org.userId, role: .auditor, requestId: "r"))
            #expect(actions.contains { $0.action == "fund.override" && $0.objectId == fund.id })

            // The funder's ledger: no alias, the same reference for the same person, another for someone else.
            _ = try await test.store.cases.addService(NewService(type: .transport, fundId: fund.id, overrideReason: "approved"), to: other.id, in: staff.supervisor)
            let ledger = try await test.store.funds.ledger(fund.id, from: nil, to: nil, in: staff.supervisor)
            #expect(ledger.lines.map(\.amountCents) == [17_000, 17_000, 1_250] && ledger.lines.map(\.overridden) == [false, true, true])
            #expect(ledger.lines[0].clientReference == ledger.lines[1].clientReference && ledger.lines[0].clientReference != ledger.lines[2].clientReference)
            #expect(!ledger.csv.contains("Sora") && !ledger.csv.contains("Storm") && ledger.csv.contains("emergency_housing_night,2,85.00,170.00"))
            #expect(try await test.store.funds.ledger(fund.id, from: CaseloadPolicy.day(today, plus: 1), to: end, in: staff.supervisor).lines.isEmpty)
            await #expect(throws: FundError.self) { try await test.store.funds.ledger(fund.id, from: "2027-13-01", to: nil, in: staff.supervisor) }
            await #expect(throws: AccessError.forbidden) { try await test.store.funds.ledger(fund.id, from: nil, to: nil, in: staff.manager) }
            await #expect(throws: AccessError.notFound) {
                try await test.store.funds.ledger(fund.id, from: nil, to: nil, in: try await CaseStoreTests.staff(test, "Third").supervisor)
            }

            // A purge leaves the money spent and takes the reason with it.
            _ = try await test.store.oversight.purge(client.id, reason: "retention period over", in: staff.supervisor)
            #expect(try await test.store.funds.list(in: staff.supervisor).first?.spentCents == 35_250)
            #expect(try await Self.count(test, "fund_overrides", "client_id = '\(client.id)'") == 0)
            #expect(try await Self.count(test, "fund_overrides") == 1)  // the other client's
        }
    }

    @Test("two instances spending the last of a fund at once: exactly what fits is charged", arguments: Backend.allCases)
    func concurrentCharges(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let today = test.store.clients.today()
            let fund = try await Self.fund(test, staff, budget: 5 * 1_250, start: today, end: today)
            let client = try await test.store.clients.create(NewClient(alias: "Lark", phase: .survive), in: staff.manager)
            // A second application instance: its own connections and its own queue of writers.
            let database = try await Database.open(test.location, logger: Logger(label: "second instance"))
            let outcomes = try await database.whileRunning {
                let second = Store(database: database, keys: test.store.keys, clock: test.store.clock)
                return await withTaskGroup(of: Bool.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            let store = index % 2 == 0 ? test.store : second
                            return (try? await store.cases.addService(NewService(type: .transport, fundId: fund.id), to: client.id, in: staff.manager)) != nil
                        }
                    }
                    return await group.reduce(into: [Bool]()) { $0.append($1) }
                }
            }
            #expect(outcomes.filter { $0 }.count == 5)
            #expect(try await test.store.funds.list(in: staff.manager).first?.remainingCents == 0)
        }
    }

    @Test("shelter beds: addresses sealed and read on purpose; a stay needs a free bed and a fund for its nights, charged at check-out; vouchers charged when issued",
          arguments: Backend.allCases)
    func housingAndVouchers(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let today = test.store.clients.today()
            let fund = try await Self.fund(test, staff, budget: 100_000, start: CaseloadPolicy.day(today, plus: -60), end: CaseloadPolicy.day(today, plus: 60))
            let legal = try await Self.fund(test, staff, budget: 100_000, start: today, end: today, costs: [Fund.UnitCost(serviceType: .legal, cents: 100)])
            let address = "412 Larkspur Lane, Unit B"
            await #expect(throws: AccessError.forbidden) {
                try await test.store.housing.createSite(NewHousingSite(name: "Harbor", address: address, beds: 1), in: staff.manager)
            }
            await #expect(throws: HousingError.self) {
                try await test.store.housing.createSite(NewHousingSite(name: "Harbor", address: address, beds: 0), in: staff.supervisor)
            }
            let site = try await test.store.housing.createSite(NewHousingSite(name: "Harbor", address: address, beds: 1), in: staff.supervisor)
            let stored = try await test.store.database.withConnection { db in
                try await db.raw("SELECT * FROM housing_sites").all().map { try $0.decode(column: "address_sealed", as: String.self) }
            }
            #expect(stored.count == 1 && !stored[0].contains("Larkspur"))
            #expect(try await test.store.housing.address(of: site.id, in: staff.manager) == address)

            let first = try await test.store.clients.create(NewClient(alias: "Ibis", phase: .survive), in: staff.manager)
            let second = try await test.store.clients.create(NewClient(alias: "Rail", phase: .survive), in: staff.manager)
            await #expect(throws: FundError.notCovered(fund: "TVAP 2027", type: .emergencyHousingNight)) {
                try await test.store.housing.checkIn(NewStay(siteId: site.id, fundId: legal.id), for: first.id, in: staff.manager)
            }
            let checkIn = CaseloadPolicy.day(today, plus: -3)
            let stay = try await test.store.housing.checkIn(NewStay(siteId: site.id, fundId: fund.id, checkIn: checkIn), for: first.id, in: staff.manager)
            #expect(try await test.store.housing.sites(in: staff.manager) == [HousingSite(id: site.id, name: "Harbor", beds: 1, occupied: 1)])
            await #expect(throws: HousingError.full(site: "Harbor")) {
                try await test.store.housing.checkIn(NewStay(siteId: site.id, fundId: fund.id), for: second.id, in: staff.manager)
            }
            await #expect(throws: AccessError.notFound) {
                try await test.store.housing.checkIn(NewStay(siteId: site.id, fundId: fund.id), for: first.id, in: staff.otherManager)
            }
            await #expect(throws: HousingError.self) {  // before the check-in
                try await test.store.housing.checkOut(stay.id, of: first.id, StayCheckOut(checkOut: CaseloadPolicy.day(today, plus: -4)), in: staff.manager)
            }
            let out = try await test.store.housing.checkOut(stay.id, of: first.id, StayCheckOut(), in: staff.manager)
            #expect(out.nights == 3 && out.checkOut == today)
            await #expect(throws: HousingError.finished) {
                try await test.store.housing.checkOut(stay.id, of: first.id, StayCheckOut(), in: staff.manager)
            }
            #expect(try await test.store.housing.sites(in: staff.manager).first?.occupied == 0)

            let voucher = try await test.store.housing.issueVoucher(NewVoucher(fundId: fund.id, trips: 2), for: first.id, in: staff.manager)
            await #expect(throws: HousingError.self) {
                try await test.store.housing.issueVoucher(NewVoucher(fundId: fund.id, trips: 40), for: first.id, in: staff.manager)
            }
            let used = try await test.store.housing.useVoucher(voucher.id, of: first.id, VoucherUse(), in: staff.manager)
            #expect(used.usedOn == today)
            await #expect(throws: HousingError.finished) { try await test.store.housing.useVoucher(voucher.id, of: first.id, VoucherUse(), in: staff.manager) }

            let file = try await test.store.cases.caseFile(first.id, in: staff.manager)
            #expect(file.stays == [out] && file.vouchers == [used])
            #expect(file.services.map(\.type).sorted { $0.rawValue < $1.rawValue } == [.emergencyHousingNight, .transport])
            #expect(file.services.first { $0.type == .emergencyHousingNight }?.units == 3)
            #expect(try await test.store.funds.list(in: staff.manager).first { $0.id == fund.id }?.spentCents == 3 * 8_500 + 2 * 1_250)
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: staff.org.orgId, userId: staff.org.userId, role: .auditor, requestId: "r"))
            #expect(actions.contains { $0.action == "housing.site-address-read" && $0.objectId == site.id })
            #expect(actions.filter { $0.action == "client.stay" && $0.objectId == first.id }.count == 2)
        }
    }
}
