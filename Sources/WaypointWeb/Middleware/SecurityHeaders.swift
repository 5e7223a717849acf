import HTTPTypes
import Hummingbird

/// Only our own scripts, styles and images; no plugins, no `<base>`, forms post only to us, and no
/// page may frame ours. Set on every response by Hummingbird's `ContentSecurityMiddleware`
/// (with `X-Content-Type-Options: nosniff`).
let contentSecurityPolicy: ContentSecurityPolicy = [
    .defaultSrc(.self), .scriptSrc(.self), .styleSrc(.self), .imgSrc(.self), .objectSrc(.none),
    .baseURI(.none), .formAction(.self), .frameAncestors(.none),
]

/// The other headers every response carries: no referrer, no framing (for browsers that ignore
/// `frame-ancestors`), no device features. Responses are never cached, so a shared computer's back
/// button or disk cache shows nothing after sign-out or quick exit. Static assets hold no data and
/// may be cached.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Served behind TLS: browsers are told to use nothing else for two years.
    var strictTransportSecurity = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let headers: [(HTTPField.Name, String)] = [
            (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
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
