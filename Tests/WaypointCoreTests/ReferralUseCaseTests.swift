import Foundation
import Testing
@testable import WaypointCore

/// The referral decisions, without a database: who may, what a link lives for, what a service sees.
@Suite("Referral use cases")
struct ReferralUseCaseTests {
    let policy = ReferralPolicy(timeZone: TimeZone(identifier: "UTC")!)
    let consent = ReferralConsent(method: .verbal, scope: [.needs, .contact], recipient: "Harbor Legal Clinic", expiresOn: "2027-01-10")
    let payload = ReferralPayload(alias: "Rosa", needs: ["legal-immigration"], language: "es", doNotContact: false,
                                  contactMethod: .text, contactDetail: "208-555-0110", safeTimes: "")
    /// 2027-01-01 00:00 UTC.
    let now: Int64 = 1_798_761_600_000

    @Test("a link lives fourteen days, never past the consent's last day; the form offers ninety days of consent")
    func lifetimes() throws {
        #expect(policy.linkExpiry(now: now, consent: consent) == now + 10 * 24 * 3600 * 1000)
        let long = ReferralConsent(method: .written, scope: [.needs], recipient: "x", expiresOn: "2028-01-01")
        #expect(policy.linkExpiry(now: now, consent: long) == now + 14 * 24 * 3600 * 1000)
        #expect(policy.defaultConsentExpiry(at: Date(millis: now)) == "2027-04-01")
    }

    @Test("only clinicians refer, only to an active service, only with consent naming it")
    func create() throws {
        let target = ReferralTarget(name: "Harbor Legal Clinic", status: "active", owner: "org")
        let new = NewReferral(serviceId: "s", consent: consent, payload: payload)
        #expect(throws: AccessError.forbidden) {
            _ = try ReferralUseCases.create(new, by: .directoryEditor, target: target, policy: policy, now: now, id: "r", nonce: "n")
        }
        for missing in [nil, ReferralTarget(name: "Harbor Legal Clinic", status: "inactive", owner: nil)] {
            #expect(throws: ReferralError.self) {
                _ = try ReferralUseCases.create(new, by: .clinician, target: missing, policy: policy, now: now, id: "r", nonce: "n")
            }
        }
        #expect(throws: ReferralError.self) {
            _ = try ReferralUseCases.create(NewReferral(serviceId: "s", consent: nil, payload: payload), by: .clinician, target: target,
                                            policy: policy, now: now, id: "r", nonce: "n")
        }
        let decision = try ReferralUseCases.create(new, by: .clinician, target: target, policy: policy, now: now, id: "r", nonce: "n")
        #expect(decision.link == ReceiverLink(referralId: "r", expiresAt: policy.linkExpiry(now: now, consent: consent), nonce: "n"))
    }

    @Test("a new link needs an open referral and a current consent that was not withdrawn")
    func newLink() throws {
        func record(_ status: ReferralStatus, withdrawn: Date? = nil) -> ReferralRecord {
            ReferralRecord(id: "r", status: status, createdAt: Date(millis: now), updatedAt: Date(millis: now), senderOrganization: "Clinic",
                           serviceId: "s", serviceName: "Harbor", screeningId: nil, consent: consent, payload: payload, events: [],
                           consentId: "c", consentWithdrawnAt: withdrawn)
        }
        #expect(throws: ReferralError.linkFinished) {
            _ = try ReferralUseCases.newLink(for: record(.cancelled), policy: policy, now: now, nonce: "n")
        }
        let lapsed = now + 20 * 24 * 3600 * 1000
        #expect(throws: ReferralError.self) {
            _ = try ReferralUseCases.newLink(for: record(.sent), policy: policy, now: lapsed, nonce: "n")
        }
        #expect(throws: ConsentError.self) {
            _ = try ReferralUseCases.newLink(for: record(.sent, withdrawn: Date(millis: now)), policy: policy, now: now, nonce: "n")
        }
        #expect(!record(.accepted, withdrawn: Date(millis: now)).isOpenToReceiver(today: "2027-01-02"))
        #expect(throws: ConsentError.self) { try ReferralUseCases.checkExport(record(.accepted, withdrawn: Date(millis: now)), today: "2027-01-02") }
        #expect(try ReferralUseCases.newLink(for: record(.accepted), policy: policy, now: now, nonce: "m").nonce == "m")
    }

    @Test("the service sees the person only while the referral is open, and never the sender's notes")
    func receiverView() throws {
        let events = [ReferralEvent(at: Date(millis: now), party: .sender, actor: "clinician-id", status: .sent, reason: nil, note: "sender only"),
                      ReferralEvent(at: Date(millis: now), party: .receiver, actor: "service-link", status: .accepted, reason: nil, note: "booked")]
        func record(_ status: ReferralStatus) -> ReferralRecord {
            ReferralRecord(id: "r", status: status, createdAt: Date(millis: now), updatedAt: Date(millis: now), senderOrganization: "Clinic",
                           serviceId: "s", serviceName: "Harbor", screeningId: nil, consent: consent, payload: payload, events: events)
        }
        let open = ReferralUseCases.receiverView(record(.accepted), today: "2027-01-02")
        // What the consent does not cover stays out even of a payload stored with it (no consent to the language here).
        #expect(open.payload?.language == "" && open.payload?.contactDetail == payload.contactDetail && open.payload?.alias == "Rosa")
        #expect(open.events.map(\.note) == ["", "booked"] && open.events[0].actor == "sender")
        #expect(ReferralUseCases.receiverView(record(.cancelled), today: "2027-01-02").payload == nil)
        #expect(ReferralUseCases.receiverView(record(.accepted), today: "2027-01-11").payload == nil)
        #expect(throws: ReferralError.self) { try ReferralUseCases.checkExport(record(.accepted), today: "2027-01-11") }
        #expect(throws: ReferralError.self) { _ = try ReferralUseCases.checkedNote(String(repeating: "x", count: 1001)) }
        #expect(try ReferralUseCases.checkedNote("  fine \n") == "fine")
    }
}
