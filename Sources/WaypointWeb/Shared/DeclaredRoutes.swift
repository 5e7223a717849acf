import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import WaypointCore

/// Who may call a route. Declared where the route is registered, checked by `RouteGate` before the
/// handler runs, and read by the authorization matrix: one statement of the rule.
public enum RouteAccess: Sendable, Equatable {
    /// No account: sign-in itself, the public directory, a receiver's signed link, a certificate's check.
    case open
    /// Any member of staff; what the route shows is their own (their account, their training) or public.
    case signedIn
    /// Holders of the permission (`Policy`); what reaches one record or client is checked again by the store.
    case permission(Permission)
    /// Not staff: the operator's scraper (loopback or its token, checked by the route itself).
    case operatorOnly
}

/// What a route's `{id}` names, so the authorization matrix knows who should reach it.
public enum RecordScope: Sendable, Equatable {
    /// No record in the path.
    case none
    /// A record of the caller's organization: every holder of the permission there reaches it (a
    /// client on their caseload, a fund, a course); another organization's is not found.
    case organization
    /// One person's record (the referral they sent, the enrollment they took): only they reach it;
    /// `owner` is the role of the person the matrix's record belongs to.
    case person(owner: Role)
}

/// A path that sends data about a client outside the case team. Each goes through the consent
/// release and is listed so the outbound tests can walk them.
public enum OutboundPath: String, Sendable, CaseIterable {
    /// The receiving service's page behind its signed link, and the link that opens it.
    case receiverLink
    /// A referral as FHIR ServiceRequest and Task.
    case referralExport
    /// A client's case as a FHIR Bundle under a consent.
    case clientExport
    /// A screening or a line contact handed over to a case team.
    case handover
    /// A family of ads as a lead package for investigators outside the organization.
    case leadPackage
    /// A fund's ledger for its funder.
    case funderExport
}

/// One route as its feature declares it.
public struct RouteRule: Sendable, Equatable {
    public let method: HTTPRequest.Method
    /// As the router names it: `/api/v1/clients/{id}`.
    public let path: String
    public let access: RouteAccess
    public let scope: RecordScope
    public let outbound: OutboundPath?
    /// The feature that declares it.
    public let module: String
    /// Which gate checks it: API routes after the bearer token is read, the others after the session.
    let gate: RouteGate.Kind

    public var key: String { "\(method.rawValue) \(path)" }
}

/// Every route the application serves, as declared. Filled while routes are registered, read-only after.
public final class RouteTable: Sendable {
    private let rules = NIOLockedValueBox<[String: RouteRule]>([:])

    func declare(_ rule: RouteRule) {
        rules.withLockedValue { rules in
            precondition(rules[rule.key] == nil, "route declared twice: \(rule.key)")
            rules[rule.key] = rule
        }
    }

    public func rule(_ method: HTTPRequest.Method, _ path: String) -> RouteRule? {
        rules.withLockedValue { $0["\(method.rawValue) \(path)"] }
    }

    public var all: [RouteRule] { rules.withLockedValue { Array($0.values) }.sorted { $0.key < $1.key } }
}

/// A router (or group) that takes a declaration with every route: the only way features add routes.
struct DeclaredRoutes<Base: RouterMethods<WaypointRequestContext>> {
    let base: Base
    let prefix: String
    let gate: RouteGate.Kind
    let table: RouteTable
    let module: String

    /// The same router for another feature's routes.
    func module(_ name: String) -> DeclaredRoutes { DeclaredRoutes(base: base, prefix: prefix, gate: gate, table: table, module: name) }

    @discardableResult
    func on(_ path: String, method: HTTPRequest.Method, _ access: RouteAccess, scope: RecordScope = .none, outbound: OutboundPath? = nil,
            use handler: @Sendable @escaping (Request, WaypointRequestContext) async throws -> some ResponseGenerator) -> Self {
        let full = RouterPath(prefix + path).description
        table.declare(RouteRule(method: method, path: full, access: access, scope: scope, outbound: outbound, module: module, gate: gate))
        base.on(RouterPath(path), method: method, use: handler)
        return self
    }

    @discardableResult
    func get(_ path: String = "", _ access: RouteAccess, scope: RecordScope = .none, outbound: OutboundPath? = nil,
             use handler: @Sendable @escaping (Request, WaypointRequestContext) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .get, access, scope: scope, outbound: outbound, use: handler)
    }

    @discardableResult
    func post(_ path: String, _ access: RouteAccess, scope: RecordScope = .none, outbound: OutboundPath? = nil,
              use handler: @Sendable @escaping (Request, WaypointRequestContext) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .post, access, scope: scope, outbound: outbound, use: handler)
    }

    @discardableResult
    func put(_ path: String, _ access: RouteAccess, scope: RecordScope = .none, outbound: OutboundPath? = nil,
             use handler: @Sendable @escaping (Request, WaypointRequestContext) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .put, access, scope: scope, outbound: outbound, use: handler)
    }

    @discardableResult
    func delete(_ path: String, _ access: RouteAccess, scope: RecordScope = .none, outbound: OutboundPath? = nil,
                use handler: @Sendable @escaping (Request, WaypointRequestContext) async throws -> some ResponseGenerator) -> Self {
        on(path, method: .delete, access, scope: scope, outbound: outbound, use: handler)
    }
}

/// Checks each request against its route's declaration before the handler runs. A route nobody
/// declared is refused: access is decided for every endpoint or it does not open.
struct RouteGate: RouterMiddleware {
    typealias Context = WaypointRequestContext
    enum Kind: Sendable { case pages, api }

    let table: RouteTable
    let kind: Kind

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Unmatched requests go on to the 404 and 405 answers.
        guard let path = context.endpointPath, path != "NotFound" else { return try await next(request, context) }
        guard let rule = table.rule(request.method, path) else { throw AccessError.forbidden }
        // API routes pass the pages' gate (no bearer token is read yet) and are checked by the API's.
        guard rule.gate == kind else { return try await next(request, context) }
        switch rule.access {
        case .open, .operatorOnly: break
        case .signedIn: _ = try context.tenant()
        case .permission(let permission): _ = try context.tenant(for: permission)
        }
        return try await next(request, context)
    }
}
