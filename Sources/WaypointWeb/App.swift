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

    let api = router.group("/api/v1").add(middleware: BearerAuthMiddleware(auth: store.auth))
    StaticAssets.register(on: router, api: api)
    MetricsEndpoint(token: configuration.metricsToken, trustedProxies: configuration.trustedProxies).register(on: router)
    SignInPages(store: store, renderer: renderer, cookies: cookies, trustedProxies: configuration.trustedProxies).register(on: router)
    StaffPages(store: store, renderer: renderer).register(on: router)
    ScreeningPages(store: store, renderer: renderer).register(on: router)
    RoutePages(store: store, renderer: renderer).register(on: router)
    DirectoryPages(store: store, renderer: renderer).register(on: router)
    ReferralPages(store: store, renderer: renderer).register(on: router)
    CasePages(store: store, renderer: renderer).register(on: router)
    CrisisPages(store: store, renderer: renderer).register(on: router)
    FundPages(store: store, renderer: renderer).register(on: router)
    ReportPages(store: store, renderer: renderer, policy: configuration.reportPolicy).register(on: router)
    AdPages(store: store, renderer: renderer).register(on: router)
    HousingPages(store: store, renderer: renderer).register(on: router)
    PartnerPages(store: store, renderer: renderer).register(on: router)
    TrainingPages(store: store, renderer: renderer, publicURL: configuration.effectivePublicURL).register(on: router)
    CertificatePages(store: store, renderer: renderer, publicURL: configuration.effectivePublicURL).register(on: router)
    AccountsAPI(store: store, trustedProxies: configuration.trustedProxies).register(on: router, api: api)
    ScreeningsAPI(store: store).register(on: api)
    ResponseAPI(store: store).register(on: api)
    let hsds = router.group("/hsds").add(middleware: PublicRateLimitMiddleware(
        limit: PublicRateLimit(perMinute: configuration.publicRequestsPerMinute), trustedProxies: configuration.trustedProxies))
    DirectoryAPI(store: store).register(hsds: hsds, api: api)
    ReferralsAPI(store: store).register(on: api)
    ClientsAPI(store: store).register(on: api)
    CaseAPI(store: store).register(on: api)
    CrisisAPI(store: store).register(on: api)
    EligibilityAPI(store: store).register(on: api)
    FundsAPI(store: store).register(on: api)
    ReportsAPI(store: store, policy: configuration.reportPolicy).register(on: api)
    HousingAPI(store: store).register(on: api)
    PartnersAPI(store: store).register(on: api)
    TrainingAPI(store: store, publicURL: configuration.effectivePublicURL, lrsAllowLoopback: configuration.lrsAllowLoopback).register(on: api)
    routes.fill(router.routes.map { ("\($0.path)", $0.method.rawValue) })
    return router
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
