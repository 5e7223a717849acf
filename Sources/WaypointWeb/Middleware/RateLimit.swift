import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import WaypointCore

/// A per-address budget for routes anyone may call without an account (the public HSDS API): a
/// scraper or a loop cannot take the database from the people using it. Counted per instance, in
/// fixed one-minute windows; over budget answers 429 with the seconds until the next window.
final class PublicRateLimit: Sendable {
    let perMinute: Int
    private let windows = NIOLockedValueBox<(minute: Int64, counts: [String: Int])>((0, [:]))

    init(perMinute: Int) { self.perMinute = perMinute }

    /// Counts one request from `address`; nil when allowed, else the seconds to wait.
    func take(_ address: String, now: Date = Date()) -> Int? {
        let seconds = Int64(now.timeIntervalSince1970)
        let minute = seconds / 60
        return windows.withLockedValue { state in
            if state.minute != minute { state = (minute, [:]) }
            let count = (state.counts[address] ?? 0) + 1
            state.counts[address] = count
            return count > perMinute ? Int(60 - seconds % 60) : nil
        }
    }
}

struct PublicRateLimitMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext
    let limit: PublicRateLimit
    let trustedProxies: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let wait = limit.take(context.clientAddress(request, trustedProxies: trustedProxies)) {
            throw AccountError.throttled(retryAfterSeconds: wait)
        }
        return try await next(request, context)
    }
}
