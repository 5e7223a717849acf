/// Directory requests a person can correct.
public enum DirectoryError: UserFacingError, Equatable {
    /// A file or folder given to import cannot be read.
    case unreadable(String)
    /// A search parameter is out of range or unknown (radius, ZIP code, facet value, page).
    case badQuery(field: String, reason: LocalizedText)
    /// An editor's entry is incomplete or contradictory.
    case invalidEntry(field: String, reason: LocalizedText)

    public var messageKey: String {
        switch self {
        case .unreadable: "error_malformed"
        case .badQuery: "error_directory_query"
        case .invalidEntry: "error_directory_entry"
        }
    }

    public var kind: FailureKind { .invalid }

    public var field: String? {
        switch self {
        case .unreadable: nil
        case .badQuery(let field, _), .invalidEntry(let field, _): field
        }
    }

    public var detail: LocalizedText? {
        switch self {
        // Names a file or folder on the operator's machine: shown as the operating system gave it.
        case .unreadable(let reason): LocalizedText("error_detail_as_given", ["text": reason])
        case .badQuery(_, let reason), .invalidEntry(_, let reason): reason
        }
    }
}
