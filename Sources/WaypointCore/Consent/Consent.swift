import Foundation

/// A release of information as a record of its own: what the person agreed may be shared, with
/// whom, for what, from when until when, how they said so — and whether they have taken it back.
/// Every path that sends data out asks a live consent first (VAWA 34 U.S.C. 12291(b)(2): informed,
/// written or recorded, reasonably time-limited; 42 CFR 2.31 for substance-use records).
public struct ConsentRecord: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable, CaseIterable { case written, verbal, electronic }
    /// The person themself or their guardian. Never the suspected exploiter: a guardian's consent
    /// is accepted only with the staff member's confirmation that the guardian is not suspected.
    public enum GivenBy: String, Codable, Sendable, CaseIterable { case client, guardian }

    public let id: String
    /// The case the consent belongs to; nil for a consent taken at a screening for one referral.
    public let clientId: String?
    public let purpose: String
    public let recipient: ConsentRecipient
    public let categories: [DataCategory]
    public let method: Method
    public let givenBy: GivenBy
    /// First and last day covered (YYYY-MM-DD, the organization's calendar).
    public let startsOn: String
    public let expiresOn: String
    public let evidence: String
    /// Substance-use records from a federally assisted program (42 CFR Part 2): every disclosure
    /// under this consent carries the redisclosure notice.
    public let part2: Bool
    public let createdAt: Date
    public let revocation: ConsentRevocation?

    public init(id: String, clientId: String?, purpose: String, recipient: ConsentRecipient, categories: [DataCategory],
                method: Method, givenBy: GivenBy, startsOn: String, expiresOn: String, evidence: String, part2: Bool,
                createdAt: Date, revocation: ConsentRevocation?) {
        self.id = id
        self.clientId = clientId
        self.purpose = purpose
        self.recipient = recipient
        self.categories = categories
        self.method = method
        self.givenBy = givenBy
        self.startsOn = startsOn
        self.expiresOn = expiresOn
        self.evidence = evidence
        self.part2 = part2
        self.createdAt = createdAt
        self.revocation = revocation
    }

    public enum State: String, Codable, Sendable { case active, pending, expired, revoked }

    /// Revocation wins over everything; then the dates decide.
    public func state(today: String) -> State {
        if revocation != nil { return .revoked }
        if today < startsOn { return .pending }
        return today <= expiresOn ? .active : .expired
    }

    public func isActive(today: String) -> Bool { state(today: today) == .active }
}

/// Who may receive data under a consent: one directory service (by id, as named when the person
/// agreed), or an organization named in words.
public struct ConsentRecipient: Codable, Sendable, Equatable {
    public let serviceId: String?
    public let name: String

    public init(serviceId: String?, name: String) {
        self.serviceId = serviceId
        self.name = name
    }

    /// A service is covered when the consent names that service, or names, in words, the
    /// organization or service exactly as the directory does.
    public func covers(serviceId: String, serviceName: String, organizationName: String?) -> Bool {
        if let own = self.serviceId { return own == serviceId }
        let named = name.trimmingCharacters(in: .whitespaces)
        guard !named.isEmpty else { return false }
        return named.caseInsensitiveCompare(serviceName) == .orderedSame
            || organizationName.map { named.caseInsensitiveCompare($0) == .orderedSame } == true
    }
}

public struct ConsentRevocation: Codable, Sendable, Equatable {
    public let at: Date
    public let by: String
    public let reason: String

    public init(at: Date, by: String, reason: String) {
        self.at = at
        self.by = by
        self.reason = reason
    }
}

/// The kinds of data a consent can release. A referral always shares needs; contact details,
/// language and the rest only when named.
public enum DataCategory: String, Codable, Sendable, CaseIterable {
    case needs, contact, language, demographics, screening, assessments, goals, services, notes
    /// Substance-use disorder records (42 CFR Part 2).
    case substanceUse = "substance_use"
    case identity
}
