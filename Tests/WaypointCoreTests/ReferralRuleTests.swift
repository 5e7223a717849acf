@preconcurrency import Crypto
import Foundation
import Testing
@testable import WaypointCore

@Suite("Referral rules")
struct ReferralRuleTests {
    let consent = ReferralConsent(method: .verbal, scope: [.needs, .contact, .language], recipient: "Harbor Legal Clinic", expiresOn: "2027-01-31")

    func payload(doNotContact: Bool = false, method: ReferralPayload.ContactMethod? = .phone, detail: String = "208-555-0100") -> ReferralPayload {
        ReferralPayload(alias: "Rosa", needs: ["legal-immigration"], language: "es", doNotContact: doNotContact,
                        contactMethod: method, contactDetail: detail, safeTimes: "weekdays after 3")
    }

    @Test("no referral leaves without consent that names the recipient and is current")
    func consentRequired() throws {
        #expect(throws: ReferralError.self) { try payload().checked(consent: nil, recipient: "Harbor Legal Clinic", today: "2026-11-24") }
        #expect(throws: ReferralError.self) { try payload().checked(consent: consent, recipient: "Another Clinic", today: "2026-11-24") }
        #expect(throws: ReferralError.self) { try payload().checked(consent: consent, recipient: "Harbor Legal Clinic", today: "2027-02-01") }
        var narrow = consent
        narrow.scope = [.needs]
        #expect(throws: ReferralError.self) { try payload().checked(consent: narrow, recipient: "Harbor Legal Clinic", today: "2026-11-24") }
        let checked = try payload().checked(consent: consent, recipient: "harbor legal clinic", today: "2026-11-24")
        #expect(checked.contactDetail == "208-555-0100")
    }

    @Test("do not contact carries no contact details and routes through the referrer")
    func doNotContact() throws {
        #expect(throws: ReferralError.self) {
            try payload(doNotContact: true).checked(consent: consent, recipient: "Harbor Legal Clinic", today: "2026-11-24")
        }
        let checked = try payload(doNotContact: true, method: nil, detail: "").checked(consent: consent, recipient: "Harbor Legal Clinic", today: "2026-11-24")
        #expect(checked.contactMethod == .throughReferrer)
    }

    @Test("the state machine allows only the listed moves, with reasons where needed", arguments: [
        (ReferralStatus.sent, ReferralStatus.accepted, ReferralParty.receiver, ReferralReason?.none, true),
        (.sent, .completed, .receiver, .gotHelp, false),
        (.sent, .declined, .receiver, nil, false),
        (.sent, .declined, .receiver, .noCapacity, true),
        (.accepted, .completed, .receiver, .gotHelp, true),
        (.accepted, .completed, .receiver, .noCapacity, false),
        (.completed, .accepted, .receiver, nil, false),
        (.completed, .closed, .sender, nil, true),
        (.sent, .closed, .sender, nil, false),
        (.sent, .accepted, .sender, nil, false),
        (.inProgress, .cancelled, .sender, .clientWithdrew, true),
    ])
    func stateMachine(from: ReferralStatus, to: ReferralStatus, party: ReferralParty, reason: ReferralReason?, allowed: Bool) {
        let result = Result { try ReferralTransition.check(from: from, to: to, by: party, reason: reason) }
        #expect((try? result.get()) != nil ? allowed : !allowed)
    }

    @Test("a receiver link is refused when forged, altered or expired")
    func receiverLinks() throws {
        let key = SymmetricKey(size: .bits256)
        let token = ReceiverLink(referralId: "abc", expiresAt: 2_000, nonce: "n1").token(key: key)
        #expect(try ReceiverLink.verify(token, key: key, now: 1_000).nonce == "n1")
        #expect(throws: ReferralError.linkInvalid) { try ReceiverLink.verify(token.replacingOccurrences(of: ".n1.", with: ".n2."), key: key, now: 1_000) }
        #expect(ReceiverLink(referralId: "abc", expiresAt: 2_000, nonce: "n2").token(key: key) != token)
        #expect(try ReceiverLink.verify(token, key: key, now: 1_000).referralId == "abc")
        #expect(throws: ReferralError.linkExpired) { try ReceiverLink.verify(token, key: key, now: 2_000) }
        #expect(throws: ReferralError.linkInvalid) { try ReceiverLink.verify(token.replacingOccurrences(of: "2000", with: "9000"), key: key, now: 1_000) }
        #expect(throws: ReferralError.linkInvalid) { try ReceiverLink.verify(token, key: SymmetricKey(size: .bits256), now: 1_000) }
    }

    @Test("the receiver's link opens only an open referral with current consent", arguments: ReferralStatus.allCases)
    func receiverAccess(status: ReferralStatus) {
        let consent = ReferralConsent(method: .verbal, scope: [.needs], recipient: "x", expiresOn: "2027-01-31")
        let record = ReferralRecord(id: "r", status: status, createdAt: Date(), updatedAt: Date(), senderOrganization: "", serviceId: "s",
                                    serviceName: "x", screeningId: nil, consent: consent,
                                    payload: ReferralPayload(alias: "A", needs: ["legal"], language: "", doNotContact: true, contactMethod: nil),
                                    events: [])
        let open: Set<ReferralStatus> = [.sent, .accepted, .waitlisted, .inProgress]
        #expect(record.isOpenToReceiver(today: "2027-01-31") == open.contains(status))
        #expect(!record.isOpenToReceiver(today: "2027-02-01"))
    }

    @Test("working hours skip nights and weekends")
    func businessHours() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let friday = try #require(ISO8601DateFormatter().date(from: "2026-11-20T20:00:00Z"))  // 15:00 Friday in New York
        let monday = try #require(ISO8601DateFormatter().date(from: "2026-11-23T15:00:00Z"))  // 10:00 Monday
        #expect(BusinessHours.elapsed(from: friday, to: monday, timeZone: zone) == 3)
        // With a limit it stops counting there: two years of working hours are not walked to learn "overdue".
        let twoYearsLater = monday.addingTimeInterval(730 * 86_400)
        #expect(BusinessHours.elapsed(from: friday, to: twoYearsLater, timeZone: zone, limit: 8) == 8)
        #expect(BusinessHours.elapsed(from: friday, to: monday.addingTimeInterval(86_400), timeZone: zone, limit: 8) == 10)
        #expect(BusinessHours.elapsed(from: friday, to: twoYearsLater, timeZone: zone) > 4_000)
    }

    @Test("calendar days agree with the ISO 8601 formatter in every zone, either side of midnight and of DST changes")
    func calendarDays() throws {
        var generator = SystemRandomNumberGenerator()
        let zones = try ["UTC", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "Asia/Kolkata", "Pacific/Kiritimati", "Australia/Lord_Howe"]
            .map { try #require(TimeZone(identifier: $0)) }
        for _ in 0..<2_000 {
            // 1950 to 2150, to the second.
            let date = Date(timeIntervalSince1970: Double(Int.random(in: -631_152_000...5_680_281_600, using: &generator)))
            for zone in zones {
                #expect(date.calendarDay(in: zone) == ISO8601DateFormatter.string(from: date, timeZone: zone, formatOptions: [.withFullDate]))
            }
        }
        #expect(Date(timeIntervalSince1970: 951_782_400).calendarDay() == "2000-02-29")
        #expect(Date(timeIntervalSince1970: -1).calendarDay() == "1969-12-31")
    }

    @Test("the overdue cut-off agrees with counting working hours, across nights, weekends and a DST change")
    func overdueCutoff() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let monday = try #require(ISO8601DateFormatter().date(from: "2026-11-23T15:00:00Z"))  // 10:00 Monday
        // 8 working hours before 10:00 Monday: one on Monday, seven on Friday from 10:00.
        #expect(BusinessHours.latestStart(withElapsed: 8, before: monday, timeZone: zone)
                == ISO8601DateFormatter().date(from: "2026-11-20T15:00:00Z"))
        var generator = SystemRandomNumberGenerator()
        // Ends on both sides of the 1 November 2026 change, sent at any minute up to three weeks before.
        for end in [monday, monday.addingTimeInterval(-23 * 86_400 + 5_400), monday.addingTimeInterval(-21 * 86_400 - 7 * 3600)] {
            for hours in [1.0, 8, 24, 41] {
                let cutoff = BusinessHours.latestStart(withElapsed: hours, before: end, timeZone: zone)
                #expect(BusinessHours.elapsed(from: cutoff, to: end, timeZone: zone) == hours)
                for _ in 0..<300 {
                    let sent = end.addingTimeInterval(-Double(Int.random(in: 0...(21 * 24 * 60), using: &generator)) * 60)
                    let counted = BusinessHours.elapsed(from: sent, to: end, timeZone: zone) >= hours
                    #expect(counted == (sent <= cutoff), "sent \(sent), end \(end), \(hours) h")
                }
            }
        }
        let policy = ReferralPolicy(responseHours: 8, timeZone: zone)
        #expect(policy.isOverdue(status: .sent, sentAt: monday.addingTimeInterval(-4 * 86_400), now: monday))
        #expect(!policy.isOverdue(status: .sent, sentAt: monday.addingTimeInterval(-3600), now: monday))
        #expect(!policy.isOverdue(status: .accepted, sentAt: monday.addingTimeInterval(-4 * 86_400), now: monday))
    }

    @Test("the FHIR export marks do-not-contact and maps the status")
    func fhirExport() throws {
        let record = ReferralRecord(
            id: "r_1", status: .declined, createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 60),
            senderOrganization: "Demo Clinic", serviceId: "svc", serviceName: "Harbor Legal Clinic", screeningId: nil, consent: consent,
            payload: try payload(doNotContact: true, method: nil, detail: "").checked(consent: consent, recipient: "Harbor Legal Clinic", today: "2026-11-24"),
            events: [ReferralEvent(at: Date(timeIntervalSince1970: 60), party: .receiver, actor: "service-link", status: .declined, reason: .noCapacity, note: "")])
        let bundle = ReferralFHIR.bundle(record)
        let request = try #require(bundle["entry"]?.array.first?["resource"])
        let task = try #require(bundle["entry"]?.array.last?["resource"])
        #expect(request["id"] == "r.1")
        #expect(request["orderDetail"]?.array.first?["coding"]?.array.first?["code"] == "contacting-subject-prohibited")
        #expect(task["status"] == "rejected")
        #expect(task["statusReason"]?["text"] == "no_capacity")
        #expect(!String(decoding: try JSONEncoder().encode(bundle), as: UTF8.self).contains("208-555"))
    }
}
