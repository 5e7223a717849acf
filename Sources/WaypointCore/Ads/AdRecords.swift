import Foundation

/// One ad as imported: only `id` and `text` are required.
public struct AdRecord: Sendable, Equatable {
    public let line: Int
    public let id: String
    public let text: String
    public let postedAt: Date?
    public let site: String?
    public let location: String?
    public let url: String?
}

/// A line of an ads file that cannot be read, with what is wrong in words an analyst can act on.
public struct AdLineError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public var description: String { "line \(line): \(message)" }

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// Reads ads from CSV (a header naming at least `id` and `text`) or JSON Lines (one object per
/// line), fed in chunks so that a file of a million ads is never held whole. Each record or error
/// comes out as soon as its line ends.
public struct AdRecordReader {
    public enum Format: Sendable { case csv, jsonLines }

    public let format: Format
    private var csv = CSVStream()
    private var header: [String]? = nil
    private var pendingLine: [UInt8] = []
    private var lineNumber = 0
    private var seenIds = Set<String>()
    private var started = false

    public init(format: Format) { self.format = format }

    /// The format a file's name or first bytes say: `.jsonl`/`.ndjson`, or a first `{`.
    public static func format(name: String, firstBytes: Data) -> Format {
        let lower = name.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonLines }
        if lower.hasSuffix(".csv") { return .csv }
        return firstBytes.first(where: { ![9, 10, 13, 32, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{") ? .jsonLines : .csv
    }

    public mutating func feed(_ chunk: Data) -> [Result<AdRecord, AdLineError>] {
        var bytes = chunk
        if !started {
            started = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        switch format {
        case .csv: return csv.feed(bytes).compactMap { record(fromCSV: $0) }
        case .jsonLines: return jsonLines(bytes, final: false)
        }
    }

    /// The last record of a file without a final line break, and an error for an unclosed quote.
    public mutating func finish() -> [Result<AdRecord, AdLineError>] {
        switch format {
        case .csv:
            let results = csv.finish().compactMap { record(fromCSV: $0) }
            if header == nil, results.isEmpty { return [.failure(AdLineError(line: 1, message: "the file is empty: the first line must name the columns, with id and text"))] }
            return results
        case .jsonLines: return jsonLines(Data(), final: true)
        }
    }

    /// nil for the header line, and for every line after a header without id and text (reported once).
    private mutating func record(fromCSV parsed: Result<CSVRecord, CSV.SyntaxError>) -> Result<AdRecord, AdLineError>? {
        switch parsed {
        case .failure(let error):
            return .failure(AdLineError(line: error.line, message: error.message))
        case .success(let record):
            guard let header else {
                let names = record.values.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                self.header = names
                guard names.contains("id"), names.contains("text") else {
                    return .failure(AdLineError(line: record.line, message: "the first line must name the columns, with id and text (it names \(names.prefix(8).joined(separator: ", ")))"))
                }
                return nil
            }
            guard header.contains("id"), header.contains("text") else { return nil }
            var fields: [String: String] = [:]
            for (index, name) in header.enumerated() where index < record.values.count { fields[name] = record.values[index] }
            if record.values.count > header.count {
                return .failure(AdLineError(line: record.line, message: "has \(record.values.count) values but the header names \(header.count) columns"))
            }
            return check(line: record.line, fields)
        }
    }

    private mutating func jsonLines(_ bytes: Data, final: Bool) -> [Result<AdRecord, AdLineError>] {
        var results: [Result<AdRecord, AdLineError>] = []
        for byte in bytes {
            if byte == 10 {
                lineNumber += 1
                if let result = jsonLine(pendingLine) { results.append(result) }
                pendingLine.removeAll(keepingCapacity: true)
            } else {
                pendingLine.append(byte)
            }
        }
        if final, !pendingLine.isEmpty {
            lineNumber += 1
            if let result = jsonLine(pendingLine) { results.append(result) }
            pendingLine.removeAll()
        }
        return results
    }

    private mutating func jsonLine(_ bytes: [UInt8]) -> Result<AdRecord, AdLineError>? {
        let trimmed = bytes.drop { $0 == 32 || $0 == 9 || $0 == 13 }
        if trimmed.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed), options: []) as? [String: Any] else {
            return .failure(AdLineError(line: lineNumber, message: "is not a JSON object"))
        }
        var fields: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: fields[key.lowercased()] = text
            case let number as NSNumber where key == "id": fields["id"] = number.stringValue
            case is NSNull: continue
            default: if ["id", "text", "posted_at", "site", "location", "url"].contains(key) {
                return .failure(AdLineError(line: lineNumber, message: "\(key) must be a string"))
            }
            }
        }
        return check(line: lineNumber, fields)
    }

    /// The rules every format shares.
    private mutating func check(line: Int, _ fields: [String: String]) -> Result<AdRecord, AdLineError> {
        let id = Self.trimmed(fields["id"] ?? "")
        guard !id.isEmpty else { return .failure(AdLineError(line: line, message: "has no id")) }
        guard id.utf8.count <= 200 else { return .failure(AdLineError(line: line, message: "has an id longer than 200 characters")) }
        guard let text = fields["text"], text.utf8.contains(where: { $0 > 32 }) else {
            return .failure(AdLineError(line: line, message: "has no text"))
        }
        guard seenIds.insert(id).inserted else { return .failure(AdLineError(line: line, message: "repeats the id \(id) of an earlier line")) }
        var postedAt: Date? = nil
        if let value = fields["posted_at"].map(Self.trimmed), !value.isEmpty {
            guard let date = Self.date(value) else {
                return .failure(AdLineError(line: line, message: "posted_at is not a date (use 2026-03-01 or 2026-03-01T21:30:00Z)"))
            }
            postedAt = date
        }
        func optional(_ key: String) -> String? {
            guard let value = fields[key].map(Self.trimmed), !value.isEmpty else { return nil }
            return String(value.prefix(500))
        }
        return .success(AdRecord(line: line, id: id, text: text, postedAt: postedAt, site: optional("site"),
                                 location: optional("location"), url: optional("url")))
    }

    /// Spaces and tabs off both ends (Foundation's trimming costs more than the rest of a line).
    static func trimmed(_ value: String) -> String {
        let bytes = value.utf8
        guard let first = bytes.firstIndex(where: { $0 != 32 && $0 != 9 }) else { return "" }
        let last = bytes.lastIndex(where: { $0 != 32 && $0 != 9 })!
        if first == bytes.startIndex, last == bytes.index(before: bytes.endIndex) { return value }
        return String(value[first...last])
    }

    static func date(_ value: String) -> Date? {
        if let date = try? Date(value, strategy: .iso8601) { return date }
        if value.utf8.count == 10, let day = try? Date(value + "T00:00:00Z", strategy: .iso8601) { return day }
        return nil
    }
}

/// RFC 4180 records from bytes fed in chunks (the streaming form of `CSV.parse`).
struct CSVStream {
    private var field: [UInt8] = []
    private var values: [String] = []
    private var quoted = false
    private var afterQuote = false
    private var line = 1
    private var recordLine = 1
    private var skipToLineEnd = false

    mutating func feed(_ bytes: Data) -> [Result<CSVRecord, CSV.SyntaxError>] {
        var results: [Result<CSVRecord, CSV.SyntaxError>] = []
        for byte in bytes {
            if skipToLineEnd {
                // After a syntax error the rest of that line is dropped; the next line starts afresh.
                if byte == 10 { skipToLineEnd = false; line += 1; recordLine = line; reset() }
                continue
            }
            if quoted {
                if byte == 34 { quoted = false; afterQuote = true; continue }
                if byte == 10 { line += 1 }
                field.append(byte)
                continue
            }
            switch byte {
            case 34:
                if afterQuote { field.append(34); quoted = true; afterQuote = false; continue }
                guard field.isEmpty else { fail("a quote inside an unquoted value", &results); continue }
                quoted = true
            case 44:
                values.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); afterQuote = false
            case 13:
                continue
            case 10:
                endRecord(&results); afterQuote = false; line += 1; recordLine = line
            default:
                if afterQuote { fail("text after a closing quote", &results); continue }
                field.append(byte)
            }
        }
        return results
    }

    mutating func finish() -> [Result<CSVRecord, CSV.SyntaxError>] {
        var results: [Result<CSVRecord, CSV.SyntaxError>] = []
        if quoted {
            results.append(.failure(CSV.SyntaxError(line: recordLine, message: "a quoted value is never closed")))
        } else if !field.isEmpty || !values.isEmpty {
            endRecord(&results)
        }
        reset()
        return results
    }

    private mutating func fail(_ message: String, _ results: inout [Result<CSVRecord, CSV.SyntaxError>]) {
        results.append(.failure(CSV.SyntaxError(line: line, message: message)))
        skipToLineEnd = true
    }

    private mutating func endRecord(_ results: inout [Result<CSVRecord, CSV.SyntaxError>]) {
        values.append(String(decoding: field, as: UTF8.self))
        if !(values.count == 1 && values[0].isEmpty) { results.append(.success(CSVRecord(line: recordLine, values: values))) }
        reset()
    }

    private mutating func reset() {
        values.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        quoted = false
        afterQuote = false
    }
}
