import Foundation

/// One line of a client's access log: who did what to the record and when. Ids and actions only.
public struct AccessLogEntry: Codable, Sendable, Equatable {
    public let at: Date
    public let actorId: String
    public let action: String

    public init(at: Date, actorId: String, action: String) {
        self.at = at
        self.actorId = actorId
        self.action = action
    }
}

public struct AccessLogFilter: Sendable, Equatable {
    public var actorId: String?
    public var action: String?
    /// Milliseconds since 1970, inclusive.
    public var since: Int64?

    public init(actorId: String? = nil, action: String? = nil, since: Int64? = nil) {
        self.actorId = actorId
        self.action = action
        self.since = since
    }
}

/// A supervisor's emergency opening of a client outside their team, for one hour, with a reason,
/// flagged until another supervisor has reviewed it (HIPAA 164.312(a)(2)(ii) emergency access).
public struct BreakGlassGrant: Codable, Sendable, Equatable {
    public let id: String
    public let clientId: String
    public let userId: String
    public let reason: String
    public let openedAt: Date
    public let expiresAt: Date

    public init(id: String, clientId: String, userId: String, reason: String, openedAt: Date, expiresAt: Date) {
        self.id = id
        self.clientId = clientId
        self.userId = userId
        self.reason = reason
        self.openedAt = openedAt
        self.expiresAt = expiresAt
    }
}

/// What a purge keeps: counts for reports, nothing that points back at the person.
public struct PurgeTally: Codable, Sendable, Equatable {
    public var notes = 0, services = 0, tasks = 0, goals = 0, assessments = 0, consents = 0, referrals = 0

    public init() {}
}

/// The caseload dashboard: what needs doing, for whom. Each line names a client by id and alias.
public struct CaseloadItem: Codable, Sendable, Equatable {
    public let clientId: String
    public let alias: String
    /// What is due, expiring, overdue or new, and when (YYYY-MM-DD or a timestamp's day).
    public let detail: String
    public let date: String

    public init(clientId: String, alias: String, detail: String, date: String) {
        self.clientId = clientId
        self.alias = alias
        self.detail = detail
        self.date = date
    }
}

public struct Caseload: Codable, Sendable, Equatable {
    public var overdueTasks: [CaseloadItem] = []
    public var tasksDue: [CaseloadItem] = []
    public var expiringConsents: [CaseloadItem] = []
    public var overdueReferrals: [CaseloadItem] = []
    public var noRecentContact: [CaseloadItem] = []
    public var newScreenings: [CaseloadItem] = []
    /// Foreign-national clients: children's eligibility requests not yet sent (due 24 hours after the
    /// information, late ones first), and letters or statuses ending within 30 days.
    public var eligibilityDue: [CaseloadItem] = []
    public var lettersEnding: [CaseloadItem] = []
    /// Supervisors: emergency openings awaiting review, and closed cases past the retention period.
    public var breakGlassToReview: [CaseloadItem] = []
    public var purgeProposals: [CaseloadItem] = []
    /// How many there are in each list; a list shows the most urgent `CaseloadPolicy.itemsShown`.
    public var totals = CaseloadTotals()

    public init() {}
}

public struct CaseloadTotals: Codable, Sendable, Equatable {
    public var overdueTasks = 0, tasksDue = 0, expiringConsents = 0, overdueReferrals = 0, noRecentContact = 0, newScreenings = 0
    public var eligibilityDue = 0, lettersEnding = 0
    public var breakGlassToReview = 0, purgeProposals = 0

    public init() {}
}

/// The windows the dashboard uses.
public enum CaseloadPolicy {
    public static let tasksDueWithinDays = 7
    public static let consentsExpiringWithinDays = 14
    public static let noContactDays = 30
    public static let newScreeningDays = 7
    public static let breakGlassSeconds: Int64 = 3600
    /// The most urgent lines each list shows; the totals say how many there are.
    public static let itemsShown = 50

    /// The day `days` after `today` (YYYY-MM-DD).
    public static func day(_ today: String, plus days: Int) -> String {
        guard let number = HSDSRowRules.dayNumber(today) else { return today }
        return HSDSRowRules.date(dayNumber: number + days)
    }
}

extension CaseUseCases {
    /// How long closed cases are kept before a purge is proposed: an administrator's setting, 1 to
    /// 30 years (HMIS's 2004 standard disposes of unused personal data after seven, our default).
    public static func checkRetention(years: Int) throws -> Int {
        guard (1...30).contains(years) else { throw CaseError.invalid(field: "years", reason: LocalizedText("error_detail_retention_years")) }
        return years
    }

}
