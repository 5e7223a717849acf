import Foundation

/// Values staff pick, not type: an organization keeps its own lists (its programs, its funding
/// sources), so a report's rows are labels an administrator chose, never a name someone typed
/// into a case. An entry is its own text; renaming one is retiring it and adding another.
public enum OrganizationList: String, CaseIterable, Codable, Sendable {
    case program
    case fundingSource = "funding_source"

    /// What a new organization starts with (an administrator adds and retires from there).
    public var defaults: [String] {
        switch self {
        case .program: ["Outreach", "Emergency response", "Long-term support"]
        case .fundingSource: ["VOCA", "HHS", "State", "Private"]
        }
    }
}

public enum OrganizationListRules {
    public static let longestEntry = 60

    /// A new entry: trimmed, one line, 1 to 60 characters, not already on the list.
    public static func checkedEntry(_ entry: String, existing: [String]) throws -> String {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...longestEntry).contains(trimmed.count), !trimmed.contains(where: \.isNewline) else {
            throw CaseError.invalid(field: "entry", reason: LocalizedText("error_detail_too_long", ["max": String(longestEntry)]))
        }
        guard !existing.contains(where: { $0.caseInsensitiveCompare(trimmed) == .orderedSame }) else {
            throw CaseError.invalid(field: "entry", reason: LocalizedText("error_detail_list_duplicate"))
        }
        return trimmed
    }

    /// A value a case records: empty (not recorded) or an active entry of the list, exactly.
    public static func check(_ value: String, in entries: [String], field: String) throws {
        guard value.isEmpty || entries.contains(value) else {
            throw CaseError.invalid(field: field, reason: LocalizedText("error_detail_list_unknown"))
        }
    }
}
