import Hummingbird
import WaypointCore
import WaypointStore

/// Our cookies' names and attributes. Behind TLS (`WAYPOINT_SECURE_COOKIES=1`) they are Secure and
/// carry the `__Host-` prefix, which browsers accept only from a secure origin, for the whole host and
/// no subdomain — so neither a plain-HTTP page nor a sibling subdomain can plant a session cookie.
struct CookiePolicy: Sendable {
    var secure: Bool

    private var prefix: String { secure ? "__Host-" : "" }
    var session: String { prefix + "wp_session" }
    var signInCSRF: String { prefix + "wp_csrf" }
    var language: String { prefix + "wp_lang" }

    /// Unreadable by scripts, never sent from another site. No Expires unless given: the cookie dies
    /// with the browser, and the server enforces the idle timeout.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}

/// Resolves the session cookie and picks the language for the page.
struct SessionLoadingMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext
    let auth: Authenticator
    let cookies: CookiePolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.cookies = cookies
        context.language = Self.language(for: request, cookies: cookies)
        var endedSession = false
        if let token = request.cookies[cookies.session]?.value, !token.isEmpty {
            context.session = try await auth.session(token: token, requestId: context.requestId)
            context.sessionToken = context.session == nil ? nil : token
            endedSession = context.session == nil
        }
        var response = try await next(request, context)
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            response.setCookie(cookies.cookie(cookies.language, chosen.rawValue, maxAge: 365 * 86400))
        }
        if endedSession {
            response.setCookie(cookies.cookie(cookies.session, "", maxAge: 0))
        }
        return response
    }

    /// `?lang=` (a switch the person just made), then their earlier choice, then the browser's.
    static func language(for request: Request, cookies: CookiePolicy) -> Language {
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) { return chosen }
        if let saved = request.cookies[cookies.language].flatMap({ Language(rawValue: $0.value) }) { return saved }
        return Language.negotiate(acceptLanguage: request.headers[.acceptLanguage])
    }
}

/// `/api/v1` callers present `Authorization: Bearer <token>`; routes that need no token are listed.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext
    let auth: Authenticator
    static let openPaths: Set<String> = ["/api/v1/auth/token", "/api/v1/openapi.json"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.openPaths.contains(request.uri.path) || request.method == .delete else { return try await next(request, context) }
        var context = context
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { throw SignInRequired() }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let caller = try await auth.tokenContext(token: token, requestId: context.requestId) else { throw SignInRequired() }
        context.apiCaller = caller
        context.apiToken = token
        return try await next(request, context)
    }
}
