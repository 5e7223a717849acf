import Foundation

/// One contact with the 24/7 line: anonymous unless the caller chooses otherwise. Nothing in it
/// names the caller; a phone number exists only inside a callback the caller agreed to, sealed.
public struct CrisisContact: Sendable, Equatable, Codable {
    public enum Channel: String, CaseIterable, Sendable, Codable { case call, text, chat, walkIn = "walk-in" }
    public enum CallerRole: String, CaseIterable, Sendable, Codable { case person, familyFriend = "family-friend", professional, other }
    /// What the caller describes: sexual exploitation, forced labor, both, or not yet clear.
    public enum Concern: String, CaseIterable, Sendable, Codable { case sex, labor, both, unsure }
    public enum Outcome: String, CaseIterable, Sendable, Codable {
        case information, safetyPlanning = "safety-planning", referral, emergencyDispatch = "emergency-dispatch",
             warmHandOff = "warm-hand-off", callbackAgreed = "callback-agreed"
    }
    /// Open while something is still owed (a callback); closed once the advocate says so.
    public enum Status: String, Sendable, Codable { case open, closed }

    public let id: String
    public let channel: Channel
    public let anonymous: Bool
    public let startedAt: Date
    public let durationMinutes: Int?
    public let callerRole: CallerRole
    public let concerns: [Concern]
    public let language: String
    public let danger: Bool
    public let outcome: [Outcome]
    public let callback: Callback?
    public let note: String
    public let status: Status
    /// Earlier contacts of the organization made under the same code word, newest first.
    public let earlierContacts: [String]
    public let clientId: String?
    public let advocateId: String
    public let createdAt: Date

    public init(id: String, channel: Channel, anonymous: Bool, startedAt: Date, durationMinutes: Int?, callerRole: CallerRole,
                concerns: [Concern], language: String, danger: Bool, outcome: [Outcome], callback: Callback?, note: String,
                status: Status, earlierContacts: [String], clientId: String?, advocateId: String, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.anonymous = anonymous
        self.startedAt = startedAt
        self.durationMinutes = durationMinutes
        self.callerRole = callerRole
        self.concerns = concerns
        self.language = language
        self.danger = danger
        self.outcome = outcome
        self.callback = callback
        self.note = note
        self.status = status
        self.earlierContacts = earlierContacts
        self.clientId = clientId
        self.advocateId = advocateId
        self.createdAt = createdAt
    }
}

/// A callback the caller agreed to. Allowed only with an explicit "safe to call" and a safe time;
/// the number is the caller's to give (sealed), the code word what the advocate says first.
public struct Callback: Sendable, Equatable, Codable {
    public var safe: Bool?
    public var number: String?
    public var safeTimes: String
    public var codeWord: String?
    /// When to call back; the shift view lists callbacks due in the next hours.
    public var dueAt: Date?
    public var doneAt: Date?

    public init(safe: Bool?, number: String? = nil, safeTimes: String, codeWord: String? = nil, dueAt: Date? = nil, doneAt: Date? = nil) {
        self.safe = safe
        self.number = number
        self.safeTimes = safeTimes
        self.codeWord = codeWord
        self.dueAt = dueAt
        self.doneAt = doneAt
    }
}

/// What an advocate logs. `codeWord` is the caller's own word for being recognised next time; it is
/// kept only as a keyed digest, so contacts are linked by it and never by a phone number.
public struct NewCrisisContact: Sendable, Codable {
    public var channel: CrisisContact.Channel
    public var anonymous: Bool?
    public var startedAt: Date?
    public var durationMinutes: Int?
    public var callerRole: CrisisContact.CallerRole
    public var concerns: [CrisisContact.Concern]
    public var language: String?
    public var danger: Bool
    public var outcome: [CrisisContact.Outcome]
    public var callback: Callback?
    public var codeWord: String?
    public var note: String?

    public init(channel: CrisisContact.Channel, anonymous: Bool? = true, startedAt: Date? = nil, durationMinutes: Int? = nil,
                callerRole: CrisisContact.CallerRole, concerns: [CrisisContact.Concern], language: String? = nil, danger: Bool,
                outcome: [CrisisContact.Outcome], callback: Callback? = nil, codeWord: String? = nil, note: String? = nil) {
        self.channel = channel
        self.anonymous = anonymous
        self.startedAt = startedAt
        self.durationMinutes = durationMinutes
        self.callerRole = callerRole
        self.concerns = concerns
        self.language = language
        self.danger = danger
        self.outcome = outcome
        self.callback = callback
        self.codeWord = codeWord
        self.note = note
    }
}

/// The advocates' shift: what is open, which callbacks are due soon (or late), and how busy the
/// line has been.
public struct CrisisShift: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public let id: String
        public let channel: CrisisContact.Channel
        public let startedAt: Date
        public let danger: Bool
        public let callbackDueAt: Date?

        public init(id: String, channel: CrisisContact.Channel, startedAt: Date, danger: Bool, callbackDueAt: Date?) {
            self.id = id
            self.channel = channel
            self.startedAt = startedAt
            self.danger = danger
            self.callbackDueAt = callbackDueAt
        }
    }
    public struct Counts: Sendable, Equatable, Codable {
        public var last24h = 0
        public var last7d = 0
        public var danger24h = 0
        public init() {}
    }
    public var open: [Line] = []
    public var callbacksDue: [Line] = []
    public var counts = Counts()
    public init() {}
}

/// Turning a contact into a client: the caller agreed, and the case goes to a case manager.
public struct CrisisConversion: Sendable, Codable {
    public var consent: Bool
    public var alias: String
    /// Who works the new case; an advocate must name one, a supervisor may leave it to themself.
    public var caseManagerId: String?
    /// What the caller said that the case needs flagged: under 18, not a U.S. citizen or resident.
    public var minor: Bool?
    public var foreignNational: Bool?

    public init(consent: Bool, alias: String, caseManagerId: String? = nil, minor: Bool? = nil, foreignNational: Bool? = nil) {
        self.consent = consent
        self.alias = alias
        self.caseManagerId = caseManagerId
        self.minor = minor
        self.foreignNational = foreignNational
    }
}
