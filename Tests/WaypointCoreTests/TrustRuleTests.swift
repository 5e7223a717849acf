import Foundation
import Testing
@testable import WaypointCore

@Suite("Sign-in limits")
struct SignInThrottleTests {
    let rules = SignInThrottle()
    let now: Int64 = 10_000_000

    func counter(_ failures: Int, startedAgo: Int64 = 60_000, lastAgo: Int64 = 1_000) -> SignInThrottle.Counter {
        SignInThrottle.Counter(windowStart: now - startedAgo, failures: failures, lastFailureAt: now - lastAgo)
    }

    @Test("five failures for one account from one address refuse the sixth until the window ends")
    func pairLimit() {
        #expect(rules.decide(pair: counter(4), address: counter(4), account: nil, knownAddress: true, now: now) == .check)
        #expect(rules.decide(pair: counter(5), address: counter(5), account: nil, knownAddress: true, now: now)
            == .refuse(retryAfterSeconds: 840, firstRefusal: true))
        #expect(rules.decide(pair: counter(6), address: counter(6), account: nil, knownAddress: true, now: now)
            == .refuse(retryAfterSeconds: 840, firstRefusal: false))
        // A window that has passed counts nothing.
        #expect(rules.decide(pair: counter(9, startedAgo: 16 * 60_000), address: nil, account: nil, knownAddress: true, now: now) == .check)
    }

    @Test("twenty failures from one address refuse every account there")
    func addressLimit() {
        #expect(rules.decide(pair: nil, address: counter(19), account: nil, knownAddress: false, now: now) == .check)
        guard case .refuse = rules.decide(pair: nil, address: counter(20), account: nil, knownAddress: false, now: now) else {
            Issue.record("not refused"); return
        }
    }

    @Test("an account guessed at from many addresses waits longer each time, but never at an address its owner used")
    func accountDelay() {
        #expect(rules.accountDelay(failures: 4) == 0)
        #expect(rules.accountDelay(failures: 5) == 1 && rules.accountDelay(failures: 8) == 8)
        #expect(rules.accountDelay(failures: 40) == 300)
        #expect(rules.decide(pair: nil, address: nil, account: counter(8, lastAgo: 3_000), knownAddress: false, now: now)
            == .refuse(retryAfterSeconds: 5, firstRefusal: false))
        #expect(rules.decide(pair: nil, address: nil, account: counter(8, lastAgo: 9_000), knownAddress: false, now: now) == .check)
        #expect(rules.decide(pair: nil, address: nil, account: counter(30, lastAgo: 1), knownAddress: true, now: now) == .check)
    }

    @Test("X-Forwarded-For counts only from a trusted proxy, read from the right")
    func clientAddress() {
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: "10.9.9.9", trustedProxies: []) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: "10.9.9.9", trustedProxies: ["198.51.100.1"]) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: "1.1.1.1, 198.51.100.7", trustedProxies: ["10.0.0.0/8"]) == "198.51.100.7")
        // A client that sends its own header cannot choose its address: the proxy appended the real one.
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: "6.6.6.6, 198.51.100.7, 10.0.0.3", trustedProxies: ["10.0.0.0/8"]) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "::1", forwardedFor: "198.51.100.7", trustedProxies: ["::1"]) == "198.51.100.7")
    }
}

@Suite("FHIRPath limits on expressions from outside")
struct FHIRPathLimitTests {
    func evaluate(_ expression: String) throws -> [JSONValue] {
        try FHIRPath(expression).evaluate([FHIRPathItem(.object(["name": .string("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")]))],
                                          environment: FHIRPathEnvironment(variables: [:], now: ISO8601DateFormatter().date(from: "2026-11-29T12:00:00Z")!)).map(\.value)
    }

    @Test("deep nesting and long chains are refused before they exhaust the stack")
    func depth() throws {
        #expect(throws: FHIRPathSyntaxError.self) { try FHIRPath(String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)) }
        #expect(throws: FHIRPathSyntaxError.self) { try FHIRPath(String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40)) }
        #expect(throws: FHIRPathSyntaxError.self) { try FHIRPath(String(repeating: "-", count: 1_000) + "1") }
        #expect(throws: FHIRPathSyntaxError.self) { try FHIRPath(Array(repeating: "1", count: 1_500).joined(separator: "+")) }
        #expect(try evaluate(Array(repeating: "1", count: 100).joined(separator: "+")) == [.integer(100)])
        #expect(try evaluate(String(repeating: "(", count: 20) + "2" + String(repeating: ")", count: 20)) == [.integer(2)])
    }

    /// The first is the input libFuzzer found (FuzzFHIRPath): integer multiplication trapped and took
    /// the process down. Every integer overflow is now an evaluation error.
    @Test("integer overflow is an error, not a crash", arguments: [
        "\n5555555*5555555555555555", "9223372036854775807 + 1", "-9223372036854775807 - 2",
        "(-9223372036854775807 - 1) div -1", "(-9223372036854775807 - 1) mod -1", "-(-9223372036854775807 - 1)",
        "2.power(100)", "100000000000000000000.0 div 1", "(9223372036854775807 | 1).sum()",
    ])
    func overflow(expression: String) throws {
        #expect(throws: FHIRPathEvaluationError.self) { try evaluate(expression) }
    }

    /// Found by libFuzzer (FuzzFHIRPath): a criteria function called without its criteria indexed
    /// past its argument list and trapped.
    @Test("functions called without their criteria are errors", arguments: [
        "Dresource&item*where().e.sw2", "name.where()", "name.select()", "name.all()", "name.exists(", "name.repeat()",
    ])
    func missingCriteria(expression: String) throws {
        #expect(throws: (any Error).self) { try evaluate(expression) }
    }

    @Test("arithmetic within range is unchanged")
    func inRange() throws {
        #expect(try evaluate("9223372036854775806 + 1") == [.integer(.max)])
        #expect(try evaluate("-7 div 2") == [.integer(-3)])
        #expect(try evaluate("-7 mod 2") == [.integer(-1)])
        #expect(try evaluate("7 div 0") == [])
        #expect(try evaluate("2.power(10)") == [.integer(1024)])
    }

    @Test("patterns that backtrack without bound, or are too long, are refused")
    func regex() throws {
        #expect(throws: FHIRPathEvaluationError.self) { try evaluate("name.matches('(a+)+$')") }
        #expect(throws: FHIRPathEvaluationError.self) { try evaluate("name.matches('(a|aa)*b')") }
        #expect(throws: FHIRPathEvaluationError.self) { try evaluate("name.matches('" + String(repeating: "a", count: 300) + "')") }
        #expect(try evaluate("name.matches('^a+!$')") == [.bool(true)])
    }
}
