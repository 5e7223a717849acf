import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Eligibility and certification: requests, letters and their windows")
struct EligibilityStoreTests {
    @Test("a child's request is due 24 hours after the information; interim lasts 90 days, extended once by 30; moves follow the rules; all sealed",
          arguments: Backend.allCases)
    func childWindows(backend: Backend) async throws {
        let clock = ManualClock()
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let child = try await test.store.clients.create(
                NewClient(alias: "Kestrel", phase: .survive, flags: ClientFlags(minor: true, foreignNational: true)), in: staff.manager)
            let adult = try await test.store.clients.create(NewClient(alias: "Plover", phase: .survive, flags: ClientFlags(foreignNational: true)), in: staff.manager)
            let citizen = try await test.store.clients.create(NewClient(alias: "Dunlin", phase: .survive), in: staff.manager)
            let now = clock.clock.now()

            // Which client each kind is for.
            await #expect(throws: EligibilityError.self) {
                try await test.store.eligibility.create(NewEligibility(kind: .tVisa), for: citizen.id, in: staff.manager)
            }
            await #expect(throws: EligibilityError.self) {
                try await test.store.eligibility.create(NewEligibility(kind: .childEligibility, informationReceivedAt: now), for: adult.id, in: staff.manager)
            }
            await #expect(throws: EligibilityError.self) {
                try await test.store.eligibility.create(NewEligibility(kind: .adultCertification), for: child.id, in: staff.manager)
            }
            await #expect(throws: EligibilityError.self) {  // the clock needs its start
                try await test.store.eligibility.create(NewEligibility(kind: .childEligibility), for: child.id, in: staff.manager)
            }
            await #expect(throws: EligibilityError.self) {
                try await test.store.eligibility.create(NewEligibility(kind: .childEligibility, informationReceivedAt: now.addingTimeInterval(3_600)),
                                                        for: child.id, in: staff.manager)
            }

            let received = now.addingTimeInterval(-2 * 3_600)
            var request = try await test.store.eligibility.create(NewEligibility(kind: .childEligibility, informationReceivedAt: received),
                                                                  for: child.id, in: staff.manager)
            #expect(request.status == .planned && request.requestDueAt == received.addingTimeInterval(24 * 3_600))
            #expect(request.benefits.map(\.code).contains("medical-assistance") && request.benefits.allSatisfy { !$0.done })
            let board = try await test.store.oversight.caseload(in: staff.manager)
            #expect(board.eligibilityDue.map(\.clientId) == [child.id] && board.totals.eligibilityDue == 1)
            #expect(board.eligibilityDue.first?.date == received.addingTimeInterval(24 * 3_600).calendarMinute(in: test.store.clients.policy.timeZone))
            await #expect(throws: EligibilityError.transition(from: .planned, to: .granted)) {
                try await test.store.eligibility.update(request.id, of: child.id, EligibilityUpdate(status: .granted), in: staff.manager)
            }
            request = try await test.store.eligibility.update(request.id, of: child.id, EligibilityUpdate(status: .requested), in: staff.manager)
            #expect(request.requestDueAt == nil && request.requestedAt == now)
            #expect(try await test.store.oversight.caseload(in: staff.manager).eligibilityDue.isEmpty)  // sent: off the dashboard
            request = try await test.store.eligibility.update(request.id, of: child.id, EligibilityUpdate(status: .interim), in: staff.manager)
            let today = now.calendarDay(in: test.store.clients.policy.timeZone)
            #expect(request.interimEndsOn == CaseloadPolicy.day(today, plus: 90))
            request = try await test.store.eligibility.update(request.id, of: child.id, EligibilityUpdate(extend: true), in: staff.manager)
            #expect(request.interimEndsOn == CaseloadPolicy.day(today, plus: 120) && request.extended)
            await #expect(throws: EligibilityError.self) {
                try await test.store.eligibility.update(request.id, of: child.id, EligibilityUpdate(extend: true), in: staff.manager)
            }
            await #expect(throws: EligibilityError.self) {
                try await test.store.eligibility.update(request.id, of: child.id, EligibilityUpdate(benefitsDone: ["a-yacht"]), in: staff.manager)
            }
            request = try await test.store.eligibility.update(request.id, of: child.id,
                                                              EligibilityUpdate(status: .granted, benefitsDone: ["medical-assistance"]), in: staff.manager)
            #expect(request.status == .granted && request.history.map(\.status) == [.planned, .requested, .interim, .granted])
            #expect(request.benefits.filter(\.done).map(\.code) == ["medical-assistance"])
            #expect(try await test.store.eligibility.list(for: child.id, in: staff.supervisor) == [request])

            // A letter already in hand, with the end date it carries.
            let visa = try await test.store.eligibility.create(NewEligibility(kind: .tVisa, status: .granted, expiresOn: "2030-06-30"), for: adult.id, in: staff.manager)
            #expect(visa.decidedAt == now && EligibilityRules.endsOn(visa) == "2030-06-30")
            let soon = CaseloadPolicy.day(today, plus: 10)
            _ = try await test.store.eligibility.create(NewEligibility(kind: .continuedPresence, status: .granted, expiresOn: soon), for: adult.id, in: staff.manager)
            let ending = try await test.store.oversight.caseload(in: staff.manager).lettersEnding
            #expect(ending.map(\.clientId) == [adult.id] && ending.first?.date == soon)  // the 2030 visa is not yet
            // The interim window (120 days) is past the 30-day horizon too.

            // Only the people on the case; nothing readable at rest.
            await #expect(throws: AccessError.notFound) { try await test.store.eligibility.list(for: child.id, in: staff.otherManager) }
            await #expect(throws: AccessError.forbidden) { try await test.store.eligibility.list(for: child.id, in: staff.clinician) }
            let plain = try await test.store.database.withConnection { db in
                try await db.raw("SELECT record_sealed, ends_on FROM eligibility WHERE client_id = \(bind: adult.id) ORDER BY created_at, ends_on DESC").all()
            }
            #expect(plain.count == 2)
            #expect(try plain[0].decode(column: "ends_on", as: String?.self) == "2030-06-30")
            #expect(!(try plain[0].decode(column: "record_sealed", as: String.self)).contains("t-visa"))

            // A purge takes the records with it.
            _ = try await test.store.oversight.purge(adult.id, reason: "retention period over", in: staff.supervisor)
            let left = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM eligibility WHERE client_id = \(bind: adult.id)").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(left == 0)
        }
    }
}
