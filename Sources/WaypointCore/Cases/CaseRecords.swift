import Foundation

/// The life areas a needs assessment and a goal belong to: the Gravity Project's social-risk
/// domains as case managers in this field group them (research note casemgmt-security.md §A3).
public enum NeedDomain: String, Codable, Sendable, CaseIterable {
    case housing, food, safety, legal, medical
    case mentalHealth = "mental_health"
    case substanceUse = "substance_use"
    case income, education, transportation, childcare
    case identityDocuments = "identity_documents"
}

/// A domain's standing, on the five steps self-sufficiency matrices use: 1 in crisis, 2 at risk,
/// 3 stable, 4 building, 5 thriving.
public struct AssessmentScore: Codable, Sendable, Equatable {
    public let domain: NeedDomain
    public let level: Int
    /// Since the previous assessment: positive is better; nil for the first time a domain is rated.
    public let change: Int?

    public init(domain: NeedDomain, level: Int, change: Int?) {
        self.domain = domain
        self.level = level
        self.change = change
    }
}

public struct Assessment: Codable, Sendable, Equatable {
    public let id: String
    public let assessedOn: String
    public let assessorId: String
    public let scores: [AssessmentScore]
    public let note: String

    public init(id: String, assessedOn: String, assessorId: String, scores: [AssessmentScore], note: String) {
        self.id = id
        self.assessedOn = assessedOn
        self.assessorId = assessorId
        self.scores = scores
        self.note = note
    }
}

public struct NewAssessment: Codable, Sendable, Equatable {
    /// Domain → level 1…5; domains not rated are left out.
    public var levels: [String: Int]
    public var assessedOn: String?
    public var note: String?

    public init(levels: [String: Int], assessedOn: String? = nil, note: String? = nil) {
        self.levels = levels
        self.assessedOn = assessedOn
        self.note = note
    }
}

/// A goal in the person's own words, with the steps toward it and what stands in the way.
public struct Goal: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable { case active, achieved, paused, dropped }

    public let id: String
    public let domain: NeedDomain
    public let text: String
    public let steps: [String]
    public let barriers: String
    public let targetDate: String
    public let status: Status
    public let createdAt: Date
    public let updatedAt: Date

    public init(id: String, domain: NeedDomain, text: String, steps: [String], barriers: String, targetDate: String, status: Status,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.domain = domain
        self.text = text
        self.steps = steps
        self.barriers = barriers
        self.targetDate = targetDate
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewGoal: Codable, Sendable, Equatable {
    public var domain: NeedDomain
    public var text: String
    public var steps: [String]?
    public var barriers: String?
    public var targetDate: String?

    public init(domain: NeedDomain, text: String, steps: [String]? = nil, barriers: String? = nil, targetDate: String? = nil) {
        self.domain = domain
        self.text = text
        self.steps = steps
        self.barriers = barriers
        self.targetDate = targetDate
    }
}

/// The service types funders count (OVC TIMS, HHS TVAP/DVHT, VOCA groups).
public enum ServiceType: String, Codable, Sendable, CaseIterable {
    case crisisIntervention = "crisis_intervention"
    case caseManagement = "case_management"
    case emergencyHousingNight = "emergency_housing_night"
    case transport
    case financialAssistance = "financial_assistance"
    case legal, medical
    case mentalHealth = "mental_health"
    case interpretation, mentoring
}

public struct ServiceDelivered: Codable, Sendable, Equatable {
    public let id: String
    public let type: ServiceType
    public let deliveredOn: String
    public let units: Int
    public let staffId: String
    public let fundingSource: String
    public let note: String

    public init(id: String, type: ServiceType, deliveredOn: String, units: Int, staffId: String, fundingSource: String, note: String) {
        self.id = id
        self.type = type
        self.deliveredOn = deliveredOn
        self.units = units
        self.staffId = staffId
        self.fundingSource = fundingSource
        self.note = note
    }
}

public struct NewService: Codable, Sendable, Equatable {
    public var type: ServiceType
    public var deliveredOn: String?
    public var units: Int?
    public var fundingSource: String?
    public var note: String?
    /// The organization's fund the service draws on (its name then becomes the funding source).
    public var fundId: String?
    /// A supervisor's reason to let the charge past the fund's budget or period.
    public var overrideReason: String?

    public init(type: ServiceType, deliveredOn: String? = nil, units: Int? = nil, fundingSource: String? = nil, note: String? = nil,
                fundId: String? = nil, overrideReason: String? = nil) {
        self.type = type
        self.deliveredOn = deliveredOn
        self.units = units
        self.fundingSource = fundingSource
        self.note = note
        self.fundId = fundId
        self.overrideReason = overrideReason
    }
}

/// What a note may hold decides who reads it. Therapy notes, substance-use records (42 CFR Part 2)
/// and legally privileged notes are segmented from the general record.
public enum NoteSensitivity: String, Codable, Sendable, CaseIterable {
    case general, therapy
    case substanceUse = "substance_use"
    case legalPrivileged = "legal_privileged"

    /// Who may write a note with this label. Therapy and privileged notes are written by the
    /// team's licensed supervisor (the clinician or advocate of record), not by every case manager.
    public func mayWrite(_ role: Role) -> Bool {
        switch self {
        case .general, .substanceUse: Policy.allows(role, .writeCase)
        case .therapy, .legalPrivileged: Policy.allows(role, .writeRestrictedNotes)
        }
    }

    /// Who may read it besides its author: everyone on the case for general notes; the team's
    /// supervisor for substance-use records; nobody else for therapy and privileged notes.
    /// `onTheTeam`: the reader reaches the client as its case team does (on the case, or its team's
    /// supervisor), not only by breaking the glass.
    public func mayRead(_ role: Role, isAuthor: Bool, onTheTeam: Bool) -> Bool {
        if isAuthor { return true }
        switch self {
        case .general: return Policy.allows(role, .readClient)
        case .substanceUse: return onTheTeam && Policy.allows(role, .readSubstanceUseNotes)
        case .therapy, .legalPrivileged: return false
        }
    }
}

public struct CaseNote: Codable, Sendable, Equatable {
    public let id: String
    public let authorId: String
    public let sensitivity: NoteSensitivity
    public let text: String
    public let createdAt: Date
    public let cosignedBy: String?
    public let cosignedAt: Date?

    public init(id: String, authorId: String, sensitivity: NoteSensitivity, text: String, createdAt: Date, cosignedBy: String?, cosignedAt: Date?) {
        self.id = id
        self.authorId = authorId
        self.sensitivity = sensitivity
        self.text = text
        self.createdAt = createdAt
        self.cosignedBy = cosignedBy
        self.cosignedAt = cosignedAt
    }
}

public struct NewNote: Codable, Sendable, Equatable {
    public var text: String
    public var sensitivity: NoteSensitivity?

    public init(text: String, sensitivity: NoteSensitivity? = nil) {
        self.text = text
        self.sensitivity = sensitivity
    }
}

public struct CaseTask: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case open, done }

    public let id: String
    public let title: String
    public let due: String
    public let ownerId: String
    public let status: Status
    public let createdAt: Date

    public init(id: String, title: String, due: String, ownerId: String, status: Status, createdAt: Date) {
        self.id = id
        self.title = title
        self.due = due
        self.ownerId = ownerId
        self.status = status
        self.createdAt = createdAt
    }
}

public struct NewTask: Codable, Sendable, Equatable {
    public var title: String
    public var due: String
    /// A staff member on the case; the creator when absent.
    public var ownerId: String?

    public init(title: String, due: String, ownerId: String? = nil) {
        self.title = title
        self.due = due
        self.ownerId = ownerId
    }
}

/// Why a case closed, in the terms the HHS case-closure form asks for.
public enum ClosureReason: String, Codable, Sendable, CaseIterable {
    case goalsMet = "goals_met"
    case clientChoice = "client_choice"
    case lostContact = "lost_contact"
    case movedAway = "moved_away"
    case transferred
    case other
}

public struct Closure: Codable, Sendable, Equatable {
    public let reason: ClosureReason
    public let outcome: String
    public let closedAt: Date
    public let closedBy: String
    public let reopenedAt: Date?

    public init(reason: ClosureReason, outcome: String, closedAt: Date, closedBy: String, reopenedAt: Date?) {
        self.reason = reason
        self.outcome = outcome
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.reopenedAt = reopenedAt
    }
}
