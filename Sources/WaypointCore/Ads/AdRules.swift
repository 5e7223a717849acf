import Foundation

/// Who may use the ads workbench, and what an investigator's decisions must carry.
public enum AdRules {

    /// The largest ads file a page upload takes; bigger files go through `waypoint ads import`.
    public static let maximumUploadBytes = 64 * 1024 * 1024

    public static let maximumNoteLength = 4000

    /// A decision on a poster match: accepted or rejected, always with the investigator's reason,
    /// since the match is a lead and the decision is what someone will rely on.
    public static func decision(accept: Bool?, reason: String) throws -> (status: MatchStatus, reason: String) {
        guard let accept else { throw AdError.decisionMissing }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw AdError.reasonRequired }
        guard trimmed.count <= maximumNoteLength else { throw AdError.tooLong }
        return (accept ? .accepted : .rejected, trimmed)
    }

    public static func note(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw AdError.noteEmpty }
        guard trimmed.count <= maximumNoteLength else { throw AdError.tooLong }
        return trimmed
    }
}

public enum MatchStatus: String, Sendable, Codable, CaseIterable {
    case pending, accepted, rejected
}

public enum AdError: UserFacingError, Equatable {
    /// A file with bad lines, refused whole (the lines are listed with the import).
    case badLines(Int)
    case emptyFile
    case fileTooLarge
    case decisionMissing
    case reasonRequired
    case noteEmpty
    case tooLong
    case retentionOutOfRange

    public var messageKey: String {
        switch self {
        case .badLines: "error_ads_bad_lines"
        case .emptyFile: "error_ads_empty_file"
        case .fileTooLarge: "error_ads_file_too_large"
        case .decisionMissing: "error_ads_decision_missing"
        case .reasonRequired: "error_ads_reason_required"
        case .noteEmpty: "error_ads_note_empty"
        case .tooLong: "error_ads_too_long"
        case .retentionOutOfRange: "error_ads_retention"
        }
    }

    public var kind: FailureKind { .invalid }

    public var field: String? {
        switch self {
        case .badLines, .emptyFile, .fileTooLarge: "file"
        case .decisionMissing: "decision"
        case .reasonRequired: "reason"
        case .noteEmpty, .tooLong: "note"
        case .retentionOutOfRange: "days"
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .badLines(let count): LocalizedText("error_detail_ads_bad_lines", ["count": String(count)])
        default: nil
        }
    }
}
