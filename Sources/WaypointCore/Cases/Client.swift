import Foundation

/// Where a person is on the way out: at risk (prevent), leaving or just out (survive), building
/// a life (thrive).
public enum CasePhase: String, Codable, Sendable, CaseIterable { case prevent, survive, thrive }

public struct ClientFlags: Codable, Sendable, Equatable {
    public var minor: Bool
    public var foreignNational: Bool
    public var safetyConcern: Bool

    public init(minor: Bool = false, foreignNational: Bool = false, safetyConcern: Bool = false) {
        self.minor = minor
        self.foreignNational = foreignNational
        self.safetyConcern = safetyConcern
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minor = try container.decodeIfPresent(Bool.self, forKey: .minor) ?? false
        foreignNational = try container.decodeIfPresent(Bool.self, forKey: .foreignNational) ?? false
        safetyConcern = try container.decodeIfPresent(Bool.self, forKey: .safetyConcern) ?? false
    }
}

/// Who the person is, legally. Kept in the identity vault: sealed with the client's own key, never
/// in a listing, a page or an answer unless someone asks for it with a reason.
public struct ClientIdentity: Codable, Sendable, Equatable {
    public var legalName: String
    /// YYYY-MM-DD, or empty.
    public var dob: String
    public var phone: String
    public var email: String
    public var address: String

    public init(legalName: String = "", dob: String = "", phone: String = "", email: String = "", address: String = "") {
        self.legalName = legalName
        self.dob = dob
        self.phone = phone
        self.email = email
        self.address = address
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        legalName = try container.decodeIfPresent(String.self, forKey: .legalName) ?? ""
        dob = try container.decodeIfPresent(String.self, forKey: .dob) ?? ""
        phone = try container.decodeIfPresent(String.self, forKey: .phone) ?? ""
        email = try container.decodeIfPresent(String.self, forKey: .email) ?? ""
        address = try container.decodeIfPresent(String.self, forKey: .address) ?? ""
    }

    public var isEmpty: Bool { [legalName, dob, phone, email, address].allSatisfy(\.isEmpty) }
}

/// How the person may be reached without putting them in danger (NNEDV safe-contact practice;
/// HIPAA 164.522(b) confidential communications). A channel is usable only when marked safe:
/// not asked yet means not safe.
public struct ContactSafety: Codable, Sendable, Equatable {
    public enum Channel: String, Codable, Sendable, CaseIterable { case call, text, voicemail, email, mail }

    public var call: Bool?
    public var text: Bool?
    public var voicemail: Bool?
    public var email: Bool?
    public var mail: Bool?
    public var safeTimes: String
    public var codeWord: String
    public var whoMayAnswer: String
    /// The day the person last confirmed these (YYYY-MM-DD), or empty.
    public var lastConfirmedOn: String

    public init(call: Bool? = nil, text: Bool? = nil, voicemail: Bool? = nil, email: Bool? = nil, mail: Bool? = nil,
                safeTimes: String = "", codeWord: String = "", whoMayAnswer: String = "", lastConfirmedOn: String = "") {
        self.call = call
        self.text = text
        self.voicemail = voicemail
        self.email = email
        self.mail = mail
        self.safeTimes = safeTimes
        self.codeWord = codeWord
        self.whoMayAnswer = whoMayAnswer
        self.lastConfirmedOn = lastConfirmedOn
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        call = try container.decodeIfPresent(Bool.self, forKey: .call)
        text = try container.decodeIfPresent(Bool.self, forKey: .text)
        voicemail = try container.decodeIfPresent(Bool.self, forKey: .voicemail)
        email = try container.decodeIfPresent(Bool.self, forKey: .email)
        mail = try container.decodeIfPresent(Bool.self, forKey: .mail)
        safeTimes = try container.decodeIfPresent(String.self, forKey: .safeTimes) ?? ""
        codeWord = try container.decodeIfPresent(String.self, forKey: .codeWord) ?? ""
        whoMayAnswer = try container.decodeIfPresent(String.self, forKey: .whoMayAnswer) ?? ""
        lastConfirmedOn = try container.decodeIfPresent(String.self, forKey: .lastConfirmedOn) ?? ""
    }

    public func marking(_ channel: Channel) -> Bool? {
        switch channel {
        case .call: call
        case .text: text
        case .voicemail: voicemail
        case .email: email
        case .mail: mail
        }
    }

    public func isSafe(_ channel: Channel) -> Bool { marking(channel) == true }

    public var safeChannels: [Channel] { Channel.allCases.filter(isSafe) }
}

public struct PhaseChange: Codable, Sendable, Equatable {
    public let phase: CasePhase
    public let at: Date
    public let by: String

    public init(phase: CasePhase, at: Date, by: String) {
        self.phase = phase
        self.at = at
        self.by = by
    }
}

/// A client as their case manager sees it: pseudonymous. The legal identity is not here.
public struct ClientRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case open, closed }

    public let id: String
    public let alias: String
    public let phase: CasePhase
    public let phaseHistory: [PhaseChange]
    public let flags: ClientFlags
    public let languages: [String]
    /// Staff ids of the assigned case managers.
    public let caseManagers: [String]
    public let status: Status
    public let contactSafety: ContactSafety
    public let hasIdentity: Bool
    /// Bumped on every change: a form sends the version it was loaded at, and a stale one is refused.
    public let version: Int
    public let createdAt: Date
    public let updatedAt: Date
    /// Program, type of exploitation and age band at first exploitation, for aggregate reports.
    public let reporting: ClientReporting

    public init(id: String, alias: String, phase: CasePhase, phaseHistory: [PhaseChange], flags: ClientFlags, languages: [String],
                caseManagers: [String], status: Status, contactSafety: ContactSafety, hasIdentity: Bool, version: Int,
                createdAt: Date, updatedAt: Date, reporting: ClientReporting = ClientReporting()) {
        self.reporting = reporting
        self.id = id
        self.alias = alias
        self.phase = phase
        self.phaseHistory = phaseHistory
        self.flags = flags
        self.languages = languages
        self.caseManagers = caseManagers
        self.status = status
        self.contactSafety = contactSafety
        self.hasIdentity = hasIdentity
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A line of a caseload listing: what a case manager needs to pick the next person, nothing more.
public struct ClientSummary: Codable, Sendable, Equatable {
    public let id: String
    public let alias: String
    public let phase: CasePhase
    public let flags: ClientFlags
    public let status: ClientRecord.Status
    public let updatedAt: Date

    public init(id: String, alias: String, phase: CasePhase, flags: ClientFlags, status: ClientRecord.Status, updatedAt: Date) {
        self.id = id
        self.alias = alias
        self.phase = phase
        self.flags = flags
        self.status = status
        self.updatedAt = updatedAt
    }
}

public struct NewClient: Codable, Sendable, Equatable {
    public var alias: String
    public var phase: CasePhase
    public var flags: ClientFlags?
    public var languages: [String]?
    public var identity: ClientIdentity?
    public var reporting: ClientReporting?

    public init(alias: String, phase: CasePhase, flags: ClientFlags? = nil, languages: [String]? = nil, identity: ClientIdentity? = nil,
                reporting: ClientReporting? = nil) {
        self.reporting = reporting
        self.alias = alias
        self.phase = phase
        self.flags = flags
        self.languages = languages
        self.identity = identity
    }
}

/// Someone a case can be assigned to, as the assignment form lists them.
public struct CaseStaffMember: Sendable, Equatable, Codable {
    public let id: String
    public let displayName: String
    public let role: Role

    public init(id: String, displayName: String, role: Role) {
        self.id = id
        self.displayName = displayName
        self.role = role
    }
}
