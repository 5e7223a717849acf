import Foundation

/// A request for, or a letter of, federal eligibility or immigration relief for a foreign-national
/// client, with the windows the law sets (sources in docs/sources.md, "Eligibility and
/// certification"): a child's request is due to HHS within 24 hours of credible information;
/// interim assistance lasts up to 90 days and may be extended once by 30.
public struct EligibilityRecord: Sendable, Equatable, Codable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case childEligibility = "child-eligibility", interimAssistance = "interim-assistance", adultCertification = "adult-certification"
        case continuedPresence = "continued-presence", tVisa = "t-visa", uVisa = "u-visa"

        /// HHS's letters for children: asked for on behalf of someone under 18.
        public var isForChildren: Bool { self == .childEligibility || self == .interimAssistance }
    }

    public enum Status: String, CaseIterable, Sendable, Codable { case planned, requested, interim, granted, denied, expired }

    public struct Benefit: Sendable, Equatable, Codable {
        public let code: String
        public var done: Bool
        public init(code: String, done: Bool) {
            self.code = code
            self.done = done
        }
    }

    public struct Change: Sendable, Equatable, Codable {
        public let status: Status
        public let at: Date
        public let by: String
        public init(status: Status, at: Date, by: String) {
            self.status = status
            self.at = at
            self.by = by
        }
    }

    public let id: String
    public let clientId: String
    public let kind: Kind
    public var status: Status
    /// When credible information reached the organization: a child's 24-hour clock starts here.
    public let informationReceivedAt: Date?
    public var requestedAt: Date?
    public var decidedAt: Date?
    /// Last day of interim assistance (90 days from the letter, 120 once extended).
    public var interimEndsOn: String?
    public var extended: Bool
    /// Last day of a letter or status, as the document gives it.
    public var expiresOn: String?
    public var benefits: [Benefit]
    public var history: [Change]

    public init(id: String, clientId: String, kind: Kind, status: Status, informationReceivedAt: Date?, requestedAt: Date?, decidedAt: Date?,
                interimEndsOn: String?, extended: Bool, expiresOn: String?, benefits: [Benefit], history: [Change]) {
        self.id = id
        self.clientId = clientId
        self.kind = kind
        self.status = status
        self.informationReceivedAt = informationReceivedAt
        self.requestedAt = requestedAt
        self.decidedAt = decidedAt
        self.interimEndsOn = interimEndsOn
        self.extended = extended
        self.expiresOn = expiresOn
        self.benefits = benefits
        self.history = history
    }

    /// For a child's request not yet sent: when it is due (24 hours after the information).
    public var requestDueAt: Date? {
        guard kind == .childEligibility, status == .planned, let received = informationReceivedAt else { return nil }
        return received.addingTimeInterval(EligibilityRules.childRequestHours * 3_600)
    }
}

public struct NewEligibility: Sendable, Codable {
    public var kind: EligibilityRecord.Kind
    public var status: EligibilityRecord.Status?
    public var informationReceivedAt: Date?
    public var expiresOn: String?

    public init(kind: EligibilityRecord.Kind, status: EligibilityRecord.Status? = nil, informationReceivedAt: Date? = nil, expiresOn: String? = nil) {
        self.kind = kind
        self.status = status
        self.informationReceivedAt = informationReceivedAt
        self.expiresOn = expiresOn
    }
}

/// A move of a request or letter: its new status, and what the letter says.
public struct EligibilityUpdate: Sendable, Codable {
    public var status: EligibilityRecord.Status?
    /// Interim assistance only: the one 30-day extension.
    public var extend: Bool?
    public var expiresOn: String?
    /// Benefit codes the case manager has worked through.
    public var benefitsDone: [String]?

    public init(status: EligibilityRecord.Status? = nil, extend: Bool? = nil, expiresOn: String? = nil, benefitsDone: [String]? = nil) {
        self.status = status
        self.extend = extend
        self.expiresOn = expiresOn
        self.benefitsDone = benefitsDone
    }
}
