import Foundation

/// Where a child-abuse report goes in one state.
public struct Jurisdiction: Codable, Sendable, Equatable {
    public let code: String
    public let name: String
    public let agency: String
    public let phone: String
    public let route: String
    public let source: String
    public let verified: String
    public let isFallback: Bool?

    public init(code: String, name: String, agency: String, phone: String, route: String, source: String, verified: String, isFallback: Bool? = nil) {
        self.code = code
        self.name = name
        self.agency = agency
        self.phone = phone
        self.route = route
        self.source = source
        self.verified = verified
        self.isFallback = isFallback
    }
}

/// The state table from `Resources/jurisdictions/us-states.json` (data an organization admin may
/// replace), with a clearly labelled fallback for states not in it.
public struct JurisdictionTable: Sendable, Codable {
    public let states: [Jurisdiction]
    public let fallback: Jurisdiction

    static let loaded = BundledResources.load("jurisdictions/us-states.json") { try JSONDecoder().decode(JurisdictionTable.self, from: $0) }
    public static var bundled: JurisdictionTable { loaded.loadedValue }

    public init(states: [Jurisdiction], fallback: Jurisdiction) {
        self.states = states
        self.fallback = fallback
    }

    public func route(for state: String?) -> Jurisdiction {
        guard let code = state?.uppercased() else { return fallback }
        return states.first { $0.code == code } ?? fallback
    }
}
