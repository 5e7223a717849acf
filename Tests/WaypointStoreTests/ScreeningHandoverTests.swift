import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("A screening handed over to case management")
struct ScreeningHandoverTests {
    @Test("with the person's agreement a case opens for the chosen case manager, the screening attached, and a foreign-national child's request starts with the screening's clock; once only",
          arguments: Backend.allCases)
    func handOver(backend: Backend) async throws {
        let clock = ManualClock()
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let clinicianId = try await test.store.users.createAsOperator(
                NewUser(username: "handover-nurse", role: .clinician, displayName: "N", password: TestStore.password), orgId: staff.org.orgId, requestId: "r")
            let clinician = TenantContext(orgId: staff.org.orgId, userId: clinicianId, role: .clinician, requestId: "r")
            let routes = try await test.store.jurisdictions.table(for: clinician)
            func screen(age: Int, foreign: Bool, key: String) async throws -> ScreeningRecord {
                let submission = ScreeningSubmission(
                    instrument: "sscst", encounter: try Encounter(age: age, language: nil, setting: nil, companionPresent: false, state: "TX", routes: routes),
                    answers: .keyed(["sscst-1": .yes, "sscst-2": .yes]), concern: .labor, foreignNational: foreign, idempotencyKey: key)
                return try await test.store.screenings.save(try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: test.store.clock.now()),
                                                            in: clinician).record
            }
            let child = try await screen(age: 15, foreign: true, key: "h-1")
            #expect(child.actions.contains { $0.kind == .eligibilityRequest })
            clock.advance(3_600)  // the case manager is found an hour later: the clock still runs from the screening

            await #expect(throws: CaseError.self) {  // no agreement, no case
                try await test.store.cases.handOver(screening: child.id, ScreeningHandover(consent: false, alias: "Finch", caseManagerId: staff.manager.userId),
                                                    in: clinician)
            }
            await #expect(throws: CaseError.self) {  // only to case staff
                try await test.store.cases.handOver(screening: child.id, ScreeningHandover(consent: true, alias: "Finch", caseManagerId: clinicianId), in: clinician)
            }
            #expect(try await test.store.cases.isHandedOver(screening: child.id, in: clinician) == false)
            let handed = try await test.store.cases.handOver(screening: child.id,
                                                             ScreeningHandover(consent: true, alias: "Finch", caseManagerId: staff.manager.userId), in: clinician)
            #expect(try await test.store.cases.isHandedOver(screening: child.id, in: clinician))
            let file = try await test.store.cases.caseFile(handed.clientId, in: staff.manager)
            #expect(file.client.alias == "Finch" && file.client.flags.minor && file.client.flags.foreignNational)
            #expect(file.client.caseManagers == [staff.manager.userId] && file.screenings.map(\.id) == [child.id])
            let request = try #require(file.eligibility.first)
            #expect(handed.eligibilityId == request.id && request.kind == .childEligibility)
            #expect(request.informationReceivedAt == child.createdAt && request.requestDueAt == child.createdAt.addingTimeInterval(24 * 3_600))
            #expect(try await test.store.oversight.caseload(in: staff.manager).eligibilityDue.map(\.clientId) == [handed.clientId])
            await #expect(throws: CaseError.self) {
                try await test.store.cases.handOver(screening: child.id, ScreeningHandover(consent: true, alias: "Again", caseManagerId: staff.manager.userId),
                                                    in: clinician)
            }

            // An adult citizen's positive screen opens a case with no request; nobody else may hand a screening over.
            let adult = try await screen(age: 30, foreign: false, key: "h-2")
            #expect(try await test.store.cases.handOver(screening: adult.id, ScreeningHandover(consent: true, alias: "Kite", caseManagerId: staff.supervisor.userId),
                                                        in: clinician).eligibilityId == nil)
            await #expect(throws: AccessError.forbidden) {
                try await test.store.cases.handOver(screening: adult.id, ScreeningHandover(consent: true, alias: "X", caseManagerId: staff.manager.userId),
                                                    in: staff.manager)
            }
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: staff.org.orgId, userId: staff.org.userId, role: .auditor, requestId: "r"))
            #expect(actions.filter { $0.action == "screening.handover" }.map(\.objectId).sorted() == [adult.id, child.id].sorted())
        }
    }
}
