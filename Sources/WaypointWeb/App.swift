import Foundation
import Hummingbird
import Logging
import WaypointCore
import WaypointStore

/// Builds the application the binary runs and the tests drive: one function, so both see the same
/// routes, middleware and services.
///
/// The schema is brought up to date once the database services run and before the server accepts a
/// request; `prepare` runs after that (the demo set-up uses it).
public func buildApplication(
    store: Store, configuration: WebConfiguration, logger: Logger,
    prepare: @escaping @Sendable () async throws -> Void = {}
) async throws -> some ApplicationProtocol {
    // A damaged installation stops here, naming the file, not in the middle of a request.
    try BundledResources.checkAll()
    let router = try await buildRouter(store: store, configuration: configuration)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Waypoint"),
        services: store.services + [XAPIForwarder(store: store, publicURL: configuration.effectivePublicURL, interval: configuration.xapiInterval,
                                                  retrySeconds: configuration.xapiRetrySeconds, allowLoopback: configuration.lrsAllowLoopback,
                                                  logger: logger)],
        logger: logger)
    app.beforeServerStarts {
        try await store.database.migrate()
        try await store.directory.prepare()
        try await store.screenings.upgradeIdempotencyDigests()
        try await store.screenings.backfillReportingColumns()
        try await prepare()
    }
    return app
}

func buildRouter(store: Store, configuration: WebConfiguration) async throws -> Router<WaypointRequestContext> {
    try await buildRoutes(store: store, configuration: configuration).router
}

/// The router with every feature's routes, and the table of their declarations the gates check.
func buildRoutes(store: Store, configuration: WebConfiguration) async throws -> (router: Router<WaypointRequestContext>, table: RouteTable) {
    let renderer = try await PageRenderer.load(quickExitURL: configuration.quickExitURL)
    let router = Router(context: WaypointRequestContext.self)
    // Outermost first: headers go on every response, error pages included.
    let cookies = CookiePolicy(secure: configuration.secureCookies)
    Telemetry.bootstrap()
    router.add(middleware: ContentSecurityMiddleware(contentSecurityPolicy: contentSecurityPolicy))
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: configuration.secureCookies))
    router.add(middleware: RequestLogMiddleware())
    // Outside error handling, so it counts the status the client got.
    router.add(middleware: MetricsMiddleware())
    let routes = RouteMethods()
    router.add(middleware: ErrorHandlingMiddleware(renderer: renderer, cookies: cookies, routes: routes))
    router.add(middleware: SessionLoadingMiddleware(auth: store.auth, cookies: cookies))
    // Each route's declared access, checked before its handler: pages once the session is read,
    // the API once its bearer token is.
    let table = RouteTable()
    router.add(middleware: RouteGate(table: table, kind: .pages))
    let api = router.group("/api/v1").add(middleware: BearerAuthMiddleware(auth: store.auth)).add(middleware: RouteGate(table: table, kind: .api))
    let hsds = router.group("/hsds").add(middleware: PublicRateLimitMiddleware(
        limit: PublicRateLimit(perMinute: configuration.publicRequestsPerMinute), trustedProxies: configuration.trustedProxies))
    for feature in FeatureModule.all {
        feature.register(ModuleContext(
            store: store, renderer: renderer, configuration: configuration,
            pages: PageRoutes(base: router, prefix: "", gate: .pages, table: table, module: feature.name),
            api: APIRoutes(base: api, prefix: "/api/v1", gate: .api, table: table, module: feature.name),
            hsds: APIRoutes(base: hsds, prefix: "/hsds", gate: .pages, table: table, module: feature.name)))
    }
    routes.fill(router.routes.map { ("\($0.path)", $0.method.rawValue) })
    return (router, table)
}

/// One line per request: method, route pattern, status and duration. The route pattern rather than
/// the path, and never the query string or body, so no identifier or value reaches the logs.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        context.logger.info("request", metadata: [
            "method": "\(request.method)", "route": "\(context.endpointPath ?? "unmatched")",
            "status": "\(response.status.code)", "ms": "\(Int(((ContinuousClock.now - start).inSeconds * 1000).rounded()))",
        ])
        return response
    }
}
