import Foundation

/// A screening attached to a case: what was used and what it found, never the clinician's note.
public struct AttachedScreening: Codable, Sendable, Equatable {
    public let id: String
    public let instrument: String
    public let result: String
    public let screenedAt: Date
    public let attachedAt: Date

    public init(id: String, instrument: String, result: String, screenedAt: Date, attachedAt: Date) {
        self.id = id
        self.instrument = instrument
        self.result = result
        self.screenedAt = screenedAt
        self.attachedAt = attachedAt
    }
}

/// Everything on a client's page, read once and audited once. The notes are only those the reader
/// may see; the identity vault is not part of it. In JSON the client's own members sit at the top
/// level (as `POST /clients` answers them) beside the sections.
public struct CaseFile: Codable, Sendable, Equatable {
    public let client: ClientRecord
    public let consents: [ConsentRecord]
    public let assessments: [Assessment]
    public let goals: [Goal]
    public let services: [ServiceDelivered]
    public let notes: [CaseNote]
    public let tasks: [CaseTask]
    public let referrals: [ReferralSummary]
    public let closures: [Closure]
    public let screenings: [AttachedScreening]
    /// Eligibility requests and letters (foreign-national clients).
    public let eligibility: [EligibilityRecord]
    /// Emergency housing stays and transport vouchers.
    public let stays: [HousingStay]
    public let vouchers: [TransportVoucher]

    public init(client: ClientRecord, consents: [ConsentRecord], assessments: [Assessment], goals: [Goal], services: [ServiceDelivered],
                notes: [CaseNote], tasks: [CaseTask], referrals: [ReferralSummary], closures: [Closure], screenings: [AttachedScreening],
                eligibility: [EligibilityRecord] = [], stays: [HousingStay] = [], vouchers: [TransportVoucher] = []) {
        self.eligibility = eligibility
        self.stays = stays
        self.vouchers = vouchers
        self.client = client
        self.consents = consents
        self.assessments = assessments
        self.goals = goals
        self.services = services
        self.notes = notes
        self.tasks = tasks
        self.referrals = referrals
        self.closures = closures
        self.screenings = screenings
    }

    enum CodingKeys: String, CodingKey { case consents, assessments, goals, services, notes, tasks, referrals, closures, screenings, eligibility, stays, vouchers }

    public init(from decoder: any Decoder) throws {
        client = try ClientRecord(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        consents = try container.decode([ConsentRecord].self, forKey: .consents)
        assessments = try container.decode([Assessment].self, forKey: .assessments)
        goals = try container.decode([Goal].self, forKey: .goals)
        services = try container.decode([ServiceDelivered].self, forKey: .services)
        notes = try container.decode([CaseNote].self, forKey: .notes)
        tasks = try container.decode([CaseTask].self, forKey: .tasks)
        referrals = try container.decode([ReferralSummary].self, forKey: .referrals)
        closures = try container.decode([Closure].self, forKey: .closures)
        screenings = try container.decode([AttachedScreening].self, forKey: .screenings)
        eligibility = try container.decodeIfPresent([EligibilityRecord].self, forKey: .eligibility) ?? []
        stays = try container.decodeIfPresent([HousingStay].self, forKey: .stays) ?? []
        vouchers = try container.decodeIfPresent([TransportVoucher].self, forKey: .vouchers) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        try client.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(consents, forKey: .consents)
        try container.encode(assessments, forKey: .assessments)
        try container.encode(goals, forKey: .goals)
        try container.encode(services, forKey: .services)
        try container.encode(notes, forKey: .notes)
        try container.encode(tasks, forKey: .tasks)
        try container.encode(referrals, forKey: .referrals)
        try container.encode(closures, forKey: .closures)
        try container.encode(screenings, forKey: .screenings)
        try container.encode(eligibility, forKey: .eligibility)
        try container.encode(stays, forKey: .stays)
        try container.encode(vouchers, forKey: .vouchers)
    }
}
