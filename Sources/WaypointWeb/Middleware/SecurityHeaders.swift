import HTTPTypes
import Hummingbird

/// Headers every response carries. The policy allows only our own scripts, styles and images, and
/// no framing; responses are never cached, so a shared computer's back button or disk cache shows
/// nothing after sign-out or quick exit. Static assets hold no data and may be cached.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Served behind TLS: browsers are told to use nothing else for two years.
    var strictTransportSecurity = false

    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let headers: [(HTTPField.Name, String)] = [
            (.contentSecurityPolicy, Self.contentSecurityPolicy),
            (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
            (.xContentTypeOptions, "nosniff"),
            (HTTPField.Name("X-Frame-Options")!, "DENY"),
            (HTTPField.Name("Permissions-Policy")!, "camera=(), microphone=(), geolocation=()"),
            (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
        ]
        for (name, value) in headers { response.headers[name] = value }
        if strictTransportSecurity {
            response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=63072000; includeSubDomains"
        }
        if !request.uri.path.hasPrefix("/static/") {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
