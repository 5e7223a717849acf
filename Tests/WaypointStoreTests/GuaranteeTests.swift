import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

/// The paths an attacker found that forgot a rule kept elsewhere (issue 28), each kept closed.
@Suite("Guarantees: break-the-glass, consent on every path out, erasure, former staff")
struct GuaranteeTests {
    /// An organization's case staff, the directory with a service to refer to, and a client of the case manager's.
    static func caseWithService(_ test: TestStore) async throws -> (staff: CaseStoreTests.Staff, service: String, client: ClientRecord) {
        let staff = try await CaseStoreTests.staff(test)
        try await DirectoryStoreTests.seeded(test, owner: staff.org.orgId)
        let service = try await ReferralStoreTests.casaPuente(test)
        return (staff, service, try await test.store.clients.create(CaseStoreTests.newClient, in: staff.manager))
    }

    @Test("break-the-glass reads for an hour and nothing more: no assignment, no purge, no writes, no consent; a purge keeps the opening for review",
          arguments: Backend.allCases)
    func breakGlassIsReadOnly(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let client = try await test.store.clients.create(CaseStoreTests.newClient, in: staff.manager)
            let grant = try await test.store.oversight.breakGlass(client.id, reason: "police at the door", in: staff.otherSupervisor)
            let outsider = staff.otherSupervisor
            #expect(try await test.store.clients.find(client.id, in: outsider).alias == "Wren")
            // Reading, but not the substance-use notes: those reach the team's supervisor through the team only.
            _ = try await test.store.cases.addNote(NewNote(text: "Part 2 note", sensitivity: .substanceUse), to: client.id, in: staff.manager)
            #expect(try await test.store.cases.caseFile(client.id, in: outsider).notes.isEmpty)
            #expect(try await test.store.cases.caseFile(client.id, in: staff.supervisor).notes.map(\.text) == ["Part 2 note"])
            // Putting themself on the case would make the hour permanent and remove the case manager.
            await #expect(throws: AccessError.notFound) {
                try await test.store.clients.assign(client.id, to: [outsider.userId], expectedVersion: nil, in: outsider)
            }
            await #expect(throws: AccessError.notFound) { try await test.store.oversight.purge(client.id, reason: "no", in: outsider) }
            await #expect(throws: AccessError.notFound) { try await test.store.cases.addNote(NewNote(text: "x"), to: client.id, in: outsider) }
            await #expect(throws: AccessError.notFound) {
                try await test.store.consents.create(NewConsent(purpose: "x", recipientOrg: "Anyone", categories: [.needs], method: .verbal,
                                                                givenBy: .client, expiresOn: "2027-01-30"), for: client.id, in: outsider)
            }
            #expect(try await test.store.clients.find(client.id, in: staff.manager).caseManagers == [staff.manager.userId])
            time.advance(3_601)
            await #expect(throws: AccessError.notFound) { try await test.store.clients.find(client.id, in: outsider) }
            #expect(try await test.store.clients.list(in: outsider).isEmpty)

            // The team's own supervisor purges; the opening stays on the review list, without its reason.
            _ = try await test.store.oversight.purge(client.id, reason: "retention ended", in: staff.supervisor)
            #expect(try await test.store.oversight.caseload(in: staff.supervisor).breakGlassToReview.map(\.detail) == [grant.id])
            let reason = try await test.store.database.withConnection { db in
                try await db.raw("SELECT reason_sealed FROM break_glass WHERE id = \(bind: grant.id)").first()?.decode(column: "reason_sealed", as: String.self)
            }
            #expect(reason == "")
        }
    }

    @Test("a screening's consent is at most a year, goes with the person to the case, is withdrawn there, and a purge ends its link",
          arguments: Backend.allCases)
    func screeningConsentJoinsTheCase(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            try await DirectoryStoreTests.seeded(test, owner: staff.org.orgId)
            let service = try await ReferralStoreTests.casaPuente(test)
            let clinician = staff.clinician
            let routes = try await test.store.jurisdictions.table(for: clinician)
            let submission = ScreeningSubmission(
                instrument: "sscst", encounter: try Encounter(age: 19, language: nil, setting: nil, companionPresent: false, state: "TX", routes: routes),
                answers: .keyed(["sscst-1": .yes, "sscst-2": .yes]), concern: .labor, foreignNational: false, idempotencyKey: "g-1")
            let screening = try await test.store.screenings.save(
                try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: test.store.clock.now()), in: clinician).record

            var forever = ReferralStoreTests.consent
            forever.expiresOn = "2099-12-31"
            await #expect(throws: ConsentError.self) {
                try await test.store.referrals.create(NewReferral(serviceId: service, screeningId: screening.id, consent: forever,
                                                                  payload: ReferralStoreTests.payload), in: clinician)
            }
            let (referral, link) = try await test.store.referrals.create(
                NewReferral(serviceId: service, screeningId: screening.id, consent: ReferralStoreTests.consent, payload: ReferralStoreTests.payload),
                in: clinician)
            let handed = try await test.store.cases.handOver(
                screening: screening.id, ScreeningHandover(consent: true, alias: "Finch", caseManagerId: staff.manager.userId), in: clinician)
            let file = try await test.store.cases.caseFile(handed.clientId, in: staff.manager)
            #expect(file.referrals.map(\.id) == [referral.id])
            // Handed over, the person's referrals are made from the case, under its consents: none slips past it.
            await #expect(throws: ReferralError.self) {
                try await test.store.referrals.create(NewReferral(serviceId: service, screeningId: screening.id, consent: ReferralStoreTests.consent,
                                                                  payload: ReferralStoreTests.payload), in: clinician)
            }
            let consent = try #require(file.consents.first)
            #expect(file.consents.count == 1 && consent.recipient.serviceId == service)
            // The case team follows it up now; a manager of another team does not.
            #expect(try await test.store.referrals.find(referral.id, in: staff.manager).id == referral.id)
            await #expect(throws: AccessError.notFound) { try await test.store.referrals.find(referral.id, in: staff.otherManager) }

            _ = try await test.store.consents.revoke(consent.id, of: handed.clientId, reason: "changed her mind", in: staff.manager)
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: link) }

            // A second referral made at another screening, then the purge: its link is gone, its payload empty.
            let again = ScreeningSubmission(
                instrument: "sscst", encounter: try Encounter(age: 19, language: nil, setting: nil, companionPresent: false, state: "TX", routes: routes),
                answers: .keyed(["sscst-1": .yes, "sscst-2": .yes]), concern: .labor, foreignNational: false, idempotencyKey: "g-2")
            let second = try await test.store.screenings.save(
                try ScreeningUseCases.submit(again, by: .clinician, routes: routes, now: test.store.clock.now()), in: clinician).record
            let (_, secondLink) = try await test.store.referrals.create(
                NewReferral(serviceId: service, screeningId: second.id, consent: ReferralStoreTests.consent, payload: ReferralStoreTests.payload),
                in: clinician)
            let handedAgain = try await test.store.cases.handOver(
                screening: second.id, ScreeningHandover(consent: true, alias: "Wren", caseManagerId: staff.manager.userId), in: clinician)
            #expect(try await test.store.referrals.receiverView(token: secondLink).payload?.alias == "Rosa")
            _ = try await test.store.oversight.purge(handedAgain.clientId, reason: "asked to be forgotten", in: staff.supervisor)
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: secondLink) }
            // The purged person is not rebuilt from the screening: it was handed over once.
            await #expect(throws: CaseError.self) {
                try await test.store.cases.handOver(screening: second.id, ScreeningHandover(consent: true, alias: "Again", caseManagerId: staff.manager.userId),
                                                    in: clinician)
            }
            let left = try await test.store.database.withConnection { db in
                try await db.raw("SELECT payload_sealed, service_name FROM referrals WHERE screening_id = \(bind: second.id)").all()
                    .map { try $0.decode(column: "payload_sealed", as: String.self) + $0.decode(column: "service_name", as: String.self) }
            }
            #expect(left == [""])
        }
    }

    @Test("safe times go out only with consent to contact; the client export names only the consent's recipient", arguments: Backend.allCases)
    func consentCategoriesShapeWhatGoesOut(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let (staff, service, client) = try await Self.caseWithService(test)
            _ = try await test.store.clients.updateContactSafety(
                client.id, ContactSafety(call: false, text: true, voicemail: false, safeTimes: "weekdays 2-4 pm", codeWord: "blue"),
                expectedVersion: 1, in: staff.manager)
            let needsOnly = try await test.store.consents.create(
                NewConsent(purpose: "referral", recipientServiceId: service, categories: [.needs], method: .written, givenBy: .client,
                           expiresOn: "2027-01-30"), for: client.id, in: staff.manager)
            let payload = ReferralPayload(alias: "", needs: ["mental-health"], language: "", doNotContact: false, contactMethod: nil)
            let (_, link) = try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: needsOnly.id, payload: payload,
                                                                          in: staff.manager)
            let view = try await test.store.referrals.receiverView(token: link)
            #expect(view.payload?.safeTimes == "" && view.payload?.contactDetail == "")

            // A referral to another recipient, under its own consent; an export under the first names only the first.
            let other = try await test.store.consents.create(
                NewConsent(purpose: "legal help", recipientOrg: "Harbor Legal Clinic", categories: [.needs], method: .written, givenBy: .client,
                           expiresOn: "2027-01-30"), for: client.id, in: staff.manager)
            let bundle = try await test.store.cases.fhirExport(client.id, consentId: needsOnly.id, in: staff.manager)
            let text = String(decoding: try JSONEncoder().encode(bundle), as: UTF8.self)
            #expect(text.contains("ServiceRequest") && !text.contains("Harbor Legal Clinic"))
            let underOther = String(decoding: try JSONEncoder().encode(try await test.store.cases.fhirExport(client.id, consentId: other.id, in: staff.manager)),
                                    as: UTF8.self)
            #expect(!underOther.contains("ServiceRequest") && !underOther.contains("Casa Puente"))
        }
    }

    @Test("someone taken off a case loses its referrals; a purge empties the line contact the case came from", arguments: Backend.allCases)
    func formerStaffAndTheLine(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let (staff, service, client) = try await Self.caseWithService(test)
            _ = try await test.store.clients.assign(client.id, to: [staff.manager.userId, staff.teammate.userId], expectedVersion: nil, in: staff.supervisor)
            let consent = try await test.store.consents.create(
                NewConsent(purpose: "referral", recipientServiceId: service, categories: [.needs], method: .written, givenBy: .client,
                           expiresOn: "2027-01-30"), for: client.id, in: staff.manager)
            let payload = ReferralPayload(alias: "", needs: ["mental-health"], language: "", doNotContact: true, contactMethod: nil)
            let (referral, _) = try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consent.id, payload: payload,
                                                                              in: staff.manager)
            #expect(try await test.store.referrals.find(referral.id, in: staff.teammate).id == referral.id)  // the team follows it
            _ = try await test.store.clients.assign(client.id, to: [staff.teammate.userId], expectedVersion: nil, in: staff.supervisor)
            await #expect(throws: AccessError.notFound) { try await test.store.referrals.find(referral.id, in: staff.manager) }
            await #expect(throws: AccessError.notFound) { try await test.store.referrals.newLink(referral.id, in: staff.manager) }
            await #expect(throws: AccessError.notFound) { try await test.store.referrals.fhirBundle(referral.id, in: staff.manager) }

            // From the line: a contact handed over, then purged with the case.
            let advocate = try await test.member(staff.org, role: .advocate, name: "guarantee-advocate")
            let contact = try await test.store.crisis.log(
                NewCrisisContact(channel: .call, callerRole: .person, concerns: [.labor], language: "es", danger: false, outcome: [.information],
                                 codeWord: "heron-42", note: "Quokka-Note-5511"), in: advocate)
            let fromLine = try await test.store.crisis.convert(contact.id, CrisisConversion(consent: true, alias: "Heron", caseManagerId: staff.manager.userId),
                                                              in: advocate)
            _ = try await test.store.oversight.purge(fromLine, reason: "asked to be forgotten", in: staff.supervisor)
            let after = try await test.store.crisis.find(contact.id, in: advocate)
            #expect(after.note == "" && after.clientId == nil && after.callback == nil && after.earlierContacts.isEmpty)
            let row = try await test.store.database.withConnection { db in
                try await db.raw("SELECT code_digest, client_id FROM crisis_contacts WHERE id = \(bind: contact.id)").first()
            }
            #expect(try row?.decode(column: "code_digest", as: String?.self) == nil)
        }
    }
}

/// Values staff pick, not type (issue 28, observation 6).
@Suite("Organization lists")
struct OrganizationListTests {
    @Test("a program or funding source is one of the organization's entries, never free text; administrators keep the lists",
          arguments: Backend.allCases)
    func listsNotFreeText(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let admin = try await test.member(staff.org, role: .admin, name: "lists-admin")
            #expect(Set(try await test.store.lists.entries(.program, in: staff.manager)) == Set(OrganizationList.program.defaults))
            // A case manager cannot type a name into a report row, nor add it to the list.
            await #expect(throws: CaseError.self) {
                try await test.store.clients.create(NewClient(alias: "Ibis", phase: .survive, reporting: ClientReporting(program: "Maria Lopez's case")),
                                                    in: staff.manager)
            }
            await #expect(throws: AccessError.forbidden) { try await test.store.lists.add("Maria Lopez", to: .program, in: staff.manager) }
            let client = try await test.store.clients.create(NewClient(alias: "Ibis", phase: .survive), in: staff.manager)
            await #expect(throws: CaseError.self) {
                try await test.store.cases.addService(NewService(type: .transport, units: 1, fundingSource: "Paid by her uncle"), to: client.id, in: staff.manager)
            }
            _ = try await test.store.cases.addService(NewService(type: .transport, units: 1, fundingSource: "VOCA"), to: client.id, in: staff.manager)
            // The administrator adds a program; case staff then pick it; retiring it keeps what was recorded.
            #expect(try await test.store.lists.add("  Night shelter ", to: .program, in: admin) == "Night shelter")
            await #expect(throws: CaseError.self) { try await test.store.lists.add("night SHELTER", to: .program, in: admin) }
            _ = try await test.store.clients.updateReporting(client.id, ClientReporting(program: "Night shelter"), expectedVersion: nil, in: staff.manager)
            try await test.store.lists.retire("Night shelter", from: .program, in: admin)
            #expect(!(try await test.store.lists.entries(.program, in: staff.manager)).contains("Night shelter"))
            #expect(try await test.store.clients.find(client.id, in: staff.manager).reporting.program == "Night shelter")
            // Saved again unchanged it stays; another client cannot be given it any more.
            _ = try await test.store.clients.updateReporting(client.id, ClientReporting(program: "Night shelter", exploitation: .labor), expectedVersion: nil,
                                                             in: staff.manager)
            await #expect(throws: CaseError.self) {
                try await test.store.clients.create(NewClient(alias: "Egret", phase: .survive, reporting: ClientReporting(program: "Night shelter")),
                                                    in: staff.manager)
            }
            await #expect(throws: AccessError.forbidden) { try await test.store.lists.entries(.program, in: staff.clinician) }
        }
    }
}
