import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Training compliance: profiles, the report and its CSV")
struct ComplianceStoreTests {
    @Test("each person's applicable requirements: met by a course that covers the topics, never started, due; who may set and read what",
          arguments: Backend.allCases)
    func report(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let org = try await test.organization("Compliance Org")
            func user(_ role: Role, _ name: String, display: String) async throws -> TenantContext {
                TenantContext(orgId: org.orgId, userId: try await test.store.users.createAsOperator(
                    NewUser(username: name, role: role, displayName: display, password: TestStore.password), orgId: org.orgId, requestId: "r"),
                    role: role, requestId: "r")
            }
            let trainer = try await user(.trainer, "c-trainer", display: "Trainer"), nurse = try await user(.clinician, "c-nurse", display: "Nurse Ana")
            let social = try await user(.caseManager, "c-social", display: "=cmd|' /C calc'!A0")
            let today = test.store.clients.today()
            // A course covering every topic, two hours long.
            _ = try await test.store.courses.importBundle(TrainingStoreTests.bundle { course in
                course["topics"] = ["definitions", "risk_factors", "health_impact", "identification", "assessment", "response", "resources", "reporting", "referral"]
                course["minutes"] = 120
            }, in: trainer)

            await #expect(throws: AccessError.forbidden) {
                try await test.store.compliance.setProfile(TrainingProfile(states: ["FL"]), of: nurse.userId, in: social)
            }
            await #expect(throws: TrainingError.self) {
                try await test.store.compliance.setProfile(TrainingProfile(states: ["Florida"]), of: nurse.userId, in: nurse)
            }
            try await test.store.compliance.setProfile(TrainingProfile(states: ["fl"], licenseType: "nurse", licenseRenewalOn: CaseloadPolicy.day(today, plus: 90),
                                                                        department: "ED"), of: nurse.userId, in: nurse)  // one's own
            try await test.store.compliance.setProfile(TrainingProfile(states: ["TX"], licenseType: "social_worker",
                                                                        licenseRenewalOn: CaseloadPolicy.day(today, plus: -5), department: "Cases"),
                                                       of: social.userId, in: trainer)
            await #expect(throws: AccessError.forbidden) { try await test.store.compliance.report(in: nurse) }

            var lines = try await test.store.compliance.report(in: trainer)
            // By department, then name; a Florida nurse falls under the nursing provision, not the general one.
            #expect(lines.map(\.requirement) == ["tx-practitioners", "fl-nurses"])
            #expect(lines.first { $0.requirement == "tx-practitioners" }?.status.state == .overdue)
            #expect(lines.first { $0.requirement == "fl-nurses" }?.status == ComplianceStatus(requirementId: "fl-nurses", state: .neverStarted,
                                                                                               dueOn: CaseloadPolicy.day(today, plus: 90), metBy: nil, started: false))

            // The nurse takes the course: the Florida requirement is met by its certificate.
            let enrollment = try await test.store.enrollments.enroll(in: "test-course", context: nurse)
            lines = try await test.store.compliance.report(in: trainer)
            #expect(lines.first { $0.requirement == "fl-nurses" }?.status.state == .due)  // started, not finished
            var next = try await test.store.enrollments.next(enrollment.id, in: nurse)
            while next.kind != .evaluation {
                let submission: TrainingSubmission = next.kind == .lesson ? .init(lesson: next.lesson!.id) : .init(answers: TrainingStoreTests.right(next.questions))
                next = try await test.store.enrollments.submit(submission, to: enrollment.id, in: nurse).next
            }
            _ = try await test.store.enrollments.evaluate(.init(answers: [:], attestedMinutes: 120), for: enrollment.id, in: nurse)
            let code = try await test.store.certificates.certificate(for: enrollment.id, in: nurse).code
            lines = try await test.store.compliance.report(in: trainer)
            #expect(lines.filter { $0.userId == nurse.userId }.map(\.status.metBy) == [code])
            // A revoked certificate meets nothing.
            try await test.store.certificates.revoke(code, in: trainer)
            #expect(try await test.store.compliance.report(in: trainer).filter { $0.userId == nurse.userId }.allSatisfy { $0.status.state != .met })

            let csv = ComplianceRules.csv(lines)
            let rows = try CSV.parse(csv)
            #expect(rows[0].values.first == "department" && rows.count == 3)
            #expect(rows[1].values[1] == "'=cmd|' /C calc'!A0")  // a name that looks like a formula is quoted
        }
    }
}
