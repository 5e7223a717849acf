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

    @Test("a supervisor reassigns a case: the new case manager sees it and takes over its open tasks; bad lists change nothing",
          arguments: Backend.allCases)
    func reassignment(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let staff = try await Self.staff(test)
            let client = try await test.store.clients.create(Self.newClient, in: staff.manager)
            let soon = CaseloadPolicy.day(test.store.clients.today(), plus: 3)
            let open = try await test.store.cases.addTask(NewTask(title: "call the shelter", due: soon), to: client.id, in: staff.manager)
            let done = try await test.store.cases.addTask(NewTask(title: "done already", due: "2099-01-02"), to: client.id, in: staff.manager)
            try await test.store.cases.completeTask(done.id, of: client.id, in: staff.manager)
            let loaded = try await test.store.clients.find(client.id, in: staff.supervisor)

            // Only a supervisor who may open the client; only active case staff of the organization; never nobody.
            await #expect(throws: AccessError.forbidden) {
                try await test.store.clients.assign(client.id, to: [staff.teammate.userId], expectedVersion: nil, in: staff.manager)
            }
            await #expect(throws: AccessError.notFound) {
                try await test.store.clients.assign(client.id, to: [staff.otherManager.userId], expectedVersion: nil, in: staff.otherSupervisor)
            }
            let stranger = try await Self.staff(test, "Other Case Org")
            for bad in [[], [staff.clinician.userId], [stranger.manager.userId], [staff.teammate.userId, "no-such-user"]] {
                await #expect(throws: CaseError.self) {
                    try await test.store.clients.assign(client.id, to: bad, expectedVersion: nil, in: staff.supervisor)
                }
            }
            #expect(try await test.store.clients.find(client.id, in: staff.supervisor).version == loaded.version)

            let moved = try await test.store.clients.assign(client.id, to: [staff.teammate.userId], expectedVersion: loaded.version, in: staff.supervisor)
            #expect(moved.caseManagers == [staff.teammate.userId] && moved.version == loaded.version + 1)
            // A form loaded before the move is stale.
            await #expect(throws: CaseError.stale) {
                try await test.store.clients.assign(client.id, to: [staff.manager.userId], expectedVersion: loaded.version, in: staff.supervisor)
            }
            await #expect(throws: AccessError.notFound) { try await test.store.clients.find(client.id, in: staff.manager) }
            #expect(try await test.store.clients.list(in: staff.teammate).map(\.id) == [client.id])
            let tasks = try await test.store.cases.caseFile(client.id, in: staff.teammate).tasks
            #expect(tasks.first { $0.id == open.id }?.ownerId == staff.teammate.userId)
            #expect(tasks.first { $0.id == done.id }?.ownerId == staff.manager.userId)  // finished work keeps its author
            #expect(try await test.store.oversight.caseload(in: staff.teammate).tasksDue.map(\.detail) == ["call the shelter"])
            #expect(try await test.store.oversight.caseload(in: staff.manager).tasksDue.isEmpty)

            // Two at once, then the assignable staff as the form lists them.
            let both = try await test.store.clients.assign(client.id, to: [staff.teammate.userId, staff.manager.userId], expectedVersion: nil, in: staff.supervisor)
            #expect(both.caseManagers.sorted() == [staff.teammate.userId, staff.manager.userId].sorted())
            let listed = try await test.store.clients.caseStaff(in: staff.supervisor).map(\.id)
            #expect(Set(listed) == Set([staff.manager, staff.teammate, staff.supervisor, staff.otherManager, staff.otherSupervisor].map(\.userId)))
            await #expect(throws: AccessError.forbidden) { try await test.store.clients.caseStaff(in: staff.manager) }
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: staff.org.orgId, userId: staff.org.userId, role: .auditor, requestId: "r"))
                .filter { $0.objectId == client.id }.map(\.action)
            #expect(actions.filter { $0 == "client.assign" }.count == 2)
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
            #expect(record.clientId == client.id && record.consentId == consent.id && view.payload?.noVoicemail == nil)
            // The loop closes from the case: the service answers, the case manager who sent it closes it.
            _ = try await test.store.referrals.receiverMove(token: link, to: .accepted, reason: nil, note: "")
            _ = try await test.store.referrals.receiverMove(token: link, to: .completed, reason: .gotHelp, note: "")
            #expect(try await test.store.referrals.move(record.id, to: .closed, reason: nil, note: "", in: staff.manager).status == .closed)
            await #expect(throws: AccessError.notFound) { try await test.store.referrals.find(record.id, in: staff.otherManager) }
            // Calls safe, voicemail not: the service is told not to leave a message.
            _ = try await test.store.clients.updateContactSafety(client.id, ContactSafety(call: true, text: true, voicemail: false), expectedVersion: 2,
                                                                 in: staff.manager)
            let (_, callLink) = try await test.store.referrals.createFromCase(client.id, serviceId: service, consentId: consent.id, payload: byCall,
                                                                             in: staff.manager)
            #expect(try await test.store.referrals.receiverView(token: callLink).payload?.noVoicemail == true)
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

@Suite("Case management: the parts of a case, the dashboard, oversight")
struct CaseRecordStoreTests {
    @Test("assessments show change, notes are read by the labels' roles only, tasks and consents reach the dashboard; close and reopen keep history",
          arguments: Backend.allCases)
    func caseParts(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let client = try await test.store.clients.create(CaseStoreTests.newClient, in: staff.manager)
            let cases = test.store.cases

            let first = try await cases.addAssessment(NewAssessment(levels: ["housing": 1, "safety": 2]), to: client.id, in: staff.manager)
            #expect(first.scores.map(\.change) == [nil, nil])
            time.advance(86_400)
            let second = try await cases.addAssessment(NewAssessment(levels: ["housing": 3, "safety": 2, "income": 1]), to: client.id, in: staff.manager)
            #expect(second.scores.map(\.domain) == [.housing, .income, .safety] && second.scores.map(\.change) == [2, nil, 0])
            await #expect(throws: CaseError.self) { try await cases.addAssessment(NewAssessment(levels: ["housing": 6]), to: client.id, in: staff.manager) }
            await #expect(throws: CaseError.self) { try await cases.addAssessment(NewAssessment(levels: ["weather": 3]), to: client.id, in: staff.manager) }

            let goal = try await cases.addGoal(NewGoal(domain: .housing, text: "My own room by summer", steps: ["apply for the voucher"],
                                                       targetDate: "2027-06-30"), to: client.id, in: staff.manager)
            try await cases.setGoalStatus(goal.id, of: client.id, to: .achieved, in: staff.manager)
            _ = try await cases.addService(NewService(type: .emergencyHousingNight, units: 3, fundingSource: "VOCA"), to: client.id, in: staff.manager)
            await #expect(throws: CaseError.self) {
                try await cases.addService(NewService(type: .transport, deliveredOn: "2099-01-01"), to: client.id, in: staff.manager)
            }

            // Labels: a case manager may not write a therapy note; a supervisor may. Who reads what:
            _ = try await cases.addNote(NewNote(text: "general note"), to: client.id, in: staff.manager)
            let sud = try await cases.addNote(NewNote(text: "Part 2 note", sensitivity: .substanceUse), to: client.id, in: staff.manager)
            await #expect(throws: CaseError.self) {
                try await cases.addNote(NewNote(text: "therapy", sensitivity: .therapy), to: client.id, in: staff.manager)
            }
            _ = try await cases.addNote(NewNote(text: "therapy note", sensitivity: .therapy), to: client.id, in: staff.supervisor)
            _ = try await cases.addNote(NewNote(text: "privileged note", sensitivity: .legalPrivileged), to: client.id, in: staff.supervisor)
            let managerReads = Set(try await cases.caseFile(client.id, in: staff.manager).notes.map(\.text))
            let supervisorReads = Set(try await cases.caseFile(client.id, in: staff.supervisor).notes.map(\.text))
            #expect(managerReads == ["general note", "Part 2 note"])
            #expect(supervisorReads == ["general note", "Part 2 note", "therapy note", "privileged note"])
            let signed = try await cases.cosign(sud.id, of: client.id, in: staff.supervisor)
            #expect(signed.cosignedBy == staff.supervisor.userId)
            await #expect(throws: AccessError.forbidden) { try await cases.cosign(sud.id, of: client.id, in: staff.manager) }
            await #expect(throws: CaseError.self) { try await cases.cosign(sud.id, of: client.id, in: staff.supervisor) }

            // Tasks belong to someone on the case; the dashboard shows what is due and overdue.
            await #expect(throws: CaseError.self) {
                try await cases.addTask(NewTask(title: "x", due: "2027-01-20", ownerId: staff.otherManager.userId), to: client.id, in: staff.manager)
            }
            let overdue = try await cases.addTask(NewTask(title: "Call the shelter back", due: "2027-01-10"), to: client.id, in: staff.manager)
            _ = try await cases.addTask(NewTask(title: "Court date reminder", due: "2027-01-20"), to: client.id, in: staff.manager)
            _ = try await test.store.consents.create(NewConsent(purpose: "housing", recipientOrg: "City Housing Desk", categories: [.needs],
                                                                method: .written, givenBy: .client, expiresOn: "2027-01-25"), for: client.id, in: staff.manager)
            var board = try await test.store.oversight.caseload(in: staff.manager)
            #expect(board.overdueTasks.map(\.detail) == ["Call the shelter back"] && board.overdueTasks.first?.alias == "Wren")
            #expect(board.tasksDue.map(\.detail) == ["Court date reminder"] && board.totals.overdueTasks == 1 && board.totals.tasksDue == 1)
            #expect(board.expiringConsents.map(\.date) == ["2027-01-25"])
            #expect(board.noRecentContact.isEmpty)
            try await cases.completeTask(overdue.id, of: client.id, in: staff.manager)
            try await cases.completeTask(overdue.id, of: client.id, in: staff.manager)
            time.advance(31 * 86_400)
            board = try await test.store.oversight.caseload(in: staff.manager)
            #expect(board.overdueTasks.map(\.detail) == ["Court date reminder"] && board.noRecentContact.map(\.clientId) == [client.id])
            #expect(try await test.store.oversight.caseload(in: staff.otherManager) == Caseload())

            // Phase and closure: stale versions refused; closing and reopening keep the history.
            let current = try await test.store.clients.find(client.id, in: staff.manager)
            try await cases.setPhase(.thrive, of: client.id, expectedVersion: current.version, in: staff.manager)
            await #expect(throws: CaseError.stale) {
                try await cases.setPhase(.prevent, of: client.id, expectedVersion: current.version, in: staff.supervisor)
            }
            _ = try await cases.close(client.id, reason: .goalsMet, outcome: "Moved into her own flat", expectedVersion: nil, in: staff.manager)
            await #expect(throws: CaseError.closed) { try await cases.addNote(NewNote(text: "late"), to: client.id, in: staff.manager) }
            #expect(try await test.store.clients.list(in: staff.manager).isEmpty)
            try await cases.reopen(client.id, in: staff.manager)
            let file = try await cases.caseFile(client.id, in: staff.manager)
            #expect(file.client.phaseHistory.map(\.phase) == [.survive, .thrive] && file.client.status == .open)
            #expect(file.closures.count == 1 && file.closures[0].outcome == "Moved into her own flat" && file.closures[0].reopenedAt != nil)
            #expect(file.goals.first?.status == .achieved && file.services.first?.units == 3 && file.assessments.count == 2)
        }
    }

    @Test("the access log lists who read and changed a client; break-the-glass opens for an hour; a purge shreds the client",
          arguments: Backend.allCases)
    func oversight(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let staff = try await CaseStoreTests.staff(test)
            let client = try await test.store.clients.create(CaseStoreTests.newClient, in: staff.manager)
            _ = try await test.store.cases.addNote(NewNote(text: "note"), to: client.id, in: staff.manager)
            _ = try await test.store.clients.find(client.id, in: staff.supervisor)

            let log = try await test.store.oversight.accessLog(client.id, in: staff.supervisor)
            #expect(Set(log.map(\.action)).isSuperset(of: ["client.create", "client.note", "client.read"]))
            let bySupervisor = try await test.store.oversight.accessLog(client.id, filter: AccessLogFilter(actorId: staff.supervisor.userId), in: staff.supervisor)
            #expect(bySupervisor.allSatisfy { $0.actorId == staff.supervisor.userId } && !bySupervisor.isEmpty)
            await #expect(throws: AccessError.forbidden) { try await test.store.oversight.accessLog(client.id, in: staff.manager) }
            let auditor = try await test.member(staff.org, role: .auditor, name: "case-auditor")
            #expect(!(try await test.store.oversight.accessLog(client.id, in: auditor)).isEmpty)

            // The other team's supervisor: nothing, until they break the glass with a reason; an hour later, nothing again.
            await #expect(throws: AccessError.notFound) { try await test.store.clients.find(client.id, in: staff.otherSupervisor) }
            await #expect(throws: AccessError.forbidden) { try await test.store.oversight.breakGlass(client.id, reason: "emergency", in: staff.otherManager) }
            await #expect(throws: CaseError.self) { try await test.store.oversight.breakGlass(client.id, reason: "", in: staff.otherSupervisor) }
            let grant = try await test.store.oversight.breakGlass(client.id, reason: "police at the door, on-call", in: staff.otherSupervisor)
            #expect(try await test.store.clients.find(client.id, in: staff.otherSupervisor).alias == "Wren")
            #expect(try await test.store.oversight.caseload(in: staff.supervisor).breakGlassToReview.map(\.detail) == [grant.id])
            await #expect(throws: CaseError.self) { try await test.store.oversight.reviewBreakGlass(grant.id, in: staff.otherSupervisor) }
            try await test.store.oversight.reviewBreakGlass(grant.id, in: staff.supervisor)
            time.advance(3601)
            await #expect(throws: AccessError.notFound) { try await test.store.clients.find(client.id, in: staff.otherSupervisor) }

            // Purge: a supervisor's decision with a reason; afterwards the client is gone and its key destroyed.
            await #expect(throws: AccessError.forbidden) { try await test.store.oversight.purge(client.id, reason: "retention ended", in: staff.manager) }
            await #expect(throws: CaseError.self) { try await test.store.oversight.purge(client.id, reason: "", in: staff.supervisor) }
            let tally = try await test.store.oversight.purge(client.id, reason: "retention period ended", in: staff.supervisor)
            #expect(tally.notes == 1)
            await #expect(throws: AccessError.notFound) { try await test.store.clients.find(client.id, in: staff.manager) }
            await #expect(throws: AccessError.notFound) { try await test.store.clients.revealIdentity(client.id, reason: "after purge", in: staff.supervisor) }
            let keysLeft = try await test.store.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM client_keys WHERE client_id = \(bind: client.id)").first()!.decode(column: "n", as: Int64.self)
            }
            #expect(keysLeft == 0)
            let kept = try await test.store.database.withConnection { db in
                try await db.raw("SELECT counts FROM purged_clients WHERE org_id = \(bind: staff.org.orgId)").all().map { try $0.decode(column: "counts", as: String.self) }
            }
            #expect(kept.count == 1 && kept[0].contains("\"notes\":1"))
            guard case .intact = try await test.store.audit.verify() else { Issue.record("the audit chain is broken"); return }
        }
    }
}
