/// Directory requests a person can correct.
public enum DirectoryError: UserFacingError, Equatable {
    /// A file or folder given to import cannot be read.
    case unreadable(String)
    /// A search parameter is out of range or unknown (radius, ZIP code, facet value, page).
    case badQuery(field: String, reason: String)
    /// An editor's entry is incomplete or contradictory.
    case invalidEntry(field: String, reason: String)

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

    public var detail: String? {
        switch self {
        case .unreadable(let reason): reason
        case .badQuery(_, let reason), .invalidEntry(_, let reason): reason
        }
    }
}
