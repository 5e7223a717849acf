/// What sort of failure an error is. The core says what went wrong, never how a shell reports it:
/// the web layer maps a kind to an HTTP status, the command line to a message and an exit code.
public enum FailureKind: Sendable, Equatable {
    /// The request was not readable at all (not JSON, a required member absent).
    case malformed
    /// Readable, but a value breaks a rule (an age out of range, an unknown answer).
    case invalid
    case unauthenticated
    /// The signed-in role may not do this.
    case forbidden
    /// Absent, or belonging to another organization — deliberately indistinguishable.
    case notFound
    /// Clashes with what is stored (a username taken, a move the record's state does not allow).
    case conflict
    /// Existed once and is over for good (an ended referral link).
    case gone
    /// Too many attempts; try again later.
    case throttled
    /// Nothing can be saved right now (the audit log failed its check); not the request's fault.
    case unavailable
}

/// A domain error a person can act on. `messageKey` names a string in the locale catalogs; the web
/// layer turns it into a page or an RFC 9457 problem document with the status its `kind` maps to.
public protocol UserFacingError: Error, Sendable {
    var messageKey: String { get }
    var kind: FailureKind { get }
    /// The form field or JSON member that was wrong, when there is one.
    var field: String? { get }
    /// Specifics for the person who sent the request (which answer, how many were expected),
    /// worded by the catalogs so it reads in their language.
    var detail: LocalizedText? { get }
}

extension UserFacingError {
    public var field: String? { nil }
    public var detail: LocalizedText? { nil }
}

public enum AccessError: UserFacingError, Equatable {
    /// The signed-in role may not do this.
    case forbidden
    /// Absent, or belonging to another organization — deliberately indistinguishable.
    case notFound

    public var messageKey: String {
        switch self {
        case .forbidden: "error_forbidden"
        case .notFound: "error_not_found"
        }
    }

    public var kind: FailureKind { self == .forbidden ? .forbidden : .notFound }
}

public enum AccountError: UserFacingError, Equatable {
    case invalidCredentials
    case throttled(retryAfterSeconds: Int)
    case weakPassword(PasswordPolicy.Problem)
    case usernameTaken
    case invalidUsername
    case invalidRole
    case unknownOrganization

    public var messageKey: String {
        switch self {
        case .invalidCredentials: "error_invalid_credentials"
        case .throttled: "error_throttled"
        case .weakPassword(let problem): problem.rawValue
        case .usernameTaken: "error_username_taken"
        case .invalidUsername: "error_invalid_username"
        case .invalidRole: "error_invalid_role"
        case .unknownOrganization: "error_unknown_organization"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .invalidCredentials: .unauthenticated
        case .throttled: .throttled
        case .usernameTaken: .conflict
        case .unknownOrganization: .notFound
        case .weakPassword, .invalidUsername, .invalidRole: .invalid
        }
    }

    public var field: String? {
        switch self {
        case .weakPassword: "password"
        case .usernameTaken, .invalidUsername: "username"
        case .invalidRole: "role"
        default: nil
        }
    }
}
