import Foundation

/// How long a receiving service has to answer before the sender's dashboard flags the referral,
/// counted in working hours (Monday–Friday 09:00–17:00 in `timeZone`), and how long links live.
public struct ReferralPolicy: Sendable {
    public var responseHours: Double
    public var timeZone: TimeZone
    public var linkLifetime: TimeInterval
    /// How long a consent lasts when the person does not say otherwise.
    public var defaultConsentDays: Int

    public init(responseHours: Double = 8, timeZone: TimeZone = .current, linkLifetime: TimeInterval = 14 * 24 * 3600,
                defaultConsentDays: Int = 90) {
        self.responseHours = responseHours
        self.timeZone = timeZone
        self.linkLifetime = linkLifetime
        self.defaultConsentDays = defaultConsentDays
    }

    /// Today's date (YYYY-MM-DD) where the policy's organization is: consent expiries are compared with it.
    public func today(at now: Date) -> String {
        now.calendarDay(in: timeZone)
    }

    /// The expiry a new consent form offers: about three months from today.
    public func defaultConsentExpiry(at now: Date) -> String {
        today(at: now.addingTimeInterval(Double(defaultConsentDays) * 24 * 3600))
    }

    /// A link lives for the policy's lifetime, never past the last day the consent covers.
    public func linkExpiry(now: Int64, consent: ReferralConsent) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = consent.expiresOn.split(separator: "-").compactMap { Int($0) }
        let consentEnd = parts.count == 3
            ? calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2] + 1)).map { Int64($0.timeIntervalSince1970 * 1000) }
            : nil
        return min(now + Int64(linkLifetime * 1000), consentEnd ?? .max)
    }

    /// Sent and not answered within the policy's working hours.
    public func isOverdue(status: ReferralStatus, sentAt: Date, now: Date) -> Bool {
        status == .sent && sentAt <= overdueIfSentBy(now: now)
    }

    /// The latest sending time that is overdue at `now`: one instant for a whole list, so a
    /// database can count overdue referrals with a comparison instead of walking each one's calendar.
    public func overdueIfSentBy(now: Date) -> Date {
        BusinessHours.latestStart(withElapsed: responseHours, before: now, timeZone: timeZone)
    }
}

public struct NewReferral: Sendable {
    public var serviceId: String
    public var screeningId: String?
    public var consent: ReferralConsent?
    public var payload: ReferralPayload

    public init(serviceId: String, screeningId: String? = nil, consent: ReferralConsent?, payload: ReferralPayload) {
        self.serviceId = serviceId
        self.screeningId = screeningId
        self.consent = consent
        self.payload = payload
    }
}

public struct ReferralSummary: Sendable, Equatable, Codable {
    public let id: String
    public let status: ReferralStatus
    public let serviceName: String
    public let createdAt: Date
    public let updatedAt: Date
    /// Sent and not answered within the policy's working hours.
    public let overdue: Bool
    /// When the consent it was sent under was withdrawn: why the service's link no longer opens.
    public let consentWithdrawnAt: Date?
    /// The directory service it went to (an export under a consent carries only that recipient's).
    public let serviceId: String?

    public init(id: String, status: ReferralStatus, serviceName: String, createdAt: Date, updatedAt: Date, overdue: Bool,
                consentWithdrawnAt: Date? = nil, serviceId: String? = nil) {
        self.consentWithdrawnAt = consentWithdrawnAt
        self.serviceId = serviceId
        self.id = id
        self.status = status
        self.serviceName = serviceName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.overdue = overdue
    }
}

/// What the receiving service sees through its link: the minimum payload while the consent is
/// current, and the moves open to it.
public struct ReceiverView: Sendable {
    public let referralId: String
    public let status: ReferralStatus
    public let serviceName: String
    public let senderOrganization: String
    /// nil once the consent has expired: the service is told to contact the referrer.
    public let payload: ReferralPayload?
    public let allowedMoves: [ReferralStatus]
    public let events: [ReferralEvent]
    /// The payload was released under a consent covering substance-use records: the page shows the
    /// 42 CFR 2.32 notice with it.
    public let part2Notice: Bool
}

/// The directory facts a new referral needs about the service it goes to.
public struct ReferralTarget: Sendable, Equatable {
    public let name: String
    public let status: String
    /// The organization that maintains the directory entry, whose inbox receives the referral.
    public let owner: String?
    /// The HSDS organization that runs the service, by name.
    public let organizationName: String?

    public init(name: String, status: String, owner: String?, organizationName: String? = nil) {
        self.name = name
        self.status = status
        self.owner = owner
        self.organizationName = organizationName
    }
}

/// A referral decided and ready to store: the checked payload and consent, and its first link.
public struct ReferralDecision: Sendable, Equatable {
    public let payload: ReferralPayload
    public let consent: ReferralConsent
    public let link: ReceiverLink
}

/// The referral use cases: who may do what, what a new referral and a new link need, what the
/// receiving service may see. Pure: the clock's readings and the stored facts are passed in.
public enum ReferralUseCases {



    /// Sending a referral: refused without an active service, or without consent that names it,
    /// covers what is shared and has not expired.
    public static func create(_ new: NewReferral, by role: Role, target: ReferralTarget?, policy: ReferralPolicy,
                              now: Int64, id: String, nonce: String) throws -> ReferralDecision {
        guard Policy.allows(role, .referFromScreening) else { throw AccessError.forbidden }
        guard let target, target.status == "active" else {
            throw ReferralError.invalidPayload(field: "service_id", reason: LocalizedText("error_detail_service_inactive"))
        }
        let payload = try new.payload.checked(consent: new.consent, recipient: target.name, today: policy.today(at: Date(millis: now)))
        let consent = new.consent!  // `checked` refuses a missing consent
        return ReferralDecision(payload: payload, consent: consent,
                                link: ReceiverLink(referralId: id, expiresAt: policy.linkExpiry(now: now, consent: consent), nonce: nonce))
    }

    /// A referral made from a case: by its case manager (or supervisor), to an active service, under
    /// an active consent of the client's that covers the service and what is shared, by a channel
    /// the client marked safe. The alias, language and safe times default to the case's.
    public static func createFromCase(_ payload: ReferralPayload, client: ClientRecord, consent: ConsentRecord?, serviceId: String,
                                      target: ReferralTarget?, by role: Role, policy: ReferralPolicy, now: Int64, id: String,
                                      nonce: String) throws -> ReferralDecision {
        guard Policy.allows(role, .referFromCase) else { throw AccessError.forbidden }
        guard let target, target.status == "active" else {
            throw ReferralError.invalidPayload(field: "service_id", reason: LocalizedText("error_detail_service_inactive"))
        }
        let today = policy.today(at: Date(millis: now))
        try CaseUseCases.checkReferral(payload: payload, client: client, consent: consent, target: target, serviceId: serviceId,
                                       organizationName: target.organizationName, today: today)
        let embedded = ConsentUseCases.referralConsent(consent!)  // `checkReferral` refuses a missing consent
        var filled = payload
        if filled.alias.trimmingCharacters(in: .whitespaces).isEmpty { filled.alias = client.alias }
        if filled.language.isEmpty { filled.language = client.languages.first ?? "" }
        if filled.safeTimes.isEmpty, !filled.doNotContact, ConsentRelease.releases(.safeTimes, under: ConsentRelease.categories(embedded)) {
            filled.safeTimes = client.contactSafety.safeTimes
        }
        // A service that calls must not leave a message the wrong person could hear.
        if filled.contactMethod == .phone, !filled.doNotContact, !client.contactSafety.isSafe(.voicemail) { filled.noVoicemail = true }
        let checked = try filled.checked(consent: embedded, recipient: embedded.recipient, today: today)
        return ReferralDecision(payload: checked, consent: embedded,
                                link: ReceiverLink(referralId: id, expiresAt: policy.linkExpiry(now: now, consent: embedded), nonce: nonce))
    }

    /// A fresh link for a sender who lost theirs: only while the referral is open and its consent
    /// current and not withdrawn.
    public static func newLink(for record: ReferralRecord, policy: ReferralPolicy, now: Int64, nonce: String) throws -> ReceiverLink {
        guard !record.status.isFinished else { throw ReferralError.linkFinished }
        if record.consentWithdrawnAt != nil { throw ConsentError.required(LocalizedText("error_detail_consent_withdrawn")) }
        guard record.consent.isCurrent(today: policy.today(at: Date(millis: now))) else {
            throw ReferralError.consentMissing(LocalizedText("error_detail_consent_expired_relink", ["date": record.consent.expiresOn]))
        }
        return ReceiverLink(referralId: record.id, expiresAt: policy.linkExpiry(now: now, consent: record.consent), nonce: nonce)
    }

    /// Sending the referral to another system (FHIR export) needs a consent that is still current.
    public static func checkExport(_ record: ReferralRecord, today: String) throws {
        if record.consentWithdrawnAt != nil { throw ConsentError.required(LocalizedText("error_detail_consent_withdrawn")) }
        guard record.consent.isCurrent(today: today) else {
            throw ReferralError.consentMissing(LocalizedText("error_detail_consent_expired_export", ["date": record.consent.expiresOn]))
        }
    }

    /// A note on a move: trimmed, and short enough to read at a glance.
    public static func checkedNote(_ note: String) throws -> String {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 1000 else { throw ReferralError.invalidPayload(field: "note", reason: LocalizedText("error_detail_note_length")) }
        return trimmed
    }

    /// The receiver sees the payload only while the link is open, and none of the sender's notes.
    /// Right after its own final answer the service sees that answer, without the person's details.
    public static func receiverView(_ record: ReferralRecord, today: String) -> ReceiverView {
        ReceiverView(referralId: record.id, status: record.status, serviceName: record.serviceName,
                     senderOrganization: record.senderOrganization,
                     payload: record.isOpenToReceiver(today: today) ? record.payload.released(under: record.consent) : nil,
                     allowedMoves: ReferralTransition.allowedMoves(from: record.status, by: .receiver),
                     events: record.events.map { ReferralEvent(at: $0.at, party: $0.party, actor: $0.party == .sender ? "sender" : $0.actor,
                                                               status: $0.status, reason: $0.reason, note: $0.party == .receiver ? $0.note : "") },
                     part2Notice: record.isOpenToReceiver(today: today) && record.consent.part2 == true)
    }
}
