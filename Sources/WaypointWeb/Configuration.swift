import Foundation

/// Settings of the web application that are not about storage.
public struct WebConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Where quick exit sends the browser: an ordinary, everyday site.
    public var quickExitURL: String = "https://www.weather.gov/"
    /// Mark cookies Secure. On when the app sits behind TLS (set `WAYPOINT_SECURE_COOKIES=1`).
    public var secureCookies = false

    public init() {}

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> WebConfiguration {
        var configuration = WebConfiguration()
        if let url = environment["WAYPOINT_QUICK_EXIT_URL"], url.hasPrefix("http") { configuration.quickExitURL = url }
        configuration.secureCookies = ["1", "true", "yes"].contains(environment["WAYPOINT_SECURE_COOKIES"]?.lowercased() ?? "")
        return configuration
    }
}
