import Foundation

/// A record set with its links indexed both ways, to rebuild the nested API shapes and to find
/// everything that belongs to a service.
public struct HSDSGraph: Sendable {
    public let records: HSDSRecordSet
    /// table → column → value → ids of rows whose column holds that value.
    private var byColumn: [String: [String: [String: [String]]]] = [:]

    public init(_ records: HSDSRecordSet) {
        self.records = records
        var index: [String: [String: [String: [String]]]] = [:]
        let linkColumns = Set(HSDSModel.relations.values.flatMap { $0 }.compactMap { relation -> String? in
            if case .childColumn(let column) = relation.link { return column } else { return nil }
        })
        for (table, rows) in records.tables {
            for (id, row) in rows {
                for column in linkColumns { if let value = row[column]?.string { index[table, default: [:]][column, default: [:]][value, default: []].append(id) } }
            }
        }
        for (table, columns) in index { for (column, values) in columns { for (value, ids) in values { index[table]![column]![value] = ids.sorted() } } }
        byColumn = index
    }

    /// Rows of `table` whose `column` equals `value`, in id order.
    public func children(_ table: String, _ column: String, _ value: String) -> [HSDSFields] {
        (byColumn[table]?[column]?[value] ?? []).compactMap { records.row(table, $0) }
    }

    /// The object in its API shape, with every related row nested as the standard's JSON nests it.
    /// A relation back to a table already on the way down is left out, so an organization nested
    /// in a service does not list the service again.
    public func nested(_ table: String, _ id: String, omitting: (HSDSFields, String) -> Bool = { _, _ in false },
                       path: [String] = []) -> JSONValue? {
        guard let row = records.row(table, id), !omitting(row, table) else { return nil }
        var object = row
        for relation in HSDSModel.relations[table] ?? [] where !path.contains(relation.child) {
            let down = path + [table]
            switch relation.link {
            case .childColumn(let column):
                let items = children(relation.child, column, id).compactMap {
                    nested(relation.child, $0.text("id")!, omitting: omitting, path: down)
                }
                if !items.isEmpty { object[relation.member] = .array(items) }
            case .parentColumn(let column):
                if let childId = row.text(column), let child = nested(relation.child, childId, omitting: omitting, path: down) {
                    object[relation.member] = child
                }
            }
        }
        return .object(object)
    }
}

/// Writes a record set out in the standard's two forms.
public enum HSDSWriter {
    /// One CSV text per table of the tabular package, columns in the package's order. Tables
    /// without rows are still written with their header, as the package lists them all.
    public static func csvFiles(_ records: HSDSRecordSet) -> [(file: String, text: String)] {
        HSDSModel.tables.map { table in
            var lines = [CSV.line(table.fields)]
            for row in records.rows(table.name) {
                lines.append(CSV.line(table.fields.map { row[$0].map(csvText) ?? "" }))
            }
            return (table.file, lines.joined(separator: "\r\n") + "\r\n")
        }
    }

    static func csvText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .decimal(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        default: ""
        }
    }

    /// The JSON files of an export: every organization and every service in full, locations,
    /// and the taxonomies with their terms — each file an array of objects in the API shape.
    public static func jsonFiles(_ records: HSDSRecordSet, omitting: (HSDSFields, String) -> Bool = { _, _ in false }) -> [(file: String, value: JSONValue)] {
        let graph = HSDSGraph(records)
        func all(_ table: String) -> JSONValue {
            .array(records.rows(table).compactMap { graph.nested(table, $0.text("id")!, omitting: omitting) })
        }
        return [
            ("organizations.json", all("organization")), ("services.json", all("service")),
            ("locations.json", all("location")), ("service_at_locations.json", all("service_at_location")),
            ("taxonomies.json", all("taxonomy")), ("taxonomy_terms.json", all("taxonomy_term")),
        ]
    }
}
