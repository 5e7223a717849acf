/// A domain error a person can act on. `messageKey` names a string in the locale catalogs; the web
/// layer turns it into a page or an RFC 9457 problem document with `status` and `field`.
public protocol UserFacingError: Error, Sendable {
    var messageKey: String { get }
    var status: Int { get }
    /// The form field or JSON member that was wrong, when there is one.
    var field: String? { get }
    /// Specifics for the person who sent the request (which answer, how many were expected).
    var detail: String? { get }
}

extension UserFacingError {
    public var field: String? { nil }
    public var detail: String? { nil }
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

    public var status: Int { self == .forbidden ? 403 : 404 }
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

    public var status: Int {
        switch self {
        case .invalidCredentials: 401
        case .throttled: 429
        case .usernameTaken: 409
        case .unknownOrganization: 404
        case .weakPassword, .invalidUsername, .invalidRole: 422
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
