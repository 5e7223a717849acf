import Foundation

/// One HSDS row: column name → value, `id` included. Numbers are `.integer` when whole, text is
/// `.string`; an empty or null value is simply absent, so JSON and CSV read to the same row.
public typealias HSDSFields = [String: JSONValue]

/// A set of HSDS rows keyed by table and id: the tabular model both import formats read into and
/// both export formats are written from, so a round trip through either compares equal.
public struct HSDSRecordSet: Sendable, Equatable {
    public private(set) var tables: [String: [String: HSDSFields]] = [:]

    public init() {}

    /// Adds a row, or completes the row already there: the same object nested in two places (a
    /// language of a phone and of its location) is one row that links to both.
    public mutating func merge(_ table: String, _ fields: HSDSFields) {
        guard let id = fields["id"]?.string else { return }
        tables[table, default: [:]][id, default: [:]].merge(fields) { _, new in new }
    }

    public mutating func remove(_ table: String, id: String) {
        tables[table]?[id] = nil
    }

    public func row(_ table: String, _ id: String) -> HSDSFields? { tables[table]?[id] }

    /// Rows of a table in id order, so exports are stable.
    public func rows(_ table: String) -> [HSDSFields] {
        (tables[table] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    public var count: Int { tables.values.reduce(0) { $0 + $1.count } }

    public mutating func formUnion(_ other: HSDSRecordSet) {
        for (table, rows) in other.tables { for row in rows.values { merge(table, row) } }
    }
}

extension HSDSFields {
    public func text(_ field: String) -> String? { self[field]?.string }
}

/// What is wrong with one row of an import: which file, where in it, which field, and why.
public struct HSDSProblem: Sendable, Equatable, CustomStringConvertible, Codable {
    public let file: String
    /// "line 7" for CSV, a JSON path such as "contents[2].phones[0]" for JSON.
    public let location: String
    public let field: String?
    public let message: String
    /// The row the problem belongs to, so `--skip-invalid` can leave it out.
    public let table: String?
    public let id: String?

    public init(file: String, location: String, field: String?, message: String, table: String? = nil, id: String? = nil) {
        self.file = file
        self.location = location
        self.field = field
        self.message = message
        self.table = table
        self.id = id
    }

    public var description: String {
        "\(file), \(location)" + (field.map { ", field \($0)" } ?? "") + ": \(message)"
    }
}

/// An import refused as a whole: nothing was written.
public struct HSDSImportError: UserFacingError, Equatable {
    public let problems: [HSDSProblem]
    public init(problems: [HSDSProblem]) { self.problems = problems }
    public var messageKey: String { "error_directory_import" }
    public var kind: FailureKind { .invalid }
    public var field: String? { problems.first?.field }
    /// The problems as the reader found them (file, row, field): technical, and shown as found.
    public var detail: LocalizedText? {
        let shown = problems.prefix(5).map(\.description).joined(separator: "; ")
        return LocalizedText("error_detail_as_given", ["text": problems.count > 5 ? shown + "; and \(problems.count - 5) more" : shown])
    }
}

/// Checks and normalizes single values and rows against the table definitions.
public enum HSDSRowRules {
    /// Turns a raw value (JSON value, or CSV text wrapped as `.string`) into the stored form.
    /// `nil` with no message means "absent"; a message means the value is wrong.
    static func normalize(_ raw: JSONValue, kind: HSDSTable.Kind?, fromText: Bool) -> (JSONValue?, String?) {
        switch raw {
        case .null: return (nil, nil)
        case .string(let text) where text.isEmpty: return (nil, nil)
        default: break
        }
        if kind == .number {
            switch raw {
            case .integer, .decimal: return (wholeNumber(raw.number!), nil)
            case .string(let text) where fromText:
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                    return (nil, "expected a number, found \"\(text.prefix(40))\"")
                }
                return (wholeNumber(number), nil)
            default: return (nil, "expected a number")
            }
        }
        guard case .string(let text) = raw else { return (nil, "expected text") }
        switch kind {
        case .date where !isDate(text): return (nil, "expected a date as YYYY-MM-DD, found \"\(text.prefix(40))\"")
        case .dateTime where !isDateTime(text): return (nil, "expected a date and time (ISO 8601), found \"\(text.prefix(40))\"")
        case .time where ScheduleRules.minutes(text) == nil: return (nil, "expected a time as HH:MM or HH:MM:SS, found \"\(text.prefix(40))\"")
        default: return (.string(text), nil)
        }
    }

    static func wholeNumber(_ number: Double) -> JSONValue {
        if number.rounded() == number, abs(number) < 1e15 { return .integer(Int(number)) }
        return .decimal(number)
    }

    public static func isDate(_ text: String) -> Bool { dateParts(text) != nil }

    /// Year, month and day of a valid "YYYY-MM-DD", read byte by byte (dates are compared and moved
    /// for every line of a 80,000-line report: splitting strings was a tenth of its time).
    public static func dateParts(_ text: String) -> (year: Int, month: Int, day: Int)? {
        var year = 0, month = 0, day = 0, index = 0
        for byte in text.utf8 {
            switch index {
            case 4, 7:
                guard byte == UInt8(ascii: "-") else { return nil }
            case 0...9:
                guard (48...57).contains(byte) else { return nil }
                let digit = Int(byte) - 48
                if index < 4 { year = year * 10 + digit } else if index < 7 { month = month * 10 + digit } else { day = day * 10 + digit }
            default:
                return nil
            }
            index += 1
        }
        guard index == 10, (1...12).contains(month), day >= 1, day <= monthLength(year: year, month: month) else { return nil }
        return (year, month, day)
    }

    public static func monthLength(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// "YYYY-MM-DD", written as bytes.
    public static func dateText(year: Int, month: Int, day: Int) -> String {
        var out = [UInt8](repeating: UInt8(ascii: "0"), count: 10)
        for (offset, value, width) in [(0, year, 4), (5, month, 2), (8, day, 2)] {
            var rest = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                out[position] = UInt8(48 + rest % 10)
                rest /= 10
            }
        }
        out[4] = UInt8(ascii: "-")
        out[7] = UInt8(ascii: "-")
        return String(decoding: out, as: UTF8.self)
    }

    /// The date `number` days after 1970-01-01 (H. Hinnant's civil-from-days), the inverse of `dayNumber`.
    public static func date(dayNumber number: Int) -> String {
        let shifted = number + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return dateText(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// Days since 1970-01-01 for a valid "YYYY-MM-DD" (proleptic Gregorian), for comparing dates
    /// without a formatter.
    public static func dayNumber(_ text: String) -> Int? {
        guard let parts = dateParts(text) else { return nil }
        let (month, day) = (parts.month, parts.day)
        let year = month <= 2 ? parts.year - 1 : parts.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func isDateTime(_ text: String) -> Bool {
        guard text.count >= 16, isDate(String(text.prefix(10))) else { return false }
        let rest = text.dropFirst(10)
        guard let separator = rest.first, separator == "T" || separator == " " else { return false }
        return ScheduleRules.minutes(String(rest.dropFirst())) != nil
    }

    /// Required fields, closed value lists and the rules particular to a table. Returns
    /// (field, message) pairs; empty means the row is fine.
    public static func check(_ table: HSDSTable, _ row: HSDSFields) -> [(field: String, message: String)] {
        var problems: [(String, String)] = []
        for field in table.required where row[field] == nil {
            problems.append((field, "is required"))
        }
        for (field, values) in table.allowed.sorted(by: { $0.key < $1.key }) {
            if let value = row[field]?.string, !values.contains(value) {
                problems.append((field, "\"\(value.prefix(40))\" is not one of: \(values.joined(separator: ", "))"))
            }
        }
        switch table.name {
        case "location":
            // Out-of-range coordinates are kept (the standard's own examples use 100, 101) but
            // never placed on the map; a point needs both halves.
            if (row["latitude"] == nil) != (row["longitude"] == nil) { problems.append(("latitude", "latitude and longitude come together")) }
        case "service":
            for field in ["minimum_age", "maximum_age"] {
                if let age = row[field]?.number, !(0...130).contains(age) { problems.append((field, "must be an age between 0 and 130")) }
            }
            if let low = row["minimum_age"]?.number, let high = row["maximum_age"]?.number, low > high {
                problems.append(("minimum_age", "is above maximum_age"))
            }
        case "schedule":
            problems += ScheduleRules.problems(row)
        default: break
        }
        return problems
    }
}
