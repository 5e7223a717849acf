import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import Testing
import WaypointCore
import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

/// Every log line the application wrote during a test, to prove what never reaches the logs.
final class CapturedLogs: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }

    func logger() -> Logger {
        Logger(label: "waypoint-test") { _ in CapturingHandler(sink: self) }
    }

    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }

    struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            sink.append("\(level) \(message) \(self.metadata.merging(extra ?? [:]) { $1 })")
        }
    }
}

/// A browser-like client: keeps cookies between requests and reads the CSRF token from pages.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    mutating func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(uri, method: .get, headers: headers)
    }

    mutating func post(_ uri: String, form: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    mutating func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
        var headers = headers
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    /// Signs in through the real form, as a person would.
    mutating func signIn(_ username: String, password: String = WebHarness.password) async throws -> TestResponse {
        let page = try await get("/signin")
        return try await post("/signin", form: ["_csrf": Self.csrf(in: page), "username": username, "password": password])
    }

    static func csrf(in response: TestResponse) -> String {
        let html = String(buffer: response.body)
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

enum WebHarness {
    /// A consent's last day well inside the year every consent may cover at most (YYYY-MM-DD, UTC).
    static var consentExpiry: String { Date().addingTimeInterval(180 * 86_400).calendarDay(in: TimeZone(identifier: "UTC")!) }

    static let password = "demo passphrase for tests"

    /// The real application over a fresh database, with the demo organization in it. Returns false
    /// when the backend is not available here (the test was skipped).
    @discardableResult
    static func withApp(
        _ backend: Backend, logs: CapturedLogs = CapturedLogs(), policy: SessionPolicy = SessionPolicy(),
        configure: (inout WebConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol, Store) async throws -> Void
    ) async throws -> Bool {
        guard let test = try await TestStore.open(backend, policy: policy) else { return false }
        defer { try? FileManager.default.removeItem(at: test.folder) }
        var configuration = WebConfiguration()
        configuration.quickExitURL = "https://neutral.example/"
        configure(&configuration)
        let store = test.store
        let app = try await buildApplication(store: store, configuration: configuration, logger: logs.logger()) {
            _ = try await DemoSetup.ensure(in: store, password: password)
        }
        try await app.test(.router) { client in try await body(client, store) }
        return true
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
    }
}
