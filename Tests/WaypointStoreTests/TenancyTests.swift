import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Tenancy")
struct TenancyTests {
    @Test("one organization can neither read, list nor change another's users", arguments: Backend.allCases)
    func crossTenant(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let a = try await test.organization("Clinic A")
            let b = try await test.organization("Clinic B", displayName: "Person Of Clinic B")
            // A's administrator asks for B's user by its real id.
            await #expect(throws: AccessError.notFound) { try await test.store.users.find(b.userId, in: a.context) }
            await #expect(throws: AccessError.notFound) {
                try await test.store.users.setActive(b.userId, active: false, in: a.context)
            }
            let listed = try await test.store.users.list(in: a.context)
            #expect(listed.map(\.id) == [a.userId])
            // B's user is untouched.
            #expect(try await test.store.users.find(b.userId, in: b.context).active)
            // Audit entries are scoped too.
            let auditor = TenantContext(orgId: a.orgId, userId: a.userId, role: .auditor, requestId: "r")
            let entries = try await test.store.audit.recent(in: auditor)
            #expect(!entries.isEmpty && entries.allSatisfy { $0.orgId == a.orgId })
        }
    }

    @Test("roles limit what a signed-in person may do", arguments: Backend.allCases)
    func roles(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let a = try await test.organization("Clinic R")
            let clinicianId = try await test.store.users.create(
                NewUser(username: "clinician-r", role: .clinician, displayName: "C", password: TestStore.password), in: a.context)
            let clinician = TenantContext(orgId: a.orgId, userId: clinicianId, role: .clinician, requestId: "r")
            await #expect(throws: AccessError.forbidden) { try await test.store.users.list(in: clinician) }
            await #expect(throws: AccessError.forbidden) { try await test.store.audit.recent(in: clinician) }
            await #expect(throws: AccessError.forbidden) {
                try await test.store.users.create(NewUser(username: "x-user", role: .admin, displayName: "X", password: TestStore.password),
                                                  in: clinician)
            }
            // A clinician may read their own account.
            #expect(try await test.store.users.find(clinicianId, in: clinician).username == "clinician-r")
        }
    }
}
