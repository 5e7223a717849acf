import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import WaypointCore
import WaypointStore

/// Counters and timings in Prometheus's text format. Labels are route patterns, methods, statuses
/// and outcomes — never a path, an id or anything a person typed.
enum Telemetry {
    static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = NIOLockedValueBox(false)

    /// swift-metrics has one backend per process; the first application to start installs ours.
    static func bootstrap() {
        let first = bootstrapped.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        if first {
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            StoreMetrics.reset()
        }
    }
}

/// `GET /metrics`, for a scraper on the same machine, or anywhere with `WAYPOINT_METRICS_TOKEN`.
struct MetricsEndpoint {
    let token: String?
    let trustedProxies: [String]

    func register(on router: PageRoutes) {
        router.get("/metrics", .operatorOnly) { request, context -> Response in
            guard allowed(request, context: context) else { throw AccessError.forbidden }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Telemetry.registry.emitToBuffer())))
        }
    }

    /// Loopback peers that came directly (not through a proxy, which would make every client
    /// local), or a bearer token equal to the configured one.
    func allowed(_ request: Request, context: WaypointRequestContext) -> Bool {
        if let token, !token.isEmpty, let header = request.headers[.authorization], header.hasPrefix("Bearer "),
           Tokens.constantTimeEqual(String(header.dropFirst(7)), token) {
            return true
        }
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] != nil
        return ["127.0.0.1", "::1"].contains(context.peerAddress) && !forwarded && !ClientAddress.isTrusted(context.peerAddress, trustedProxies)
    }
}
