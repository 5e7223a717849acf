import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import WaypointCore
import WaypointStore

/// Sends xAPI statements to each organization's learning record store: a batch per organization
/// every interval, as the LRS statement API takes them (POST …/statements, a JSON array, Basic
/// credentials, X-Experience-API-Version 1.0.3). A refused or unreachable try leaves the batch for
/// a later one, with back-off; statements keep their ids, so a repeat is harmless to the LRS.
struct XAPIForwarder: Service {
    let store: Store
    let publicURL: String
    let interval: Duration
    let retrySeconds: Int64
    let allowLoopback: Bool
    let logger: Logger

    /// Its own client: redirects are never followed (a redirect could point anywhere, the check
    /// below saw only the endpoint's host).
    static let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                   configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await forwardDue()
            }
        }
    }

    /// One pass: every batch due now. Errors are logged without the statements or credentials.
    func forwardDue() async {
        let batches: [Statements.Batch]
        do { batches = try await store.statements.claim(limit: 200) } catch {
            logger.warning("xAPI forwarding could not read the statements due", metadata: ["error": "\(type(of: error))"])
            return
        }
        for batch in batches {
            do {
                try await send(batch)
                try await store.statements.forwarded(batch)
            } catch {
                // The operator's log says why; the organization is told the same thing whatever happened,
                // so the setting cannot be used to probe which addresses and ports answer.
                let reason = (error as? RefusedByLRS).map { "HTTP \($0.status)" } ?? "unreachable (\(type(of: error)))"
                logger.notice("xAPI forwarding failed; will retry", metadata: ["org": "\(batch.orgId)", "statements": "\(batch.statements.count)", "reason": "\(reason)"])
                try? await store.statements.failed(batch, error: LRSSettings.failureMessage, retryBase: retrySeconds * 1000)
            }
        }
    }

    struct RefusedByLRS: Error { let status: UInt }

    func send(_ batch: Statements.Batch) async throws {
        _ = try batch.settings.checked(allowLoopbackHTTP: allowLoopback)
        try LRSAddress.check(batch.settings.endpoint, allowLoopback: allowLoopback, mustResolve: true)
        var request = HTTPClientRequest(url: batch.settings.endpoint + "/statements")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Experience-API-Version", value: "1.0.3")
        let credentials = Data("\(batch.settings.username):\(batch.settings.password)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic " + credentials)
        let body = try XAPIStatement.encoder.encode(batch.statements.map { $0.resolved(base: publicURL) })
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await Self.client.execute(request, timeout: .seconds(15))
        _ = try? await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else { throw RefusedByLRS(status: response.status.code) }
    }
}
