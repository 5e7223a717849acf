import Foundation

/// A consent as staff record it, before it is checked.
public struct NewConsent: Codable, Sendable, Equatable {
    public var purpose: String
    public var recipientServiceId: String?
    public var recipientOrg: String?
    public var categories: [DataCategory]
    public var method: ConsentRecord.Method
    public var givenBy: ConsentRecord.GivenBy
    /// A guardian's consent counts only when staff confirm the guardian is not suspected of the
    /// exploitation (HIPAA 164.502(g)(5) lets us refuse a representative who may be the abuser).
    public var guardianNotSuspected: Bool?
    public var startsOn: String?
    public var expiresOn: String
    public var evidence: String?
    public var part2: Bool?

    public init(purpose: String, recipientServiceId: String? = nil, recipientOrg: String? = nil, categories: [DataCategory],
                method: ConsentRecord.Method, givenBy: ConsentRecord.GivenBy, guardianNotSuspected: Bool? = nil,
                startsOn: String? = nil, expiresOn: String, evidence: String? = nil, part2: Bool? = nil) {
        self.purpose = purpose
        self.recipientServiceId = recipientServiceId
        self.recipientOrg = recipientOrg
        self.categories = categories
        self.method = method
        self.givenBy = givenBy
        self.guardianNotSuspected = guardianNotSuspected
        self.startsOn = startsOn
        self.expiresOn = expiresOn
        self.evidence = evidence
        self.part2 = part2
    }
}

public enum ConsentError: UserFacingError, Equatable {
    /// No active consent covers what an outbound path would send.
    case required(LocalizedText)
    case invalid(field: String, reason: LocalizedText)
    case alreadyRevoked

    /// The problem type other tools match on: `urn:waypoint:problem:consent-required`.
    public var messageKey: String {
        switch self {
        case .required: "consent-required"
        case .invalid: "error_consent_invalid"
        case .alreadyRevoked: "error_consent_revoked_already"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .required, .alreadyRevoked: .conflict
        case .invalid: .invalid
        }
    }

    public var field: String? {
        switch self {
        case .required: "consent_id"
        case .invalid(let field, _): field
        case .alreadyRevoked: nil
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .required(let text), .invalid(_, let text): text
        case .alreadyRevoked: nil
        }
    }
}

/// The rules for taking, reading and withdrawing consent. Pure: today's date is passed in.
public enum ConsentUseCases {
    /// "Reasonably time-limited": a consent covers at most a year; the person can renew it.
    public static let longestDays = 366

    /// Checks a new consent and returns it trimmed, with its start defaulting to today. The
    /// recipient's name comes from the directory when the consent names a service.
    public static func checked(_ new: NewConsent, id: String, clientId: String?, serviceName: String?, today: String,
                               now: Date) throws -> ConsentRecord {
        func invalid(_ field: String, _ key: String, _ values: [String: String] = [:]) -> ConsentError {
            .invalid(field: field, reason: LocalizedText(key, values))
        }
        let purpose = new.purpose.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...300).contains(purpose.count) else { throw invalid("purpose", "error_detail_consent_purpose") }
        let recipient: ConsentRecipient
        if let serviceId = new.recipientServiceId {
            guard let serviceName else { throw invalid("recipient_service_id", "error_detail_service_inactive") }
            recipient = ConsentRecipient(serviceId: serviceId, name: serviceName)
        } else {
            let name = (new.recipientOrg ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(name.count) else { throw invalid("recipient_org", "error_detail_consent_recipient_missing") }
            recipient = ConsentRecipient(serviceId: nil, name: name)
        }
        guard !new.categories.isEmpty else { throw invalid("categories", "error_detail_consent_categories") }
        if new.givenBy == .guardian, new.guardianNotSuspected != true {
            throw invalid("guardian_not_suspected", "error_detail_consent_guardian")
        }
        let startsOn = new.startsOn ?? today
        guard let start = HSDSRowRules.dayNumber(startsOn) else { throw invalid("starts_on", "error_detail_date_field", ["name": "starts_on"]) }
        guard let end = HSDSRowRules.dayNumber(new.expiresOn) else { throw invalid("expires_on", "error_detail_date_field", ["name": "expires_on"]) }
        guard end >= start else { throw invalid("expires_on", "error_detail_consent_ends_before_start") }
        guard new.expiresOn >= today else { throw invalid("expires_on", "error_detail_consent_in_past") }
        try checkLength(startsOn: startsOn, expiresOn: new.expiresOn)
        let evidence = (new.evidence ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard evidence.count <= 1000 else { throw invalid("evidence", "error_detail_too_long", ["max": "1000"]) }
        // Substance-use records are released only under a consent that says so (42 CFR 2.31).
        let part2 = (new.part2 ?? false) || new.categories.contains(.substanceUse)
        return ConsentRecord(id: id, clientId: clientId, purpose: purpose, recipient: recipient,
                             categories: Array(Set(new.categories)).sorted { $0.rawValue < $1.rawValue },
                             method: new.method, givenBy: new.givenBy, startsOn: startsOn, expiresOn: new.expiresOn,
                             evidence: evidence, part2: part2, createdAt: now, revocation: nil)
    }

    /// "Reasonably time-limited", for every consent wherever it is taken: at most `longestDays`.
    public static func checkLength(startsOn: String, expiresOn: String) throws {
        guard let start = HSDSRowRules.dayNumber(startsOn), let end = HSDSRowRules.dayNumber(expiresOn) else {
            throw ConsentError.invalid(field: "expires_on", reason: LocalizedText("error_detail_date_field", ["name": "expires_on"]))
        }
        guard end - start <= longestDays else {
            throw ConsentError.invalid(field: "expires_on", reason: LocalizedText("error_detail_consent_too_long", ["days": String(longestDays)]))
        }
    }

    /// Withdrawing consent needs a reason, kept with the record; withdrawing twice is refused.
    public static func revocation(of consent: ConsentRecord, reason: String, by userId: String, now: Date) throws -> ConsentRevocation {
        guard consent.revocation == nil else { throw ConsentError.alreadyRevoked }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(trimmed.count) else {
            throw ConsentError.invalid(field: "reason", reason: LocalizedText("error_detail_reason_required"))
        }
        return ConsentRevocation(at: now, by: userId, reason: trimmed)
    }

    /// Whether sending `categories` to a service is covered: refused, with the reason the sender
    /// needs, unless the consent is active, names the recipient and lists every category.
    public static func checkCovers(_ consent: ConsentRecord?, serviceId: String, serviceName: String, organizationName: String?,
                                   categories: Set<DataCategory>, today: String) throws {
        guard let consent else { throw ConsentError.required(LocalizedText("error_detail_consent_none")) }
        switch consent.state(today: today) {
        case .revoked: throw ConsentError.required(LocalizedText("error_detail_consent_withdrawn"))
        case .expired: throw ConsentError.required(LocalizedText("error_detail_consent_expired", ["date": consent.expiresOn]))
        case .pending: throw ConsentError.required(LocalizedText("error_detail_consent_not_started", ["date": consent.startsOn]))
        case .active: break
        }
        guard consent.recipient.covers(serviceId: serviceId, serviceName: serviceName, organizationName: organizationName) else {
            throw ConsentError.required(LocalizedText("error_detail_consent_recipient", ["recipient": consent.recipient.name]))
        }
        let missing = categories.subtracting(consent.categories).map(\.rawValue).sorted()
        guard missing.isEmpty else {
            throw ConsentError.required(LocalizedText("error_detail_consent_categories_missing", ["categories": missing.joined(separator: ", ")]))
        }
    }

    /// A screening-time referral consent as a record: the same facts, recipient by service id.
    public static func record(from consent: ReferralConsent, id: String, serviceId: String, serviceName: String,
                              today: String, now: Date) -> ConsentRecord {
        let categories = ConsentRelease.categories(consent)
        return ConsentRecord(id: id, clientId: nil, purpose: "referral", recipient: ConsentRecipient(serviceId: serviceId, name: serviceName),
                             categories: categories.sorted { $0.rawValue < $1.rawValue }, method: consent.method == .written ? .written : .verbal, givenBy: .client,
                             startsOn: min(today, consent.expiresOn), expiresOn: consent.expiresOn, evidence: "", part2: false,
                             createdAt: now, revocation: nil)
    }

    /// The embedded shape a referral keeps (and its receiver and FHIR export read): the consent's
    /// method, the categories a referral can carry, the recipient's name and the expiry.
    public static func referralConsent(_ consent: ConsentRecord) -> ReferralConsent {
        let scope = ReferralConsent.Item.allCases.filter { item in
            consent.categories.contains(DataCategory(rawValue: item.rawValue)!)
        }
        return ReferralConsent(method: consent.method == .verbal ? .verbal : .written, scope: scope,
                               recipient: consent.recipient.name, expiresOn: consent.expiresOn, part2: consent.part2 ? true : nil)
    }
}
