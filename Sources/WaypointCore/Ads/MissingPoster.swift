import Foundation

/// A missing-person poster as an analyst imports it: the fields NCMEC's posters and NamUs case pages
/// share (research §6). Never scraped: posters come from a file the analyst supplies.
public struct MissingPoster: Sendable, Equatable, Codable {
    /// The poster's own case number (NCMEC or agency), as printed.
    public var caseNumber: String
    public var name: String
    public var aliases: [String] = []
    /// "F", "M" or "X", as printed.
    public var sex: String?
    public var dateOfBirth: Date?
    public var ageAtMissing: Int?
    public var missingSince: Date
    public var heightCm: Int?
    public var weightKg: Int?
    public var hair: String?
    public var eyes: String?
    /// Scars, marks and tattoos, each as printed ("tattoo 'Angel' on left wrist").
    public var marks: [String] = []
    public var city: String?
    public var state: String?

    /// Age on a given day: from the date of birth, else from the age at missing plus the years since.
    public func age(on day: Date) -> Int? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        if let dateOfBirth { return calendar.dateComponents([.year], from: dateOfBirth, to: day).year }
        guard let ageAtMissing else { return nil }
        let years = calendar.dateComponents([.year], from: missingSince, to: day).year ?? 0
        return ageAtMissing + max(0, years)
    }

    public var givenName: String { name.split(separator: " ").first.map(String.init) ?? name }
}

/// Reads posters from CSV (`case_number,name,aliases,sex,date_of_birth,age_at_missing,missing_since,
/// height_cm,weight_kg,hair,eyes,marks,city,state`; lists separated by `;`) or JSON Lines with the
/// same keys. All or nothing: every bad line is named.
public enum PosterFile {
    public static let columns = ["case_number", "name", "aliases", "sex", "date_of_birth", "age_at_missing", "missing_since",
                                 "height_cm", "weight_kg", "hair", "eyes", "marks", "city", "state"]

    public static func parse(_ data: Data, name: String) -> (posters: [MissingPoster], errors: [AdLineError]) {
        var rows: [(line: Int, fields: [String: String])] = []
        var errors: [AdLineError] = []
        let text = String(decoding: data, as: UTF8.self)
        if AdRecordReader.format(name: name, firstBytes: data.prefix(64)) == .jsonLines {
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    errors.append(AdLineError(line: index + 1, message: "is not a JSON object"))
                    continue
                }
                var fields: [String: String] = [:]
                for (key, value) in object {
                    switch value {
                    case let list as [Any]: fields[key] = list.map { "\($0)" }.joined(separator: ";")
                    case is NSNull: continue
                    default: fields[key] = "\(value)"
                    }
                }
                rows.append((index + 1, fields))
            }
        } else {
            do {
                let records = try CSV.parse(text)
                guard let header = records.first?.values.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
                    return ([], [AdLineError(line: 1, message: "the file is empty")])
                }
                for required in ["case_number", "name", "missing_since"] where !header.contains(required) {
                    errors.append(AdLineError(line: 1, message: "the header does not name \(required)"))
                }
                if !errors.isEmpty { return ([], errors) }
                for record in records.dropFirst() where !(record.values.count == 1 && record.values[0].isEmpty) {
                    rows.append((record.line, Dictionary(zip(header, record.values), uniquingKeysWith: { a, _ in a })))
                }
            } catch let error as CSV.SyntaxError {
                return ([], [AdLineError(line: error.line, message: error.message)])
            } catch {
                return ([], [AdLineError(line: 1, message: "cannot be read")])
            }
        }
        var posters: [MissingPoster] = []
        var seen = Set<String>()
        for row in rows {
            switch poster(row.fields) {
            case .success(let poster):
                if seen.insert(poster.caseNumber).inserted { posters.append(poster) } else {
                    errors.append(AdLineError(line: row.line, message: "repeats the case number \(poster.caseNumber)"))
                }
            case .failure(let message):
                errors.append(AdLineError(line: row.line, message: message.message))
            }
        }
        return (posters, errors)
    }

    struct Problem: Error { let message: String }

    static func poster(_ raw: [String: String]) -> Result<MissingPoster, Problem> {
        let fields = raw.mapValues { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.value.isEmpty }
        guard let caseNumber = fields["case_number"] else { return .failure(Problem(message: "has no case_number")) }
        guard let name = fields["name"] else { return .failure(Problem(message: "has no name")) }
        guard let since = fields["missing_since"] else { return .failure(Problem(message: "has no missing_since")) }
        guard let missingSince = AdRecordReader.date(since) else { return .failure(Problem(message: "missing_since is not a date (use 2025-06-30)")) }
        var poster = MissingPoster(caseNumber: String(caseNumber.prefix(64)), name: String(name.prefix(200)), missingSince: missingSince)
        poster.aliases = list(fields["aliases"])
        poster.marks = list(fields["marks"])
        poster.sex = fields["sex"].map { String($0.prefix(1)).uppercased() }
        if let value = fields["date_of_birth"] {
            guard let date = AdRecordReader.date(value) else { return .failure(Problem(message: "date_of_birth is not a date")) }
            poster.dateOfBirth = date
        }
        for (key, range) in [("age_at_missing", 0...120), ("height_cm", 50...250), ("weight_kg", 10...300)] {
            guard let value = fields[key] else { continue }
            guard let number = Int(value), range.contains(number) else {
                return .failure(Problem(message: "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
            }
            switch key {
            case "age_at_missing": poster.ageAtMissing = number
            case "height_cm": poster.heightCm = number
            default: poster.weightKg = number
            }
        }
        guard poster.dateOfBirth != nil || poster.ageAtMissing != nil else {
            return .failure(Problem(message: "needs date_of_birth or age_at_missing"))
        }
        poster.hair = fields["hair"].map { String($0.prefix(40)) }
        poster.eyes = fields["eyes"].map { String($0.prefix(40)) }
        poster.city = fields["city"].map { String($0.prefix(100)) }
        poster.state = fields["state"].map { String($0.prefix(2)).uppercased() }
        return .success(poster)
    }

    private static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { String($0.prefix(200)) }
    }
}
