import Foundation

public struct CSVRecord: Sendable, Equatable {
    /// The line the record starts on, counting the header as line 1.
    public let line: Int
    public let values: [String]
}

/// RFC 4180 comma-separated values: quoted fields may hold commas, quotes ("") and line breaks.
public enum CSV {
    public struct SyntaxError: Error, Equatable {
        public let line: Int
        public let message: String
    }

    public static func parse(_ text: String) throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        var values: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        if text.unicodeScalars.first == "\u{FEFF}" { _ = scalars.next() }
        func endRecord() {
            values.append(field)
            records.append(CSVRecord(line: recordLine, values: values))
            values = []
            field = ""
        }
        while let scalar = scalars.next() {
            if quoted {
                if scalar == "\"" { quoted = false; afterQuote = true; continue }
                if scalar == "\n" { line += 1 }
                field.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\"":
                if afterQuote { field.append("\""); quoted = true; afterQuote = false; continue }
                guard field.isEmpty else { throw SyntaxError(line: line, message: "a quote inside an unquoted value") }
                quoted = true
            case ",":
                values.append(field); field = ""; afterQuote = false
            case "\r":
                continue
            case "\n":
                endRecord(); afterQuote = false; line += 1; recordLine = line
            default:
                if afterQuote { throw SyntaxError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw SyntaxError(line: recordLine, message: "a quoted value is never closed") }
        if !field.isEmpty || !values.isEmpty { endRecord() }
        return records
    }

    /// Free text for a spreadsheet: a leading =, +, - or @ would be read as a formula, so it is
    /// quoted with an apostrophe (OWASP's advice for CSV injection).
    public static func text(_ value: String) -> String {
        guard let first = value.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13].contains(first) else {
            return value
        }
        return "'" + value
    }

    public static func line(_ values: [String]) -> String {
        var out = ""
        append(values, to: &out)
        return out
    }

    /// One record (without its line break) added to `out`; a value is quoted when it holds a comma,
    /// a quote or a line break. Scanned as bytes: reading each value by Character was most of the
    /// time of a 80,000-line report.
    public static func append(_ values: [String], to out: inout String) {
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(",") }
            field(value, to: &out)
        }
    }

    /// One value added to `out`, quoted when it holds a comma, a quote or a line break.
    public static func field(_ value: String, to out: inout String) {
        if value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
            out.append("\"")
            out.append(value.replacingOccurrences(of: "\"", with: "\"\""))
            out.append("\"")
        } else {
            out.append(value)
        }
    }
}
