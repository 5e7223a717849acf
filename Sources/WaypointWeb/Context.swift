import Hummingbird
import WaypointCore
import WaypointStore

/// What one request carries between middleware and handlers.
public struct WaypointRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The browser session, when the request carried a live session cookie.
    public var session: SessionInfo?
    /// The raw session cookie, kept so sign-out can end exactly this session.
    public var sessionToken: String?
    /// Set by bearer-token authentication on `/api/v1`.
    public var apiCaller: TenantContext?
    /// The bearer token itself, so `DELETE /api/v1/auth/token` can revoke exactly it.
    var apiToken: String?
    public var language: Language = .en
    /// Set by the session middleware from the configuration.
    var cookies = CookiePolicy(secure: false)

    /// The peer's IP address: the client itself, or the operator's reverse proxy.
    public let peerAddress: String

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The client's address for sign-in throttling: `X-Forwarded-For` counts only when the peer is
    /// one of `trustedProxies` (`WAYPOINT_TRUSTED_PROXIES`).
    public func clientAddress(_ request: Request, trustedProxies: [String]) -> String {
        ClientAddress.resolve(peer: peerAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!].joined(separator: ","),
                              trustedProxies: trustedProxies)
    }

    /// Forms and JSON documents are small; anything larger is refused before it is read.
    public var maxUploadSize: Int { 256 * 1024 }

    /// The request id as it appears in the audit log and in error pages.
    public var requestId: String { id }

    /// The signed-in person's tenant context with this request's id, or a sign-in-required error.
    public func tenant() throws -> TenantContext {
        if let caller = apiCaller { return caller }
        guard let session else { throw SignInRequired() }
        let context = session.context
        return TenantContext(orgId: context.orgId, userId: context.userId, role: context.role, requestId: requestId)
    }

    /// The tenant context when the signed-in person holds `permission` (`Policy`, the one table of
    /// who may do what); forbidden otherwise. Only `RouteGate` asks it, from the route's declaration:
    /// handlers take `tenant()`, and what reaches one client is checked again by the store.
    public func tenant(for permission: Permission) throws -> TenantContext {
        let tenant = try tenant()
        guard Policy.allows(tenant, permission) else { throw AccessError.forbidden }
        return tenant
    }
}

struct SignInRequired: UserFacingError {
    var messageKey: String { "error_signin_required" }
    var kind: FailureKind { .unauthenticated }
}

struct CSRFRejected: UserFacingError {
    var messageKey: String { "error_csrf" }
    var kind: FailureKind { .forbidden }
}

struct MalformedInput: UserFacingError {
    var detail: LocalizedText?
    var field: String?
    var messageKey: String { "error_malformed" }
    var kind: FailureKind { .malformed }
}
