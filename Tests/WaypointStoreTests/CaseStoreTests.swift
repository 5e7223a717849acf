import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Case management: clients, identity vault, consent as a record")
struct CaseStoreTests {
    static let legalName = "Quokka-Legal-Name-9013"

    /// An organization with a team of two case managers and their supervisor, a case manager and a
    /// supervisor of another team, and a clinician.
    struct Staff {
        let org: TenantFixture
        let manager, teammate, supervisor, otherManager, otherSupervisor, clinician: TenantContext
    }

    static func staff(_ test: TestStore, _ name: String = "Case Org") async throws -> Staff {
        let org = try await test.organization(name)
        func member(_ role: Role, _ username: String, team: String) async throws -> TenantContext {
            let id = try await test.store.users.createAsOperator(
                NewUser(username: username, role: role, displayName: username, password: TestStore.password, team: team),
                orgId: org.orgId, requestId: "test")
            return TenantContext(orgId: org.orgId, userId: id, role: role, requestId: "test-" + username)
        }
        let suffix = String(UUID().uuidString.prefix(6)).lowercased()
        return Staff(org: org,
                     manager: try await member(.caseManager, "cm-a-" + suffix, team: "north"),
                     teammate: try await member(.caseManager, "cm-b-" + suffix, team: "north"),
                     supervisor: try await member(.supervisor, "sup-n-" + suffix, team: "north"),
                     otherManager: try await member(.caseManager, "cm-s-" + suffix, team: "south"),
                     otherSupervisor: try await member(.supervisor, "sup-s-" + suffix, team: "south"),
                     clinician: try await member(.clinician, "clin-" + suffix, team: ""))
    }

    static let newClient = NewClient(alias: "Wren", phase: .survive, flags: ClientFlags(safetyConcern: true), languages: ["es"],
                                     identity: ClientIdentity(legalName: legalName, dob: "2001-02-03", phone: "208-555-0199"))

    @Test("a client is pseudonymous; the legal identity opens only with a reason, audited; the caseload decides who sees it",
          arguments: Backend.allCases)
    func identityVaultAndCaseload(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await Self.staff(test)
            let client = try await test.store.clients.create(Self.newClient, in: staff.manager)
            #expect(client.alias == "Wren" && client.hasIdentity && client.caseManagers == [staff.manager.userId] && client.version == 1)
            #expect(!String(describing: client).contains(Self.legalName))
            #expect(try await test.store.clients.list(in: staff.manager).map(\.id) == [client.id])

            // The same team's supervisor sees the caseload; the other team, other roles and other organizations do not.
            #expect(try await test.store.clients.list(in: staff.supervisor).map(\.id) == [client.id])
            #expect(try await test.store.clients.find(client.id, in: staff.supervisor).alias == "Wren")
            for outsider in [staff.teammate, staff.otherManager, staff.otherSupervisor] {
                #expect(try await test.store.clients.list(in: outsider).isEmpty)
                await #expect(throws: AccessError.notFound) { try await test.store.clients.find(client.id, in: outsider) }
                await #expect(throws: AccessError.notFound) { try await test.store.clients.revealIdentity(client.id, reason: "to call", in: outsider) }
            }
            await #expect(throws: AccessError.forbidden) { try await test.store.clients.find(client.id, in: staff.clinician) }
            let stranger = try await Self.staff(test, "Other Case Org")
            await #expect(throws: AccessError.notFound) { try await test.store.clients.find(client.id, in: stranger.manager) }

            await #expect(throws: CaseError.self) { try await test.store.clients.revealIdentity(client.id, reason: " ", in: staff.manager) }
            let identity = try await test.store.clients.revealIdentity(client.id, reason: "benefits application needs the legal name", in: staff.manager)
            #expect(identity.legalName == Self.legalName && identity.dob == "2001-02-03")
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: staff.org.orgId, userId: staff.org.userId, role: .auditor, requestId: "r"))
                .filter { $0.objectId == client.id }.map(\.action)
            #expect(actions.contains("client.create") && actions.contains("client.read") && actions.contains("client.identity-reveal"))

            // Nowhere in the database files: SQLite's file and WAL, PostgreSQL's rows.
            switch test.location {
            case .sqlite(let path):
                for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                    #expect(bytes.range(of: Data(Self.legalName.utf8)) == nil, "legal name found in \(file)")
                    #expect(bytes.range(of: Data("Wren".utf8)) == nil, "alias found in \(file)")
                }
            case .postgres:
                let dump = try await test.store.database.withConnection { db in
                    try await db.raw("SELECT CAST(c.* AS TEXT) AS row FROM clients c").all()
                        .map { try $0.decode(column: "row", as: String.self) }.joined(separator: "\n")
                }
                #expect(!dump.isEmpty && !dump.contains(Self.legalName) && !dump.contains("Wren"))
            }
        }
    }

    @Test("the contact profile refuses a stale form, and a referral by a channel not marked safe", arguments: Backend.allCases)
    func contactSafety(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await Self.staff(test)
            try await DirectoryStoreTests.seeded(test, owner: staff.org.orgId)
            let service = try await ReferralStoreTests.casaPuente(test)
            let client = try await test.store.clients.create(Self.newClient, in: staff.manager)
            let consent = try await test.store.consents.create(
                NewConsent(purpose: "counselling referral", recipientServiceId: service, categories: [.needs, .contact], method: .written,
                           givenBy: .client, expiresOn: "2027-06-30"), for: client.id, in: staff.manager)
            let byText = ReferralPayload(alias: "", needs: ["mental-health"], language: "", doNotContact: false, contactMethod: .text,
                                         contactDetail: "208-555-0199")
            await #expect(throws: CaseError.unsafeContact(.text)) {
                try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consent.id, payload: byText, in: staff.manager)
            }
            let saved = try await test.store.clients.updateContactSafety(
                client.id, ContactSafety(call: false, text: true, voicemail: false, safeTimes: "weekdays 2-4 pm", codeWord: "blue"),
                expectedVersion: 1, in: staff.manager)
            #expect(saved.version == 2 && saved.contactSafety.safeChannels == [.text])
            // A form loaded at version 1 by the supervisor: refused, nothing overwritten.
            await #expect(throws: CaseError.stale) {
                try await test.store.clients.updateContactSafety(client.id, ContactSafety(call: true), expectedVersion: 1, in: staff.supervisor)
            }
            #expect(try await test.store.clients.find(client.id, in: staff.manager).contactSafety.call == false)
            let byCall = ReferralPayload(alias: "", needs: ["mental-health"], language: "", doNotContact: false, contactMethod: .phone,
                                         contactDetail: "208-555-0199")
            await #expect(throws: CaseError.unsafeContact(.call)) {
                try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consent.id, payload: byCall, in: staff.manager)
            }
            let (record, link) = try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consent.id, payload: byText,
                                                                               in: staff.manager)
            // The case's alias, language and safe times travel; the legal identity never does.
            let view = try await test.store.referrals.receiverView(token: link)
            #expect(view.payload?.alias == "Wren" && view.payload?.safeTimes == "weekdays 2-4 pm" && view.payload?.language == "")
            #expect(record.clientId == client.id && record.consentId == consent.id)
        }
    }

    @Test("every outbound referral needs live consent; withdrawing it kills the link at once and the referral says why",
          arguments: Backend.allCases)
    func consentGatesReferrals(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let staff = try await Self.staff(test)
            try await DirectoryStoreTests.seeded(test, owner: staff.org.orgId)
            let service = try await ReferralStoreTests.casaPuente(test)
            let client = try await test.store.clients.create(Self.newClient, in: staff.manager)
            let other = try await test.store.clients.create(NewClient(alias: "Lark", phase: .prevent), in: staff.manager)
            let needs = ReferralPayload(alias: "", needs: ["mental-health"], language: "", doNotContact: true, contactMethod: nil)

            // Bad consents are refused with the field that is wrong.
            let bad: [(NewConsent, String)] = [
                (NewConsent(purpose: "x", recipientServiceId: service, categories: [.needs], method: .verbal, givenBy: .client,
                            startsOn: "2027-03-01", expiresOn: "2027-02-01"), "expires_on"),
                (NewConsent(purpose: "x", recipientServiceId: service, categories: [.needs], method: .verbal, givenBy: .guardian,
                            expiresOn: "2027-03-01"), "guardian_not_suspected"),
                (NewConsent(purpose: "x", recipientServiceId: service, categories: [], method: .verbal, givenBy: .client,
                            expiresOn: "2027-03-01"), "categories"),
                (NewConsent(purpose: "x", recipientServiceId: service, categories: [.needs], method: .verbal, givenBy: .client,
                            expiresOn: "2029-03-01"), "expires_on"),
            ]
            for (consent, field) in bad {
                do {
                    _ = try await test.store.consents.create(consent, for: client.id, in: staff.manager)
                    Issue.record("accepted a consent with a bad \(field)")
                } catch let error as ConsentError {
                    #expect(error.field == field)
                }
            }

            // No consent, another client's consent, a consent for another recipient or without the needs: 409 consent-required.
            let elsewhere = try await test.store.consents.create(
                NewConsent(purpose: "legal aid", recipientOrg: "Harbor Legal Clinic", categories: [.needs], method: .verbal, givenBy: .client,
                           expiresOn: "2027-06-30"), for: client.id, in: staff.manager)
            let othersConsent = try await test.store.consents.create(
                NewConsent(purpose: "counselling", recipientServiceId: service, categories: [.needs], method: .verbal, givenBy: .client,
                           expiresOn: "2027-06-30"), for: other.id, in: staff.manager)
            let contactOnly = try await test.store.consents.create(
                NewConsent(purpose: "counselling", recipientServiceId: service, categories: [.contact], method: .verbal, givenBy: .client,
                           expiresOn: "2027-06-30"), for: client.id, in: staff.manager)
            for consentId in [nil, othersConsent.id, elsewhere.id, contactOnly.id] {
                do {
                    _ = try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consentId, payload: needs, in: staff.manager)
                    Issue.record("referral sent without covering consent \(consentId ?? "none")")
                } catch let error as ConsentError {
                    #expect(error.messageKey == "consent-required" && error.kind == .conflict)
                }
            }

            let consent = try await test.store.consents.create(
                NewConsent(purpose: "counselling referral", recipientServiceId: service, categories: [.needs], method: .electronic,
                           givenBy: .client, expiresOn: "2027-06-30", evidence: "signed on the tablet"), for: client.id, in: staff.manager)
            #expect(consent.recipient.name == "Casa Puente counselling line (demo)" && consent.startsOn == "2027-01-15")
            let (record, link) = try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consent.id, payload: needs,
                                                                               in: staff.manager)
            #expect(try await test.store.referrals.receiverView(token: link).payload?.alias == "Wren")

            await #expect(throws: ConsentError.self) {
                try await test.store.consents.revoke(consent.id, of: client.id, reason: "", in: staff.manager)
            }
            let revoked = try await test.store.consents.revoke(consent.id, of: client.id, reason: "the person asked us to stop sharing", in: staff.manager)
            #expect(revoked.state(today: "2027-01-15") == .revoked)
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: link) }
            await #expect(throws: ReferralError.linkGone) {
                try await test.store.referrals.receiverMove(token: link, to: .accepted, reason: nil, note: "")
            }
            await #expect(throws: ConsentError.alreadyRevoked) {
                try await test.store.consents.revoke(consent.id, of: client.id, reason: "again", in: staff.manager)
            }
            await #expect(throws: ConsentError.self) {
                try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consent.id, payload: needs, in: staff.manager)
            }
            let listed = try await test.store.consents.list(for: client.id, in: staff.manager)
            #expect(listed.first(where: { $0.id == consent.id })?.revocation?.reason == "the person asked us to stop sharing")

            // Expiry ends links the same way: a second consent and referral, then the calendar moves past it.
            let short = try await test.store.consents.create(
                NewConsent(purpose: "counselling referral", recipientServiceId: service, categories: [.needs], method: .verbal,
                           givenBy: .client, expiresOn: "2027-01-20"), for: client.id, in: staff.manager)
            let (_, shortLink) = try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: short.id, payload: needs,
                                                                               in: staff.manager)
            time.advance(7 * 24 * 3600)
            await #expect(throws: ReferralError.self) { try await test.store.referrals.receiverView(token: shortLink) }
            _ = record
            guard case .intact = try await test.store.audit.verify() else { Issue.record("the audit chain is broken"); return }
        }
    }

    @Test("a screening-time referral consent is a consent record too", arguments: Backend.allCases)
    func screeningConsentIsARecord(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let org = try await test.organization("Referring Clinic")
            try await DirectoryStoreTests.seeded(test, owner: org.orgId)
            let clinician = try await test.member(org, role: .clinician, name: "consent-clinician")
            let service = try await ReferralStoreTests.casaPuente(test)
            let (record, link) = try await test.store.referrals.create(
                NewReferral(serviceId: service, consent: ReferralStoreTests.consent, payload: ReferralStoreTests.payload), in: clinician)
            let consentId = try #require(record.consentId)
            let stored = try await test.store.database.withConnection { db in
                try await Consents.find(consentId, orgId: org.orgId, on: db, keys: test.store.keys, now: test.store.clock.millis())
            }
            #expect(stored?.recipient.serviceId == service && stored?.categories == [.contact, .language, .needs] && stored?.clientId == nil)
            #expect(try await test.store.referrals.receiverView(token: link).payload != nil)
            // Withdrawn (as by the clinic's administrator at the person's request): the link is gone.
            try await test.sql("UPDATE consents SET revoked_at = 1 WHERE id = '\(consentId)'")
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: link) }
            #expect(try await test.store.referrals.find(record.id, in: clinician).consentWithdrawnAt != nil)
        }
    }
}
