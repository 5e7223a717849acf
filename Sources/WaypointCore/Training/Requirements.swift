import Foundation

/// A state's (or a facility's) training mandate as data: who it applies to, how often, what it must
/// cover, what proof counts, and where we found it (research `training.md` §1).
public struct TrainingRequirement: Codable, Sendable, Equatable {
    public struct AppliesTo: Codable, Sendable, Equatable {
        public let licenseTypes: [String]
        public let facilityRoles: [String]
    }

    public struct Frequency: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case oneTime = "one_time", perRenewal = "per_renewal", everyNRenewals = "every_n_renewals", annual
            case withinDaysOfHire = "within_days_of_hire"
        }
        public let kind: Kind
        /// Length of a license period, for the per-renewal kinds.
        public let months: Int?
        public let n: Int?
        /// For hires: days from the hire date to the first training.
        public let days: Int?
    }

    public struct Source: Codable, Sendable, Equatable {
        public let citation: String
        public let url: String?
    }

    public let id: String
    public let jurisdiction: String
    public let title: String
    public let appliesTo: AppliesTo
    public let minMinutes: Int?
    public let frequency: Frequency
    public let topics: [String]
    public let evidence: String
    public let countsAsCe: Bool?
    public let signage: Bool
    public let approvedList: String?
    public let source: Source
    /// Checked against the primary text; false means found only in a secondary source, and shown so.
    public let verified: Bool
    public let verificationNote: String
}

/// What the compliance rules need to know about a member of staff.
public struct TrainingProfile: Codable, Sendable, Equatable {
    public var states: [String]
    public var licenseType: String?
    public var licenseRenewalOn: String?
    public var hiredOn: String?
    public var department: String
    public var facilityRoles: [String]

    public init(states: [String] = [], licenseType: String? = nil, licenseRenewalOn: String? = nil, hiredOn: String? = nil, department: String = "",
                facilityRoles: [String] = []) {
        self.states = states
        self.licenseType = licenseType
        self.licenseRenewalOn = licenseRenewalOn
        self.hiredOn = hiredOn
        self.department = department
        self.facilityRoles = facilityRoles
    }

    enum CodingKeys: String, CodingKey { case states, licenseType, licenseRenewalOn, hiredOn, department, facilityRoles }

    /// Every member may be left out: a profile is filled in over time.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(states: try container.decodeIfPresent([String].self, forKey: .states) ?? [],
                  licenseType: try container.decodeIfPresent(String.self, forKey: .licenseType),
                  licenseRenewalOn: try container.decodeIfPresent(String.self, forKey: .licenseRenewalOn),
                  hiredOn: try container.decodeIfPresent(String.self, forKey: .hiredOn),
                  department: try container.decodeIfPresent(String.self, forKey: .department) ?? "",
                  facilityRoles: try container.decodeIfPresent([String].self, forKey: .facilityRoles) ?? [])
    }
}

/// A completed course as the rules see it: what it covered, how long it took, when.
public struct TrainingCompletion: Sendable, Equatable {
    public let certificateCode: String
    public let topics: [String]
    public let minutes: Int
    public let completedOn: String

    public init(certificateCode: String, topics: [String], minutes: Int, completedOn: String) {
        self.certificateCode = certificateCode
        self.topics = topics
        self.minutes = minutes
        self.completedOn = completedOn
    }
}

public struct ComplianceStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case met, due, overdue, neverStarted = "never_started" }
    public let requirementId: String
    public let state: State
    public let dueOn: String?
    /// The certificate that meets it.
    public let metBy: String?
    /// Whether a course that would count is under way.
    public let started: Bool

    /// Not met and nothing that would count under way: who the report lists as never started.
    public var notStarted: Bool { !started && state != .met }

    public init(requirementId: String, state: State, dueOn: String?, metBy: String?, started: Bool) {
        self.requirementId = requirementId
        self.state = state
        self.dueOn = dueOn
        self.metBy = metBy
        self.started = started
    }
}

/// One person × one requirement that applies to them, as the compliance report lists it.
public struct ComplianceLine: Codable, Sendable, Equatable {
    public let userId: String
    public let name: String
    public let department: String
    public let requirement: String
    public let jurisdiction: String
    public let verified: Bool
    public let status: ComplianceStatus

    public init(userId: String, name: String, department: String, requirement: String, jurisdiction: String, verified: Bool, status: ComplianceStatus) {
        self.userId = userId
        self.name = name
        self.department = department
        self.requirement = requirement
        self.jurisdiction = jurisdiction
        self.verified = verified
        self.status = status
    }
}

/// Which requirements apply to whom, and where each person stands. Pure.
public enum ComplianceRules {

    /// A profile is set by the person, or by a trainer or administrator of the organization.
    public static func maySetProfile(of userId: String, by context: TenantContext) -> Bool {
        context.userId == userId || Policy.allows(context, .setOthersTrainingProfile)
    }

    /// A profile as saved: two-letter states, real dates, empty values absent.
    public static func checked(_ profile: TrainingProfile) throws -> TrainingProfile {
        var checked = profile
        checked.states = profile.states.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        guard checked.states.count <= 10, checked.states.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isLetter) }) else {
            throw TrainingError.invalid(field: "states", reason: LocalizedText("error_detail_training_states"))
        }
        for (field, day) in [("license_renewal_on", profile.licenseRenewalOn), ("hired_on", profile.hiredOn)] {
            if let day, !day.isEmpty, !HSDSRowRules.isDate(day) {
                throw TrainingError.invalid(field: field, reason: LocalizedText("error_detail_date_field", ["name": field]))
            }
        }
        checked.licenseRenewalOn = profile.licenseRenewalOn.flatMap { $0.isEmpty ? nil : $0 }
        checked.hiredOn = profile.hiredOn.flatMap { $0.isEmpty ? nil : $0 }
        checked.licenseType = profile.licenseType.flatMap { $0.isEmpty ? nil : $0 }
        checked.department = String(profile.department.trimmingCharacters(in: .whitespaces).prefix(100))
        return checked
    }


    /// The report as CSV (RFC 4180): department, person, requirement, state, due date, the certificate that met it.
    public static func csv(_ lines: [ComplianceLine]) -> String {
        var out = ""
        out.reserveCapacity((lines.count + 1) * 100)
        CSV.append(["department", "name", "requirement", "jurisdiction", "source_verified", "status", "due_on", "met_by", "started"], to: &out)
        out.append("\r\n")
        for line in lines {
            // Field by field: an array per line was an allocation for each of 100,000 lines.
            CSV.field(CSV.text(line.department), to: &out)
            out.append(",")
            CSV.field(CSV.text(line.name), to: &out)
            out.append(",")
            CSV.field(line.requirement, to: &out)
            out.append(",")
            CSV.field(line.jurisdiction, to: &out)
            out.append(line.verified ? ",yes," : ",no,")
            out.append(line.status.state.rawValue)
            out.append(",")
            out.append(line.status.dueOn ?? "")
            out.append(",")
            CSV.field(line.status.metBy ?? "", to: &out)
            out.append(line.status.started ? ",yes\r\n" : ",no\r\n")
        }
        return out
    }

    public static func applies(_ requirement: TrainingRequirement, to profile: TrainingProfile) -> Bool {
        guard profile.states.contains(requirement.jurisdiction) else { return false }
        if let license = profile.licenseType, requirement.appliesTo.licenseTypes.contains(license) { return true }
        return !Set(profile.facilityRoles).isDisjoint(with: requirement.appliesTo.facilityRoles)
    }

    /// How far ahead a person's home page reminds them of a due date.
    public static let reminderDays = 60

    /// The lines a person is reminded of: overdue, or due (again) within the reminder window.
    public static func reminders(_ lines: [ComplianceLine], today: String, windowDays: Int = reminderDays) -> [ComplianceLine] {
        let horizon = CaseloadPolicy.day(today, plus: windowDays)
        return lines.filter { line in
            guard let due = line.status.dueOn else { return false }
            return line.status.state == .overdue || due <= horizon
        }.sorted { ($0.status.dueOn ?? "", $0.requirement) < ($1.status.dueOn ?? "", $1.requirement) }
    }

    /// A completion counts when its course covers every topic the requirement lists and lasts long enough.
    public static func counts(_ topics: [String], minutes: Int, for requirement: TrainingRequirement) -> Bool {
        // A handful of topics each: a scan is cheaper than building two sets for every person and requirement.
        minutes >= (requirement.minMinutes ?? 0) && requirement.topics.allSatisfy(topics.contains)
    }

    /// Where one person stands on one requirement on `today`.
    public static func status(_ requirement: TrainingRequirement, profile: TrainingProfile, completions: [TrainingCompletion], started: Bool,
                              today: String) -> ComplianceStatus {
        let counting = completions.filter { counts($0.topics, minutes: $0.minutes, for: requirement) }.sorted { $0.completedOn < $1.completedOn }
        let frequency = requirement.frequency
        var dueOn: String?
        var windowStart: String?  // a completion on or after this day meets it; nil: any completion ever
        switch frequency.kind {
        case .oneTime:
            dueOn = profile.licenseRenewalOn
        case .withinDaysOfHire:
            dueOn = profile.hiredOn.map { CaseloadPolicy.day($0, plus: frequency.days ?? 0) }
        case .perRenewal, .everyNRenewals:
            dueOn = profile.licenseRenewalOn
            let months = (frequency.months ?? 24) * (frequency.kind == .everyNRenewals ? (frequency.n ?? 1) : 1)
            windowStart = dueOn.map { day($0, plusMonths: -months) }
        case .annual:
            windowStart = day(today, plusMonths: -12)
            if let last = counting.last {
                dueOn = day(last.completedOn, plusMonths: 12)
            } else {
                dueOn = profile.hiredOn.map { CaseloadPolicy.day($0, plus: frequency.days ?? 0) } ?? today
            }
        }
        let meeting = counting.last { completion in windowStart.map { completion.completedOn >= $0 } ?? true }
        if let meeting {
            return ComplianceStatus(requirementId: requirement.id, state: .met, dueOn: frequency.kind == .annual ? dueOn : nil,
                                    metBy: meeting.certificateCode, started: true)
        }
        let state: ComplianceStatus.State = dueOn.map { $0 < today } == true ? .overdue : started ? .due : .neverStarted
        return ComplianceStatus(requirementId: requirement.id, state: state, dueOn: dueOn, metBy: nil, started: started)
    }

    /// `day` moved by whole months, the day of the month kept where the month has it (31 January + 1 month → 28 or 29 February).
    /// Read and written as bytes: the compliance report calls this for every person and requirement,
    /// and formatting through Foundation was a seventh of the report's time.
    public static func day(_ day: String, plusMonths months: Int) -> String {
        guard let parts = HSDSRowRules.dateParts(day) else { return day }
        let total = parts.year * 12 + (parts.month - 1) + months
        let year = total / 12, month = total % 12 + 1
        return HSDSRowRules.dateText(year: year, month: month, day: min(parts.day, HSDSRowRules.monthLength(year: year, month: month)))
    }
}

/// The requirements Waypoint ships (`Resources/training/requirements.json`), loaded once.
public enum RequirementCatalog {
    struct File: Decodable { let requirements: [TrainingRequirement] }

    static let loaded = BundledResources.load("training/requirements.json") { data in
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(File.self, from: data).requirements
    }

    public static var bundled: [TrainingRequirement] { loaded.loadedValue }
}
