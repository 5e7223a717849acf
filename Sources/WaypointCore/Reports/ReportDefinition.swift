import Foundation

/// Where a report's rows come from: one slice of the reporting dataset.
public enum ReportSource: String, Codable, Sendable, CaseIterable {
    /// People served: each client once, when opened in the period or served in it.
    case clients
    case services, closures, screenings, referrals, crisis, eligibility, training
    /// Youth exits' HMIS R15/R16 answers: one fact per element answered.
    case exits
    /// Where staff stand today on each training requirement that applies to them: a state, not an
    /// event, so it is read from the training records when asked rather than from the dataset.
    case compliance

    /// Kept also as counts per day and combination of categories: each fact is its own person,
    /// every dimension is a plain column and the period is a range of days (screenings, contacts,
    /// youth exits), so any table of a period adds up days.
    public var isCountedDaily: Bool { self == .screenings || self == .crisis || self == .exits }

    /// Whether one person can stand in several rows (under each service type, each element
    /// asked, each requirement): then the totals add rows, not people.
    public var countsPeopleInEachRow: Bool { !isAdditive || self == .exits || self == .compliance }

    /// Whether the reporting dataset holds this source's facts (compliance is worked out when asked).
    public var isInDataset: Bool { self != .compliance }

    /// The dimensions a report over this source may group by.
    public var dimensions: [ReportDimension] {
        let month = ReportDimension.month
        switch self {
        case .clients: return [month, .status, .vocaStatus, .phase, .program, .exploitation, .firstAgeBand, .ageGroup, .nationality]
        case .services: return [month, .serviceType, .funding, .vocaGroup, .phase, .program]
        case .closures: return [month, .closureReason, .phase, .program]
        case .screenings: return [month, .instrument, .result, .ageBand, .site]
        case .referrals: return [month, .referralStatus, .loop]
        case .crisis: return [month, .channel, .outcome, .concern]
        case .eligibility: return [month, .letter, .ageGroup]
        case .training: return [month, .course]
        case .exits: return [month, .element, .response]
        case .compliance: return [.requirement, .complianceState]
        }
    }

    /// The filters a report over this source may take (`?program=…`).
    public var filters: [ReportDimension] {
        switch self {
        case .clients, .services, .closures: [.program, .phase]
        case .screenings: [.site]
        default: []
        }
    }

    public var measures: [ReportMeasure] {
        switch self {
        case .services: [.people, .records, .units]
        case .referrals: [.people, .records, .days]
        default: [.people, .records]
        }
    }
}

extension ReportSource {
    /// Each fact is its own person here (a client, a screened encounter, a contact), so counts add
    /// up across any grouping: one query grouped by every dimension gives every table.
    public var isAdditive: Bool { [.clients, .screenings, .crisis, .exits, .compliance].contains(self) }

    /// Every table a reader can get over this source in one period, each dimension alone and the
    /// pairs. When counts add up: every dimension and every pair (one query gives them all).
    /// Otherwise (a person counted once under each service type, say) each table costs a scan of
    /// its own, so only the shipped definitions' tables, the one-way tables of their dimensions and
    /// of the filters, and each of those dimensions with each filter (a filtered report is a
    /// column of that pair).
    public var family: [ReportShape] {
        var shapes: [ReportShape] = []
        func add(_ a: ReportDimension, _ b: ReportDimension?) {
            guard a != b, !shapes.contains(where: { $0.matches(a, b) }) else { return }
            shapes.append(ReportShape(rows: a, columns: b))
        }
        if isAdditive {
            for a in dimensions { add(a, nil) }
            for (i, a) in dimensions.enumerated() { for b in dimensions[(i + 1)...] { add(a, b) } }
            return shapes
        }
        let shipped = ReportCatalog.shipped.filter { $0.source == self }
        var used: [ReportDimension] = []
        for definition in shipped { for dimension in [definition.rowDimension, definition.columnDimension].compactMap({ $0 }) + filters where !used.contains(dimension) {
            used.append(dimension)
        } }
        for dimension in used { add(dimension, nil) }
        for definition in shipped { if let columns = definition.columnDimension { add(definition.rowDimension, columns) } }
        for filter in filters { for dimension in used { add(dimension, filter) } }
        return shapes
    }

    /// The dimensions a report over this source may be grouped by alone.
    public var groupings: [ReportDimension] { family.filter { $0.columns == nil }.map(\.rows) }

    /// Whether a report over this source may be laid out as `rows` by `columns`.
    public func offers(_ rows: ReportDimension, _ columns: ReportDimension?) -> Bool {
        family.contains { $0.matches(rows, columns) }
    }
}

/// A table's layout: what its rows and (when there are columns) its columns group by.
public struct ReportShape: Sendable, Hashable {
    public let rows: ReportDimension
    public let columns: ReportDimension?

    public init(rows: ReportDimension, columns: ReportDimension?) { (self.rows, self.columns) = (rows, columns) }

    public var name: String { columns.map { rows.name + "," + $0.name } ?? rows.name }
    /// The same table, either way round.
    func matches(_ a: ReportDimension, _ b: ReportDimension?) -> Bool {
        (rows == a && columns == b) || (b != nil && rows == b && columns == a)
    }
}

/// A way of grouping the dataset: a column of `report_facts` (or a rule over one) and, where the
/// values are a closed list, their order.
public struct ReportDimension: Sendable, Equatable, Hashable {
    public let name: String
    /// The dataset column it reads.
    public let column: String
    /// The values in the order they are shown; nil when open (months, programs, courses).
    public let values: [String]?

    /// A client's own attribute (phase, program, age group), recorded with each of their facts:
    /// when no person has two values of it in a period, people counts add up over it.
    public var isPersonAttribute: Bool { self == .phase || self == .program || self == .ageGroup }

    public static let month = ReportDimension(name: "month", column: "month", values: nil)
    /// New in the period, or continuing from before it.
    public static let status = ReportDimension(name: "status", column: "status", values: ["new", "continuing"])
    /// VOCA's rule: new the first time a person is served in the federal fiscal year, continuing after.
    public static let vocaStatus = ReportDimension(name: "voca_status", column: "voca_status", values: ["new", "continuing"])
    public static let phase = ReportDimension(name: "phase", column: "phase", values: CasePhase.allCases.map(\.rawValue))
    public static let program = ReportDimension(name: "program", column: "program", values: nil)
    public static let exploitation = ReportDimension(name: "exploitation", column: "kind", values: ExploitationType.allCases.map(\.rawValue))
    public static let firstAgeBand = ReportDimension(name: "first_age_band", column: "detail", values: AgeBand.firstExploitation)
    public static let ageGroup = ReportDimension(name: "age_group", column: "band", values: ["minor", "adult"])
    public static let nationality = ReportDimension(name: "nationality", column: "nationality", values: ["us", "foreign_national"])
    public static let serviceType = ReportDimension(name: "service_type", column: "kind", values: ServiceType.allCases.map(\.rawValue))
    public static let funding = ReportDimension(name: "funding", column: "detail", values: nil)
    public static let vocaGroup = ReportDimension(name: "voca_group", column: "voca_group", values: VOCAServiceGroups.groups + ["not_mapped"])
    public static let closureReason = ReportDimension(name: "closure_reason", column: "kind", values: ClosureReason.allCases.map(\.rawValue))
    public static let instrument = ReportDimension(name: "instrument", column: "kind", values: nil)
    public static let result = ReportDimension(name: "result", column: "detail", values: ScreenResult.allCases.map(\.rawValue))
    public static let ageBand = ReportDimension(name: "age_band", column: "band", values: AgeBand.encounter)
    public static let site = ReportDimension(name: "site", column: "site", values: nil)
    public static let referralStatus = ReportDimension(name: "referral_status", column: "kind", values: ReferralStatus.allCases.map(\.rawValue))
    /// Whether the loop closed (the referral reached an end), for the time-to-close measure.
    public static let loop = ReportDimension(name: "loop", column: "detail", values: ["closed", "open"])
    public static let channel = ReportDimension(name: "channel", column: "kind", values: CrisisContact.Channel.allCases.map(\.rawValue))
    public static let outcome = ReportDimension(name: "outcome", column: "detail", values: CrisisContact.Outcome.allCases.map(\.rawValue))
    public static let concern = ReportDimension(name: "concern", column: "band", values: CrisisContact.Concern.allCases.map(\.rawValue))
    public static let letter = ReportDimension(name: "letter", column: "kind", values: ["requested", "letter"])
    public static let course = ReportDimension(name: "course", column: "kind", values: nil)
    public static let requirement = ReportDimension(name: "requirement", column: "kind", values: nil)
    public static let complianceState = ReportDimension(name: "compliance_state", column: "detail", values: ["met", "due", "overdue", "never_started"])
    public static let element = ReportDimension(name: "element", column: "kind", values: ExitElements.elements)
    public static let response = ReportDimension(name: "response", column: "detail", values: ExitElements.responses)
}

public enum ReportMeasure: String, Codable, Sendable, CaseIterable {
    /// Distinct people (clients, screened encounters, contacts, staff).
    case people
    /// Records: services, referrals, screenings.
    case records
    /// Units of service delivered.
    case units
    /// Mean days from a referral to the end of its loop.
    case days
}

/// The five service groups of the VOCA victim-assistance performance measures, and which of our
/// service types clearly belongs to one. Types with no clear group are left unmapped, not guessed.
/// Sources: Virginia DCJS, "VOCA performance measures" service categories (dcjs.virginia.gov/node/5356);
/// Utah Office for Victims of Crime, "VOCA allowable services" (case management under personal advocacy).
public enum VOCAServiceGroups {
    public static let groups = ["information_referral", "personal_advocacy", "emotional_support_safety", "shelter_housing", "justice_assistance"]
    public static let mapping: [ServiceType: String] = [
        .crisisIntervention: "emotional_support_safety",
        .caseManagement: "personal_advocacy",
        .emergencyHousingNight: "shelter_housing",
        .legal: "justice_assistance",
    ]
}

/// A shipped or imported report: what it counts, by what, which filters it takes and how it is drawn.
public struct ReportDefinition: Codable, Sendable, Equatable {
    public enum Chart: String, Codable, Sendable { case bar, stackedBar = "stacked-bar", line }

    public let id: String
    /// By language code.
    public let title: [String: String]
    public let description: [String: String]
    public let source: ReportSource
    public let rows: String
    public let columns: String?
    public let measure: ReportMeasure
    public let chart: Chart
    /// For a funder-shaped export: whose form it follows.
    public let funder: String?
    /// Where each counted field comes from (a form, a rule, a guide), as published.
    public let citations: [String]

    public func title(in language: Language) -> String { title[language.rawValue] ?? title["en"] ?? id }
    public func description(in language: Language) -> String { description[language.rawValue] ?? description["en"] ?? "" }

    public var rowDimension: ReportDimension { source.dimensions.first { $0.name == rows }! }
    public var columnDimension: ReportDimension? { columns.flatMap { name in source.dimensions.first { $0.name == name } } }
}

/// The shipped definitions (`Resources/reports/definitions.json`), checked like any other file.
public enum ReportCatalog {
    static let loaded = BundledResources.load("reports/definitions.json") { data in
        try ReportCatalog.parse(data, file: "reports/definitions.json")
    }

    public static var shipped: [ReportDefinition] { loaded.loadedValue }

    public static func definition(_ id: String) throws -> ReportDefinition {
        guard let found = shipped.first(where: { $0.id == id }) else { throw ReportError.unknownReport }
        return found
    }

    /// Definitions from a file: decoded, then every name checked against its source.
    public static func parse(_ data: Data, file: String = "definitions") throws -> [ReportDefinition] {
        let definitions: [ReportDefinition]
        do { definitions = try JSONDecoder().decode([ReportDefinition].self, from: data) } catch {
            throw ReportError.invalidDefinition(id: file, reason: "is not a list of report definitions (\(error))")
        }
        var seen = Set<String>()
        for definition in definitions {
            guard seen.insert(definition.id).inserted else { throw ReportError.invalidDefinition(id: definition.id, reason: "appears twice") }
            try validate(definition)
        }
        return definitions
    }

    /// Most definitions one organization may add; a file is at most this many bytes.
    public static let importLimit = 100, importBytes = 1 << 20

    /// Definitions an organization adds from a file: checked as the shipped ones are, and besides
    /// each needs an id of its own and a layout its source offers (where counts do not add up,
    /// the groupings of the shipped reports: every report of a period is suppressed together).
    public static func parseImported(_ data: Data, file: String = "definitions") throws -> [ReportDefinition] {
        guard data.count <= importBytes else { throw ReportError.invalidDefinition(id: file, reason: "is larger than 1 MB") }
        let definitions = try parse(data, file: file)
        guard !definitions.isEmpty, definitions.count <= importLimit else {
            throw ReportError.invalidDefinition(id: file, reason: "holds \(definitions.count) definitions (1 to \(importLimit))")
        }
        for definition in definitions {
            guard !shipped.contains(where: { $0.id == definition.id }) else {
                throw ReportError.invalidDefinition(id: definition.id, reason: "has the id of a shipped report")
            }
            guard definition.source.offers(definition.rowDimension, definition.columnDimension) else {
                let layout = [definition.rows, definition.columns].compactMap { $0 }.joined(separator: " by ")
                throw ReportError.invalidDefinition(id: definition.id, reason: "groups by \(layout), which \(definition.source.rawValue) does not offer")
            }
        }
        return definitions
    }

    public static func validate(_ definition: ReportDefinition) throws {
        let names = Set(definition.source.dimensions.map(\.name))
        func fail(_ reason: String) -> ReportError { .invalidDefinition(id: definition.id, reason: reason) }
        guard definition.id.range(of: "^[a-z0-9-]{1,60}$", options: .regularExpression) != nil else { throw fail("has an id that is not lower-case letters, digits and hyphens") }
        guard definition.title["en"]?.isEmpty == false, definition.title["es"]?.isEmpty == false else { throw fail("needs a title in English and Spanish") }
        guard names.contains(definition.rows) else { throw fail("groups rows by \(definition.rows), which \(definition.source.rawValue) does not have") }
        if let columns = definition.columns {
            guard names.contains(columns), columns != definition.rows else { throw fail("groups columns by \(columns), which \(definition.source.rawValue) does not have") }
        }
        guard definition.source.measures.contains(definition.measure) else { throw fail("counts \(definition.measure.rawValue), which \(definition.source.rawValue) does not have") }
        guard !definition.citations.isEmpty else { throw fail("cites no source") }
    }
}
