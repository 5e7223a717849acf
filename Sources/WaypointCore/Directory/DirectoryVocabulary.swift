import Foundation

/// Our own terms for who a service serves, what it offers and how it is reached, published as an
/// HSDS taxonomy (Resources/directory/taxonomy.json) and attached to services and locations with
/// HSDS attributes. HSDS has no fields for these; the research notes (directory.md §1.2) say why.
public struct DirectoryVocabulary: Sendable {
    public enum Group: String, Sendable, CaseIterable { case population, serviceType = "service-type", flag }

    public struct Term: Sendable, Equatable {
        public let id: String
        /// "population:minors" — the group, a colon, the term's own code.
        public let code: String
        public let name: String
        public let group: Group
        /// The code without its group, as used in query parameters ("minors").
        public var shortCode: String { String(code.split(separator: ":").last ?? "") }
    }

    public let taxonomy: HSDSFields
    public let terms: [Term]
    /// The taxonomy and its terms as HSDS rows, for seeding and export.
    public let records: HSDSRecordSet
    private let termsById: [String: Term]

    static let loaded = BundledResources.load("directory/taxonomy.json") { try DirectoryVocabulary($0) }
    public static var bundled: DirectoryVocabulary { loaded.loadedValue }

    init(_ data: Data) throws {
        let document = try JSONValue.parse(data)
        var result = HSDSReadResult()
        HSDSReader.flatten(document["taxonomy"]?.objectValue ?? [:], as: "taxonomy", path: "taxonomy", file: "taxonomy.json", into: &result)
        for (index, term) in document["terms"]!.array.enumerated() {
            HSDSReader.flatten(term.objectValue ?? [:], as: "taxonomy_term", path: "terms[\(index)]", file: "taxonomy.json", into: &result)
        }
        guard result.problems.isEmpty else { throw HSDSImportError(problems: result.problems) }
        records = result.records
        taxonomy = result.records.rows("taxonomy")[0]
        // In the file's order, which is the order forms list them in.
        let order = document["terms"]!.array.compactMap { $0["id"]?.string }
        terms = order.compactMap { result.records.row("taxonomy_term", $0) }.compactMap { row in
            guard let code = row.text("code"), code.contains(":"),
                  let group = Group(rawValue: String(code.split(separator: ":")[0])) else { return nil }
            return Term(id: row.text("id")!, code: code, name: row.text("name")!, group: group)
        }
        termsById = Dictionary(uniqueKeysWithValues: terms.map { ($0.id, $0) })
    }

    /// Called for every attribute of every indexed service, so a dictionary, not a scan.
    public func term(id: String) -> Term? { termsById[id] }

    public func term(_ group: Group, _ shortCode: String) -> Term? {
        terms.first { $0.group == group && $0.shortCode == shortCode }
    }

    public func terms(in group: Group) -> [Term] { terms.filter { $0.group == group } }

    public static let twentyFourSeven = "flag:open-24-7"
    public static let confidentialLocation = "flag:confidential-location"
}

extension JSONValue {
    public var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
}

/// Directory content shipped with Waypoint: our taxonomy, the national services (facts checked
/// against the source named in each entry's metadata, with the date) and the fictional demo entries.
public enum BundledDirectory {
    static let files = ["services", "demo-local"]

    /// One bundled file; shipped content with a problem in it is a damaged installation.
    static func load(_ name: String) -> Result<HSDSReadResult, BundledResourceError> {
        BundledResources.load("directory/\(name).json") { data in
            var result = HSDSReadResult()
            HSDSReader.readJSON(data, file: name + ".json", table: "service", into: &result)
            if let problem = result.problems.first {
                throw BundledResourceError(file: "directory/\(name).json", reason: "is not valid: \(problem.description)")
            }
            return result
        }
    }

    public static func read(_ name: String) -> HSDSReadResult { load(name).loadedValue }

    /// The taxonomy and the national services, as one import.
    public static var national: HSDSReadResult {
        var result = read("services")
        result.records.formUnion(DirectoryVocabulary.bundled.records)
        return result
    }
}
