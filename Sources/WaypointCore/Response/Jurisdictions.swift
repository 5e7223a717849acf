import Foundation

/// Where one kind of report goes in a state, and how. Optional members are facts we could not
/// verify on the state's own page: they stay empty (shown as "not verified"), never guessed.
public struct ReportingRoute: Codable, Sendable, Equatable {
    public var agency: String
    public var phone: String
    /// The online report form, where the state has one and says who may use it.
    public var online: String?
    /// How the line works, in our words (hours, who may report online, what follows a call).
    public var route: String
    /// Who takes a report of a minor's commercial sexual exploitation, and under which law. Listed
    /// for staff, never put on a plan screen (it names the topic).
    public var trafficking: String?
    /// Set only where the state's child-abuse agency verifiably takes reports of a minor's labor
    /// exploitation; the text names the law. Elsewhere labor exploitation by someone other than a
    /// caregiver may only be a police matter. Listed for staff, never put on a plan screen (it
    /// names the topic).
    public var labor: String?
    /// Whether the line takes anonymous reports.
    public var anonymous: Bool?
    public var source: String
    /// YYYY-MM-DD: the day the source was read.
    public var verified: String

    public init(agency: String, phone: String, online: String? = nil, route: String, trafficking: String? = nil,
                labor: String? = nil, anonymous: Bool? = nil, source: String, verified: String) {
        self.agency = agency
        self.phone = phone
        self.online = online
        self.route = route
        self.trafficking = trafficking
        self.labor = labor
        self.anonymous = anonymous
        self.source = source
        self.verified = verified
    }

    /// The members left empty because no source confirmed them.
    public var notVerified: [String] {
        [("online", online == nil), ("trafficking", trafficking == nil), ("labor", labor == nil), ("anonymous", anonymous == nil)]
            .filter(\.1).map(\.0)
    }

    private enum CodingKeys: String, CodingKey {
        case agency, phone, online, route, trafficking, labor, anonymous, source, verified, notVerified
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(agency: try container.decode(String.self, forKey: .agency), phone: try container.decode(String.self, forKey: .phone),
                  online: try container.decodeIfPresent(String.self, forKey: .online), route: try container.decode(String.self, forKey: .route),
                  trafficking: try container.decodeIfPresent(String.self, forKey: .trafficking),
                  labor: try container.decodeIfPresent(String.self, forKey: .labor),
                  anonymous: try container.decodeIfPresent(Bool.self, forKey: .anonymous),
                  source: try container.decode(String.self, forKey: .source), verified: try container.decode(String.self, forKey: .verified))
    }

    /// Listed with every member, an empty one as null, and the names of those not verified, so a
    /// reader sees what is unknown instead of guessing from what is missing.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agency, forKey: .agency)
        try container.encode(phone, forKey: .phone)
        try container.encode(online, forKey: .online)
        try container.encode(route, forKey: .route)
        try container.encode(trafficking, forKey: .trafficking)
        try container.encode(labor, forKey: .labor)
        try container.encode(anonymous, forKey: .anonymous)
        try container.encode(source, forKey: .source)
        try container.encode(verified, forKey: .verified)
        try container.encode(notVerified, forKey: .notVerified)
    }
}

/// A duty a state puts on health-care workers beyond the child-abuse report (for example an
/// injury-reporting law), with the statute and the page it was checked on.
public struct StateDuty: Codable, Sendable, Equatable {
    public let id: String
    public let text: String
    public let citation: String
    public let source: String
    public let verified: String
}

/// One state's routes: the child-abuse report, adult protective services, and the duties we verified.
public struct Jurisdiction: Codable, Sendable, Equatable {
    public let code: String
    public let name: String
    public var childReport: ReportingRoute
    /// Adult protective services; nil when not verified (the fallback's national locator is used).
    public var aps: ReportingRoute?
    public var duties: [StateDuty]
    public let isFallback: Bool?

    public init(code: String, name: String, childReport: ReportingRoute, aps: ReportingRoute? = nil,
                duties: [StateDuty] = [], isFallback: Bool? = nil) {
        self.code = code
        self.name = name
        self.childReport = childReport
        self.aps = aps
        self.duties = duties
        self.isFallback = isFallback
    }

    /// A state's child-abuse route as an administrator enters it.
    public init(code: String, name: String, agency: String, phone: String, route: String, source: String, verified: String) {
        self.init(code: code, name: name, childReport: ReportingRoute(agency: agency, phone: phone, route: route, source: source, verified: verified))
    }

    // The child-abuse route is what most callers want.
    public var agency: String { childReport.agency }
    public var phone: String { childReport.phone }
    public var route: String { childReport.route }
    public var source: String { childReport.source }
    public var verified: String { childReport.verified }

    private enum CodingKeys: String, CodingKey { case code, name, childReport, aps, duties, isFallback }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(code: try container.decode(String.self, forKey: .code), name: try container.decode(String.self, forKey: .name),
                  childReport: try container.decode(ReportingRoute.self, forKey: .childReport),
                  aps: try container.decodeIfPresent(ReportingRoute.self, forKey: .aps),
                  duties: try container.decodeIfPresent([StateDuty].self, forKey: .duties) ?? [],
                  isFallback: try container.decodeIfPresent(Bool.self, forKey: .isFallback))
    }
}

/// The state table from `Resources/jurisdictions/us-states.json` (data an organization admin may
/// correct), with a clearly labelled fallback for anything not in it.
public struct JurisdictionTable: Sendable, Codable {
    public let states: [Jurisdiction]
    public let fallback: Jurisdiction

    static let loaded = BundledResources.load("jurisdictions/us-states.json") { data in
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(JurisdictionTable.self, from: data)
    }
    public static var bundled: JurisdictionTable { loaded.loadedValue }

    public init(states: [Jurisdiction], fallback: Jurisdiction) {
        self.states = states
        self.fallback = fallback
    }

    public func route(for state: String?) -> Jurisdiction {
        guard let code = state?.uppercased() else { return fallback }
        return states.first { $0.code == code } ?? fallback
    }

    /// Adult protective services for a state: its own route, else the fallback's national locator.
    public func adultProtectiveServices(for state: String?) -> (route: ReportingRoute, jurisdiction: Jurisdiction, isFallback: Bool) {
        let jurisdiction = route(for: state)
        if let aps = jurisdiction.aps, jurisdiction.isFallback != true { return (aps, jurisdiction, false) }
        return (fallback.aps ?? fallback.childReport, fallback, true)
    }
}
