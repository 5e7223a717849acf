import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Partner network: organizations, sealed contacts, agreements to renew, joint events")
struct PartnerStoreTests {
    @Test("contacts are sealed and read one partner at a time, audited; agreements ending within 60 days (or ended without a successor) come first",
          arguments: Backend.allCases)
    func network(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let today = test.store.clients.today()
            let contact = PartnerContact(name: "Avery Okafor", role: "Victim services", phone: "208-555-0177")
            await #expect(throws: AccessError.forbidden) {
                try await test.store.partners.create(NewPartner(name: "Legal aid", scope: .local), in: staff.manager)
            }
            await #expect(throws: PartnerError.self) { try await test.store.partners.create(NewPartner(name: "  ", scope: .local), in: staff.supervisor) }
            await #expect(throws: PartnerError.self) {
                try await test.store.partners.create(NewPartner(name: "Nowhere", scope: .local, directoryOrganizationId: "no-such-org"), in: staff.supervisor)
            }
            let legal = try await test.store.partners.create(NewPartner(name: "Legal aid", scope: .local, contacts: [contact]), in: staff.supervisor)
            let hotline = try await test.store.partners.create(NewPartner(name: "National hotline", scope: .national), in: staff.org.context)

            _ = try await test.store.partners.addAgreement(NewAgreement(kind: .mou, title: "Referral MOU", startsOn: CaseloadPolicy.day(today, plus: -300),
                                                                        endsOn: CaseloadPolicy.day(today, plus: 20)), to: legal.id, in: staff.supervisor)
            _ = try await test.store.partners.addAgreement(NewAgreement(kind: .dataSharing, title: "Old data sharing", startsOn: "2020-01-01",
                                                                        endsOn: "2021-01-01"), to: hotline.id, in: staff.supervisor)
            _ = try await test.store.partners.addAgreement(NewAgreement(kind: .mou, title: "Long MOU", startsOn: CaseloadPolicy.day(today, plus: -10),
                                                                        endsOn: CaseloadPolicy.day(today, plus: 400)), to: hotline.id, in: staff.supervisor)
            await #expect(throws: PartnerError.self) {
                try await test.store.partners.addAgreement(NewAgreement(kind: .mou, title: "Backwards", startsOn: "2027-05-01", endsOn: "2027-04-01"),
                                                           to: legal.id, in: staff.supervisor)
            }
            _ = try await test.store.partners.addEvent(NewPartnerEvent(kind: .training, title: "Joint training on screening", heldOn: today),
                                                       to: legal.id, in: staff.supervisor)

            var network = try await test.store.partners.network(in: staff.manager)
            #expect(network.partners.map(\.name) == ["Legal aid", "National hotline"] && network.partners.allSatisfy { $0.contacts == nil })
            #expect(network.agreementsEnding.map(\.title) == ["Old data sharing", "Referral MOU"])
            #expect(network.agreementsEnding.map(\.state) == [.ended, .ending])
            // A renewal of the same kind takes the ended one off the reminders.
            _ = try await test.store.partners.addAgreement(NewAgreement(kind: .dataSharing, title: "Renewed data sharing", startsOn: today,
                                                                        endsOn: CaseloadPolicy.day(today, plus: 365)), to: hotline.id, in: staff.supervisor)
            network = try await test.store.partners.network(in: staff.manager)
            #expect(network.agreementsEnding.map(\.title) == ["Referral MOU"])

            let found = try await test.store.partners.find(legal.id, in: staff.manager)
            #expect(found.contacts == [contact] && found.events.map(\.title) == ["Joint training on screening"])
            let stored = try await test.store.database.withConnection { db in
                try await db.raw("SELECT contacts_sealed FROM partners WHERE id = \(bind: legal.id)").first()!.decode(column: "contacts_sealed", as: String.self)
            }
            #expect(!stored.contains("Okafor") && !stored.contains("0177"))
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: staff.org.orgId, userId: staff.org.userId, role: .auditor, requestId: "r"))
            #expect(actions.contains { $0.action == "partner.read" && $0.objectId == legal.id && $0.actorId == staff.manager.userId })

            // Another organization sees none of it and cannot write under it.
            let other = try await CaseStoreTests.staff(test, "Other Org")
            #expect(try await test.store.partners.network(in: other.manager).partners.isEmpty)
            await #expect(throws: AccessError.notFound) { try await test.store.partners.find(legal.id, in: other.manager) }
            await #expect(throws: AccessError.notFound) {
                try await test.store.partners.addEvent(NewPartnerEvent(kind: .meeting, title: "x", heldOn: today), to: legal.id, in: other.supervisor)
            }
            await #expect(throws: AccessError.forbidden) { try await test.store.partners.network(in: staff.clinician) }
        }
    }
}
