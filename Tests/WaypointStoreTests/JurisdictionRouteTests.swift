import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Organization reporting routes")
struct JurisdictionRouteTests {
    static let route = Jurisdiction(code: "pr", name: "Puerto Rico", agency: "Test County Child Protective Services", phone: "1-800-555-0100",
                                    route: "County line", source: "https://example.org/route", verified: "2026-11-01")

    @Test("an administrator's route is used for their organization's plans only", arguments: Backend.allCases)
    func override(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let a = try await test.organization("Clinic Routes A")
            let b = try await test.organization("Clinic Routes B")
            // Read (and so cached) before the edit: the edit must still show at once.
            #expect(try await test.store.jurisdictions.table(for: a.context).route(for: "PR").isFallback == true)
            try await test.store.jurisdictions.set(Self.route, in: a.context)
            let tableA = try await test.store.jurisdictions.table(for: a.context)
            #expect(tableA.route(for: "PR").agency == "Test County Child Protective Services")
            #expect(tableA.route(for: "TX").phone == "1-800-252-5400", "bundled routes remain")
            #expect(try await test.store.jurisdictions.table(for: b.context).route(for: "PR").isFallback == true)

            let clinicianId = try await test.store.users.create(
                NewUser(username: "route-nurse", role: .clinician, displayName: "N", password: TestStore.password), in: a.context)
            let clinician = TenantContext(orgId: a.orgId, userId: clinicianId, role: .clinician, requestId: "r")
            let routes = try await test.store.jurisdictions.table(for: clinician)
            let submission = ScreeningSubmission(
                instrument: "sscst", encounter: try Encounter(age: 14, language: nil, setting: nil, companionPresent: false, state: "PR", routes: routes),
                answers: .keyed(["sscst-1": .yes]), concern: .labor, idempotencyKey: "r-1")
            let (record, _) = try await test.store.screenings.save(try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: test.store.clock.now()), in: clinician)
            let report = record.actions.first { $0.kind == .mandatedReport }
            #expect(report?.instruction.contains("1-800-555-0100") == true)

            let actions = try await test.store.audit.recent(in: TenantContext(orgId: a.orgId, userId: a.userId, role: .auditor, requestId: "r")).map(\.action)
            #expect(actions.contains("jurisdiction.update"))
        }
    }

    @Test("only administrators edit routes, and a route needs its facts", arguments: Backend.allCases)
    func validation(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let a = try await test.organization("Clinic Routes C")
            let clinician = TenantContext(orgId: a.orgId, userId: a.userId, role: .clinician, requestId: "r")
            await #expect(throws: AccessError.forbidden) { try await test.store.jurisdictions.set(Self.route, in: clinician) }
            let badState = Jurisdiction(code: "Nevada", name: "N", agency: "A", phone: "1", route: "", source: "https://x", verified: "")
            await #expect(throws: JurisdictionError.invalidState) { try await test.store.jurisdictions.set(badState, in: a.context) }
            let noPhone = Jurisdiction(code: "PR", name: "N", agency: "A", phone: " ", route: "", source: "https://x", verified: "")
            await #expect(throws: JurisdictionError.missingField("phone")) { try await test.store.jurisdictions.set(noPhone, in: a.context) }
        }
    }
}
