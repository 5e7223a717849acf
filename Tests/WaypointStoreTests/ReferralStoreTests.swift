import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Closed-loop referrals")
struct ReferralStoreTests {
    static let consent = ReferralConsent(method: .verbal, scope: [.needs, .contact, .language],
                                         recipient: "Casa Puente counselling line (demo)", expiresOn: "2027-03-01")
    static let payload = ReferralPayload(alias: "Rosa", needs: ["mental-health"], language: "es", doNotContact: false,
                                         contactMethod: .text, contactDetail: "208-555-0110", safeTimes: "after 3 pm")

    static func casaPuente(_ test: TestStore) async throws -> String {
        var query = DirectoryQuery()
        query.text = "Casa Puente"
        return try #require(try await test.store.directory.search(query).hits.first?.serviceId)
    }

    @Test("send with consent, the service answers by link, the sender closes the loop", arguments: Backend.allCases)
    func closedLoop(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Referring Clinic")
            try await DirectoryStoreTests.seeded(test, owner: org.orgId)
            let clinician = try await test.member(org, role: .clinician, name: "referring-clinician")
            let service = try await Self.casaPuente(test)
            await #expect(throws: ReferralError.self) {
                try await test.store.referrals.create(NewReferral(serviceId: service, consent: nil, payload: Self.payload), in: clinician)
            }
            let (record, link) = try await test.store.referrals.create(NewReferral(serviceId: service, consent: Self.consent, payload: Self.payload), in: clinician)
            #expect(record.status == .sent)
            #expect(try await test.store.referrals.list(inbox: false, in: clinician).first?.overdue == false)
            time.advance(10 * 3600)  // Friday 18:00 UTC: a full working day without an answer
            #expect(try await test.store.referrals.list(inbox: false, in: clinician).first?.overdue == true)

            let view = try await test.store.referrals.receiverView(token: link)
            #expect(view.payload?.alias == "Rosa" && view.allowedMoves == [.accepted, .declined, .waitlisted])
            await #expect(throws: ReferralError.self) { try await test.store.referrals.receiverMove(token: link, to: .completed, reason: .gotHelp, note: "") }
            _ = try await test.store.referrals.receiverMove(token: link, to: .accepted, reason: nil, note: "Call booked")
            let done = try await test.store.referrals.receiverMove(token: link, to: .completed, reason: .gotHelp, note: "")
            #expect(done.status == .completed && done.allowedMoves.isEmpty)
            #expect(done.payload == nil)  // the final answer's page no longer shows the person's details
            for attempt in [{ _ = try await test.store.referrals.receiverMove(token: link, to: .inProgress, reason: nil, note: "") },
                            { _ = try await test.store.referrals.receiverView(token: link) }] as [@Sendable () async throws -> Void] {
                await #expect(throws: ReferralError.linkGone) { try await attempt() }
            }
            let closed = try await test.store.referrals.move(record.id, to: .closed, reason: nil, note: "", in: clinician)
            #expect(closed.events.map(\.status) == [.sent, .accepted, .completed, .closed])
            #expect(closed.events[1].note == "Call booked" && closed.events[2].reason == .gotHelp)
            // The org's own inbox lists referrals to its own local entries.
            #expect(try await test.store.referrals.list(inbox: true, in: clinician).map(\.id) == [record.id])
            let bundle = try await test.store.referrals.fhirBundle(record.id, in: clinician)
            #expect(bundle["entry"]?.array.last?["resource"]?["status"] == "completed")
            // History is append-only in the database too.
            await #expect(throws: (any Error).self) { try await test.sql("UPDATE referral_events SET status = 'sent'") }
            guard case .intact = try await test.store.audit.verify() else { Issue.record("the audit chain is broken"); return }
        }
    }

    @Test("a new link and a move are each one audit entry, not a move plus a read", arguments: Backend.allCases)
    func oneEntryPerAction(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Audit Count Clinic")
            try await DirectoryStoreTests.seeded(test, owner: org.orgId)
            let clinician = try await test.member(org, role: .clinician, name: "counting-clinician")
            let auditor = TenantContext(orgId: org.orgId, userId: org.userId, role: .auditor, requestId: "t")
            let (record, _) = try await test.store.referrals.create(
                NewReferral(serviceId: try await Self.casaPuente(test), consent: Self.consent, payload: Self.payload), in: clinician)
            func actionsSince(_ count: Int) async throws -> [String] {
                let all = try await test.store.audit.recent(in: auditor).filter { $0.objectId == record.id }
                return Array(all.prefix(all.count - count).map(\.action).reversed())
            }
            let before = try await test.store.audit.recent(in: auditor).filter { $0.objectId == record.id }.count
            let (relinked, link) = try await test.store.referrals.newLink(record.id, in: clinician)
            #expect(relinked.id == record.id && !link.isEmpty)
            #expect(try await actionsSince(before) == ["referral.link"])
            let moved = try await test.store.referrals.move(record.id, to: .cancelled, reason: .consentWithdrawn, note: "", in: clinician)
            #expect(moved.status == .cancelled)
            #expect(try await actionsSince(before) == ["referral.link", "referral.cancelled"])
        }
    }

    @Test("a forged, superseded or expired link opens nothing", arguments: Backend.allCases)
    func links(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Link Clinic")
            try await DirectoryStoreTests.seeded(test, owner: org.orgId)
            let clinician = try await test.member(org, role: .clinician, name: "link-clinician")
            let (record, link) = try await test.store.referrals.create(
                NewReferral(serviceId: try await Self.casaPuente(test), consent: Self.consent, payload: Self.payload), in: clinician)
            await #expect(throws: ReferralError.linkInvalid) { try await test.store.referrals.receiverView(token: link + "x") }
            await #expect(throws: ReferralError.linkInvalid) { try await test.store.referrals.receiverView(token: "not.a.link") }
            time.advance(60)
            let fresh = try await test.store.referrals.newLink(record.id, in: clinician).link
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: link) }
            // Issued within the same millisecond and with the same expiry, links still differ.
            let again = try await test.store.referrals.newLink(record.id, in: clinician).link
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: fresh) }
            #expect(try await test.store.referrals.receiverView(token: again).status == .sent)
            let latest = try await test.store.referrals.newLink(record.id, in: clinician).link
            time.advance(15 * 24 * 3600)
            await #expect(throws: ReferralError.linkExpired) { try await test.store.referrals.receiverView(token: latest) }
            // Past the consent's last day nothing is exported either.
            time.advance(60 * 24 * 3600)
            await #expect(throws: ReferralError.self) { try await test.store.referrals.fhirBundle(record.id, in: clinician) }
        }
    }

    @Test("withdrawn consent or an ended referral closes the link at once; only the sender sees the referral", arguments: Backend.allCases)
    func withdrawnConsent(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Withdrawal Clinic")
            try await DirectoryStoreTests.seeded(test, owner: org.orgId)
            let sender = try await test.member(org, role: .clinician, name: "sending-clinician")
            let colleague = try await test.member(org, role: .clinician, name: "other-clinician")
            let service = try await Self.casaPuente(test)
            let (record, link) = try await test.store.referrals.create(NewReferral(serviceId: service, consent: Self.consent, payload: Self.payload), in: sender)
            _ = try await test.store.referrals.receiverMove(token: link, to: .accepted, reason: nil, note: "")
            // A colleague in the same organization cannot read, export, re-link or cancel it.
            for attempt in [{ _ = try await test.store.referrals.find(record.id, in: colleague) },
                            { _ = try await test.store.referrals.fhirBundle(record.id, in: colleague) },
                            { _ = try await test.store.referrals.newLink(record.id, in: colleague) },
                            { _ = try await test.store.referrals.move(record.id, to: .cancelled, reason: .consentWithdrawn, note: "", in: colleague) }]
                as [@Sendable () async throws -> Void] {
                await #expect(throws: AccessError.notFound) { try await attempt() }
            }
            #expect(try await test.store.referrals.list(inbox: false, in: colleague).isEmpty)
            _ = try await test.store.referrals.move(record.id, to: .cancelled, reason: .consentWithdrawn, note: "", in: sender)
            await #expect(throws: ReferralError.linkGone) { try await test.store.referrals.receiverView(token: link) }

            // Consent that lapses closes the link too, before the link itself would expire.
            var shortConsent = Self.consent
            shortConsent.expiresOn = "2027-01-20"
            let (_, second) = try await test.store.referrals.create(NewReferral(serviceId: service, consent: shortConsent, payload: Self.payload), in: sender)
            #expect(try await test.store.referrals.receiverView(token: second).payload?.alias == "Rosa")
            time.advance(6 * 24 * 3600)  // past 2027-01-20 (the clock starts on 2027-01-15)
            await #expect(throws: ReferralError.self) { try await test.store.referrals.receiverView(token: second) }
        }
    }

    @Test("the alias, contact details and notes are sealed at rest", arguments: [Backend.sqlite])
    func sealed(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Sealing Clinic")
            try await DirectoryStoreTests.seeded(test, owner: org.orgId)
            let clinician = try await test.member(org, role: .clinician, name: "sealing-clinician")
            var payload = Self.payload
            payload.alias = "Zephyrine"
            _ = try await test.store.referrals.create(NewReferral(serviceId: try await Self.casaPuente(test),
                                                                  consent: Self.consent, payload: payload), in: clinician)
            guard case .sqlite(let path) = test.location else { return }
            try await test.store.database.withConnection { try await $0.raw("PRAGMA wal_checkpoint(FULL)").run() }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            #expect(bytes.range(of: Data("Zephyrine".utf8)) == nil)
            #expect(bytes.range(of: Data("208-555-0110".utf8)) == nil)
        }
    }
}
