import Foundation

/// How hard guessing passwords is made, beyond bcrypt's cost (NIST SP 800-63B §5.2.2: limit failed
/// attempts; prefer delays an owner can outwait over lockouts an attacker can impose).
///
/// Three counters per window, each counted atomically before the password is checked:
/// - one account from one address: at most `perAccountAndAddress` failures, then 429;
/// - one address: at most `perAddress` failures across accounts, then 429 (a shared clinic address
///   is not locked by one person's typos: successes give their attempt back);
/// - one account from anywhere: past `accountDelayAfter` failures each further attempt waits twice as
///   long as the one before, up to `maxAccountDelay` — except from an address the owner signed in from
///   before, so spreading guesses over many addresses cannot lock the owner out.
public struct SignInThrottle: Sendable, Equatable {
    public var perAccountAndAddress = 5
    public var perAddress = 20
    public var accountDelayAfter = 5
    public var maxAccountDelay: TimeInterval = 5 * 60
    public var window: TimeInterval = 15 * 60
    /// How long an address where the owner signed in stays exempt from the account delay.
    public var knownAddressLifetime: TimeInterval = 30 * 24 * 3600

    public init() {}

    /// One counter as stored: failures since `windowStart`, the latest at `lastFailureAt` (ms).
    public struct Counter: Sendable, Equatable {
        public var windowStart: Int64
        public var failures: Int
        public var lastFailureAt: Int64

        public init(windowStart: Int64, failures: Int, lastFailureAt: Int64) {
            self.windowStart = windowStart
            self.failures = failures
            self.lastFailureAt = lastFailureAt
        }
    }

    public enum Decision: Sendable, Equatable {
        case check
        /// Refused without checking the password; `firstRefusal` is true once per counter and window,
        /// so refusals are audited once rather than once per request.
        case refuse(retryAfterSeconds: Int, firstRefusal: Bool)
    }

    var windowMillis: Int64 { Int64(window * 1000) }

    /// Failures counted in the current window (0 once the window has passed).
    public func current(_ counter: Counter?, now: Int64) -> Counter? {
        guard let counter, now - counter.windowStart < windowMillis else { return nil }
        return counter
    }

    /// The delay an account's next attempt must wait after `failures` failures from anywhere.
    public func accountDelay(failures: Int) -> TimeInterval {
        guard failures >= accountDelayAfter else { return 0 }
        return min(maxAccountDelay, pow(2, Double(failures - accountDelayAfter)))
    }

    /// Decides on an attempt from the counters as they were before it. `pair` is this account from
    /// this address, `address` this address for any account, `account` this account from anywhere.
    public func decide(pair: Counter?, address: Counter?, account: Counter?, knownAddress: Bool, now: Int64) -> Decision {
        func retry(_ counter: Counter) -> Int { max(1, Int((counter.windowStart + windowMillis - now + 999) / 1000)) }
        if let pair = current(pair, now: now), pair.failures >= perAccountAndAddress {
            return .refuse(retryAfterSeconds: retry(pair), firstRefusal: pair.failures == perAccountAndAddress)
        }
        if let address = current(address, now: now), address.failures >= perAddress {
            return .refuse(retryAfterSeconds: retry(address), firstRefusal: address.failures == perAddress)
        }
        if !knownAddress, let account = current(account, now: now) {
            let wait = Int64(accountDelay(failures: account.failures) * 1000)
            if now < account.lastFailureAt + wait {
                // Not audited: the account's checked failures already are, one per delay step.
                return .refuse(retryAfterSeconds: max(1, Int((account.lastFailureAt + wait - now + 999) / 1000)), firstRefusal: false)
            }
        }
        return .check
    }
}

/// Which address a request came from. A proxy's `X-Forwarded-For` is believed only when the peer
/// itself is one of the operator's proxies; the list is read from the right, skipping trusted hops,
/// so a client cannot choose its own address by sending the header.
public enum ClientAddress {
    public static func resolve(peer: String, forwardedFor: String?, trustedProxies: [String]) -> String {
        guard isTrusted(peer, trustedProxies), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !isTrusted(hop, trustedProxies) {
            return hop
        }
        return hops.first ?? peer
    }

    /// Exact addresses, or IPv4 networks written as a.b.c.d/n.
    public static func isTrusted(_ address: String, _ proxies: [String]) -> Bool {
        proxies.contains { proxy in
            guard let slash = proxy.firstIndex(of: "/") else { return proxy == address }
            guard let network = ipv4(String(proxy[..<slash])), let bits = Int(proxy[proxy.index(after: slash)...]),
                  (0...32).contains(bits), let value = ipv4(address) else { return false }
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
            return network & mask == value & mask
        }
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ ($0 ?? 256) < 256 }) else { return nil }
        return parts.reduce(0) { $0 << 8 | $1! }
    }
}
