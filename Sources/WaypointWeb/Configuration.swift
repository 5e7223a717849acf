import Foundation
import WaypointCore

/// Settings of the web application that are not about storage.
public struct WebConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Where quick exit sends the browser: an ordinary, everyday site.
    public var quickExitURL: String = "https://www.weather.gov/"
    /// Mark cookies Secure. On when the app sits behind TLS (set `WAYPOINT_SECURE_COOKIES=1`).
    public var secureCookies = false
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or IPv4 networks, comma-separated
    /// in `WAYPOINT_TRUSTED_PROXIES`). Empty: the peer address is the client's.
    public var trustedProxies: [String] = []
    /// Requests per minute one address may make to the public HSDS API (`WAYPOINT_PUBLIC_RATE_LIMIT`).
    public var publicRequestsPerMinute = 600
    /// Lets a scraper on another machine read `/metrics` (`WAYPOINT_METRICS_TOKEN`); loopback needs none.
    public var metricsToken: String?
    /// The address the server is reached at from outside (`WAYPOINT_PUBLIC_URL`, e.g. https://waypoint.example.org):
    /// certificates' verify links and Open Badges issuer ids are built on it. Default: the local address.
    public var publicURL: String?
    public var effectivePublicURL: String { publicURL ?? "http://\(host):\(port)" }
    /// How often xAPI statements due for forwarding are sent to each organization's LRS
    /// (`WAYPOINT_XAPI_INTERVAL_SECONDS`), and the first wait after a failed try, doubled each time
    /// up to an hour (`WAYPOINT_XAPI_RETRY_SECONDS`).
    public var xapiInterval: Duration = .seconds(10)
    public var xapiRetrySeconds: Int64 = 30
    /// Lets an organization's learning record store be plain http on this machine's loopback
    /// (`WAYPOINT_LRS_ALLOW_LOOPBACK=1`): for tests only; otherwise it must be https to a public host.
    public var lrsAllowLoopback = false
    /// The smallest count a report shows (`WAYPOINT_REPORT_THRESHOLD`): 11 unless raised; a lower
    /// value is ignored.
    public var reportPolicy = SuppressionPolicy()

    public init() {}

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> WebConfiguration {
        var configuration = WebConfiguration()
        if let url = environment["WAYPOINT_QUICK_EXIT_URL"], url.hasPrefix("http") { configuration.quickExitURL = url }
        configuration.secureCookies = ["1", "true", "yes"].contains(environment["WAYPOINT_SECURE_COOKIES"]?.lowercased() ?? "")
        configuration.trustedProxies = (environment["WAYPOINT_TRUSTED_PROXIES"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        configuration.metricsToken = environment["WAYPOINT_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let url = environment["WAYPOINT_PUBLIC_URL"], url.hasPrefix("http") {
            configuration.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let seconds = environment["WAYPOINT_XAPI_INTERVAL_SECONDS"].flatMap(Double.init), seconds > 0 {
            configuration.xapiInterval = .milliseconds(Int64(seconds * 1000))
        }
        if let threshold = environment["WAYPOINT_REPORT_THRESHOLD"].flatMap(Int.init) { configuration.reportPolicy = SuppressionPolicy(threshold: threshold) }
        if let seconds = environment["WAYPOINT_XAPI_RETRY_SECONDS"].flatMap(Int64.init), seconds > 0 { configuration.xapiRetrySeconds = seconds }
        configuration.lrsAllowLoopback = environment["WAYPOINT_LRS_ALLOW_LOOPBACK"] == "1"
        if let limit = environment["WAYPOINT_PUBLIC_RATE_LIMIT"].flatMap(Int.init), limit > 0 {
            configuration.publicRequestsPerMinute = limit
        }
        return configuration
    }
}
