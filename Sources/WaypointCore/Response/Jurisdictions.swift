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
    /// Who takes a report of a minor's sex trafficking or commercial sexual exploitation.
    public var trafficking: String?
    /// Who takes a report of a minor's labor exploitation: the child-welfare agency where state law
    /// makes it abuse or neglect, otherwise law enforcement.
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
