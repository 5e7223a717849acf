import Foundation

/// What came out of reading import files: the rows, and every problem found, each tied to its row.
public struct HSDSReadResult: Sendable {
    public var records = HSDSRecordSet()
    public var problems: [HSDSProblem] = []
    /// Rows read, counting each CSV line or JSON object once.
    public var rowsRead = 0
    /// Where each row was read ("services.csv, line 4"), keyed by "table/id", to report later checks.
    public var origins: [String: String] = [:]

    public init() {}

    /// The rows that had no problem; the problems name what was left out.
    public func withoutInvalidRows() -> HSDSRecordSet {
        var records = records
        for problem in problems { if let table = problem.table, let id = problem.id { records.remove(table, id: id) } }
        return records
    }
}

/// Reads HSDS JSON (the API shapes: a service, organization, location, taxonomy term, a list of
/// them, or a Page wrapper) and the HSDS tabular package (one CSV per table) into rows.
public enum HSDSReader {
    // MARK: JSON

    /// `table` says what the top-level objects are; `nil` guesses from the file name, then the shape.
    public static func readJSON(_ data: Data, file: String, table: String? = nil, into result: inout HSDSReadResult) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            result.problems.append(HSDSProblem(file: file, location: "the whole file", field: nil, message: "is not JSON: \(error)"))
            return
        }
        var objects: [(JSONValue, String)]
        if case .object(let members) = document, !members.isEmpty, members.keys.allSatisfy({ $0.hasSuffix(".csv") }) {
            // The tabular package as JSON ("organizations.csv": [rows]): rows, not nested objects.
            let tablesByFile = Dictionary(uniqueKeysWithValues: HSDSModel.tables.map { ($0.file, $0.name) })
            for (name, rows) in members.sorted(by: { $0.key < $1.key }) {
                guard let table = tablesByFile[name] else {
                    result.problems.append(HSDSProblem(file: file, location: name, field: nil, message: "is not a table of the HSDS package"))
                    continue
                }
                for (index, row) in rows.array.enumerated() {
                    guard case .object(let fields) = row else { continue }
                    flatten(fields, as: table, path: "\(name)[\(index)]", file: file, into: &result)
                }
            }
            return
        }
        if case .array(let list) = document {
            objects = list.enumerated().map { ($1, "[\($0)]") }
        } else if case .array(let list)? = document["contents"] {
            objects = list.enumerated().map { ($1, "contents[\($0)]") }
        } else {
            objects = [(document, "$")]
        }
        for (object, path) in objects {
            guard case .object(let fields) = object else {
                result.problems.append(HSDSProblem(file: file, location: path, field: nil, message: "expected an object"))
                continue
            }
            guard let kind = table ?? guessTable(file: file, object: fields) else {
                result.problems.append(HSDSProblem(file: file, location: path, field: nil,
                                                   message: "cannot tell which HSDS object this is; name the file after it (services.json, organizations.json, …)"))
                continue
            }
            _ = flatten(fields, as: kind, path: path, file: file, into: &result)
        }
    }

    static func guessTable(file: String, object: [String: JSONValue]) -> String? {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent.lowercased()
        for (prefix, table) in [("service_at_location", "service_at_location"), ("taxonomy_term", "taxonomy_term"), ("organization", "organization"),
                                ("service", "service"), ("location", "location"), ("taxonom", "taxonomy")] where name.hasPrefix(prefix) {
            return table
        }
        if object["location_type"] != nil { return "location" }
        if object["status"] != nil { return "service" }
        if object["services"] != nil || object["organization_identifiers"] != nil { return "organization" }
        if object["taxonomy_detail"] != nil || object["parent_id"] != nil { return "taxonomy_term" }
        return nil
    }

    /// Reads one object and everything nested in it; returns its id when it has one.
    @discardableResult
    public static func flatten(_ object: [String: JSONValue], as tableName: String, path: String, file: String,
                        parentLink: (column: String, id: String)? = nil, into result: inout HSDSReadResult) -> String? {
        let table = HSDSModel.table(tableName)
        result.rowsRead += 1
        guard let id = object["id"]?.string, !id.isEmpty else {
            result.problems.append(HSDSProblem(file: file, location: path, field: "id", message: "is required (text)", table: tableName))
            return nil
        }
        var row: HSDSFields = ["id": .string(id)]
        var problems: [(String, String)] = []
        let relations = HSDSModel.relationsByMember[tableName] ?? [:]
        for (member, value) in object.sorted(by: { $0.key < $1.key }) where member != "id" {
            if let relation = relations[member] {
                switch (relation.link, value) {
                case (.childColumn(let column), .array(let items)):
                    for (index, item) in items.enumerated() {
                        guard case .object(let child) = item else {
                            problems.append((member, "item \(index) is not an object")); continue
                        }
                        flatten(child, as: relation.child, path: "\(path).\(member)[\(index)]", file: file,
                                parentLink: (column, id), into: &result)
                    }
                case (.parentColumn(let column), .object(let child)):
                    if let childId = flatten(child, as: relation.child, path: "\(path).\(member)", file: file, into: &result) {
                        row[column] = .string(childId)
                    }
                case (_, .null): break
                default: problems.append((member, relation.isList ? "expected a list" : "expected an object"))
                }
            } else if table.fields.contains(member) {
                let (normalized, problem) = HSDSRowRules.normalize(value, kind: table.kinds[member], fromText: false)
                if let problem { problems.append((member, problem)) }
                if let normalized { row[member] = normalized }
            }
            // Members outside the standard's tables are not kept: both formats must carry the same data.
        }
        if let parentLink { row[parentLink.column] = .string(parentLink.id) }
        if tableName == "attribute", row["link_entity"] == nil, let parent = parentTable(path) { row["link_entity"] = .string(parent) }
        if tableName == "metadata", row["resource_type"] == nil, let parent = parentTable(path) { row["resource_type"] = .string(parent) }
        problems += HSDSRowRules.check(table, row).map { ($0.field, $0.message) }
        for (field, message) in problems {
            result.problems.append(HSDSProblem(file: file, location: path, field: field, message: message, table: tableName, id: id))
        }
        result.records.merge(tableName, row)
        result.origins[tableName + "/" + id] = "\(file), \(path)"
        return id
    }

    /// The table an attribute or metadata entry hangs from, from its JSON path ("…service_at_locations[0].attributes[1]").
    private static func parentTable(_ path: String) -> String? {
        let members = path.split(separator: ".").dropLast().map { String($0.prefix { $0 != "[" }) }
        guard let member = members.last else { return nil }
        for relations in HSDSModel.relations.values {
            if let relation = relations.first(where: { $0.member == member }) { return relation.child }
        }
        return nil
    }

    // MARK: CSV

    /// Reads one table of a tabular package. Columns the table does not define are ignored.
    public static func readCSV(_ text: String, file: String, table tableName: String, into result: inout HSDSReadResult) {
        let table = HSDSModel.table(tableName)
        let lines: [CSVRecord]
        do {
            lines = try CSV.parse(text)
        } catch let error as CSV.SyntaxError {
            result.problems.append(HSDSProblem(file: file, location: "line \(error.line)", field: nil, message: error.message))
            return
        } catch {
            result.problems.append(HSDSProblem(file: file, location: "the whole file", field: nil, message: "\(error)"))
            return
        }
        guard let header = lines.first else { return }
        let columns = header.values.map { $0.trimmingCharacters(in: .whitespaces) }
        guard columns.contains("id") else {
            result.problems.append(HSDSProblem(file: file, location: "line 1", field: "id", message: "the header has no id column"))
            return
        }
        for line in lines.dropFirst() {
            if line.values.allSatisfy(\.isEmpty) { continue }
            result.rowsRead += 1
            let location = "line \(line.line)"
            guard line.values.count == columns.count else {
                result.problems.append(HSDSProblem(file: file, location: location, field: nil,
                                                   message: "has \(line.values.count) values for \(columns.count) columns", table: tableName,
                                                   id: zip(columns, line.values).first { $0.0 == "id" }?.1))
                continue
            }
            var row: HSDSFields = [:]
            var problems: [(String, String)] = []
            for (column, value) in zip(columns, line.values) where table.fields.contains(column) {
                let (normalized, problem) = HSDSRowRules.normalize(.string(value), kind: table.kinds[column], fromText: true)
                if let problem { problems.append((column, problem)) }
                if let normalized { row[column] = normalized }
            }
            problems += HSDSRowRules.check(table, row).map { ($0.field, $0.message) }
            let id = row["id"]?.string
            for (field, message) in problems {
                result.problems.append(HSDSProblem(file: file, location: location, field: field, message: message, table: tableName, id: id))
            }
            if let id {
                result.records.merge(tableName, row)
                result.origins[tableName + "/" + id] = "\(file), \(location)"
            }
        }
    }

    /// Reads a folder: the CSV package when it has one (`organizations.csv` …), otherwise every
    /// `.json` file in it. A single file is read by its extension.
    public static func read(path: String) throws -> HSDSReadResult {
        var result = HSDSReadResult()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DirectoryError.unreadable("\(path) does not exist")
        }
        let files: [String]
        if isFolder.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            let csvFiles = names.filter { $0.hasSuffix(".csv") }
            files = (csvFiles.isEmpty ? names.filter { $0.hasSuffix(".json") && $0 != "datapackage.json" } : csvFiles)
                .map { (path as NSString).appendingPathComponent($0) }
            if files.isEmpty { throw DirectoryError.unreadable("\(path) holds no .csv or .json files") }
        } else {
            files = [path]
        }
        let tablesByFile = Dictionary(uniqueKeysWithValues: HSDSModel.tables.map { ($0.file, $0.name) })
        for file in files {
            let name = (file as NSString).lastPathComponent
            guard let data = FileManager.default.contents(atPath: file) else { throw DirectoryError.unreadable("\(file) cannot be read") }
            if name.hasSuffix(".csv") {
                guard let table = tablesByFile[name] else {
                    result.problems.append(HSDSProblem(file: name, location: "the whole file", field: nil,
                                                       message: "is not a table of the HSDS package (expected one of: \(tablesByFile.keys.sorted().joined(separator: ", ")))"))
                    continue
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    result.problems.append(HSDSProblem(file: name, location: "the whole file", field: nil, message: "is not UTF-8 text"))
                    continue
                }
                readCSV(text, file: name, table: table, into: &result)
            } else {
                readJSON(data, file: name, into: &result)
            }
        }
        return result
    }
}
