import Hummingbird
import WaypointCore
import WaypointStore

enum CookieNames {
    static let session = "wp_session"
    static let signInCSRF = "wp_csrf"
    static let language = "wp_lang"
}

/// Resolves the session cookie and picks the language for the page.
struct SessionLoadingMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext
    let auth: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.language = Self.language(for: request)
        var endedSession = false
        if let token = request.cookies[CookieNames.session]?.value, !token.isEmpty {
            context.session = try await auth.session(token: token, requestId: context.requestId)
            context.sessionToken = context.session == nil ? nil : token
            endedSession = context.session == nil
        }
        var response = try await next(request, context)
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            response.setCookie(Cookie(name: CookieNames.language, value: chosen.rawValue, maxAge: 365 * 86400,
                                      path: "/", httpOnly: true, sameSite: .strict))
        }
        if endedSession {
            response.setCookie(Cookie(name: CookieNames.session, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// `?lang=` (a switch the person just made), then their earlier choice, then the browser's.
    static func language(for request: Request) -> Language {
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) { return chosen }
        if let saved = request.cookies[CookieNames.language].flatMap({ Language(rawValue: $0.value) }) { return saved }
        return Language.negotiate(acceptLanguage: request.headers[.acceptLanguage])
    }
}

/// `/api/v1` callers present `Authorization: Bearer <token>`; routes that need no token are listed.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext
    let auth: Authenticator
    static let openPaths: Set<String> = ["/api/v1/auth/token", "/api/v1/openapi.json"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.openPaths.contains(request.uri.path) else { return try await next(request, context) }
        var context = context
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
              let caller = try await auth.tokenContext(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces),
                                                      requestId: context.requestId)
        else { throw SignInRequired() }
        context.apiCaller = caller
        return try await next(request, context)
    }
}
