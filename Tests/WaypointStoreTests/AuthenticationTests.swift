import Foundation
import NIOConcurrencyHelpers
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let current = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
    var clock: Clock { Clock { [current] in current.withLockedValue { $0 } } }
    func advance(_ seconds: TimeInterval) { current.withLockedValue { $0 += seconds } }
}

@Suite("Sign-in, sessions and tokens")
struct AuthenticationTests {
    @Test("the right password signs in; a wrong one or an unknown user does not", arguments: Backend.allCases)
    func signIn(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Auth", admin: "auth-admin")
            let context = try await test.store.auth.signIn(username: "Auth-Admin", password: TestStore.password, address: "10.0.0.1", requestId: "r")
            #expect(context.userId == org.userId && context.orgId == org.orgId && context.role == .admin)
            await #expect(throws: AccountError.invalidCredentials) {
                try await test.store.auth.signIn(username: "auth-admin", password: TestStore.password + "x", address: "10.0.0.1", requestId: "r")
            }
            await #expect(throws: AccountError.invalidCredentials) {
                try await test.store.auth.signIn(username: "nobody-here", password: TestStore.password, address: "10.0.0.1", requestId: "r")
            }
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: org.orgId, userId: org.userId, role: .auditor, requestId: "r")).map(\.action)
            #expect(actions.contains("signin.success") && actions.contains("signin.failure"))
        }
    }

    @Test("repeated failures throttle sign-in, even with the right password", arguments: Backend.allCases)
    func throttling(backend: Backend) async throws {
        var policy = SessionPolicy()
        policy.throttle.accountDelayAfter = 3
        try await TestStore.withStore(backend, clock: ManualClock().clock, policy: policy) { test in
            _ = try await test.organization("Clinic Throttle", admin: "throttled-admin")
            for _ in 0..<3 {
                await #expect(throws: AccountError.invalidCredentials) {
                    try await test.store.auth.signIn(username: "throttled-admin", password: "wrong password here", address: "10.0.0.2", requestId: "r")
                }
            }
            do {
                _ = try await test.store.auth.signIn(username: "throttled-admin", password: TestStore.password, address: "10.0.0.3", requestId: "r")
                Issue.record("sign-in was not throttled")
            } catch AccountError.throttled(let wait) {
                #expect(wait > 0 && wait <= 15 * 60)
            }
        }
    }

    @Test("parallel guesses are counted before the password check; the owner's own address still works", arguments: Backend.allCases)
    func parallelGuesses(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Clinic Parallel", admin: "parallel-admin")
            // The owner signed in from the clinic before.
            _ = try await test.store.auth.signIn(username: "parallel-admin", password: TestStore.password, address: "10.1.1.1", requestId: "r")
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        do {
                            _ = try await test.store.auth.signIn(username: "parallel-admin", password: "not the password at all",
                                                                 address: "203.0.113.5", requestId: "r")
                            return "signed in"
                        } catch AccountError.invalidCredentials { return "401" } catch AccountError.throttled { return "429" }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["401": 5, "429": 25])
            // A new address waits behind the account's growing delay; the clinic's address does not.
            await #expect(throws: AccountError.self) {
                try await test.store.auth.signIn(username: "parallel-admin", password: TestStore.password, address: "198.51.100.8", requestId: "r")
            }
            let context = try await test.store.auth.signIn(username: "parallel-admin", password: TestStore.password, address: "10.1.1.1", requestId: "r")
            #expect(context.userId == org.userId)
            // Thirty anonymous attempts left five failure entries and one refusal entry, not thirty.
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: "", userId: "", role: .auditor, requestId: "r")).map(\.action)
            let mine = try await test.store.audit.recent(in: TenantContext(orgId: org.orgId, userId: org.userId, role: .auditor, requestId: "r")).map(\.action)
            #expect(mine.filter { $0 == "signin.failure" }.count == 5)
            #expect(actions.filter { $0 == "signin.throttled" }.count == 1)
            // Counters hold keyed digests only: neither the username nor the address is stored.
            let stored = try await test.store.database.withConnection { db in
                try await db.raw("SELECT subject FROM signin_counters").all().map { try $0.decode(column: "subject", as: String.self) }
            }
            #expect(!stored.isEmpty && !stored.contains(Tokens.digest("address:203.0.113.5")) && stored.allSatisfy { $0.count == 64 })
            // The window passes: the address may try again.
            time.advance(16 * 60)
            await #expect(throws: AccountError.invalidCredentials) {
                try await test.store.auth.signIn(username: "parallel-admin", password: "not the password at all", address: "203.0.113.5", requestId: "r")
            }
        }
    }

    @Test("one address guessing many accounts is stopped at its limit", arguments: [Backend.sqlite])
    func addressLimit(backend: Backend) async throws {
        var policy = SessionPolicy()
        policy.throttle.perAddress = 3
        try await TestStore.withStore(backend, clock: ManualClock().clock, policy: policy) { test in
            _ = try await test.organization("Clinic Address", admin: "address-admin")
            for name in ["ann", "bob", "cy"] {
                await #expect(throws: AccountError.invalidCredentials) {
                    try await test.store.auth.signIn(username: name, password: "whatever it is", address: "192.0.2.4", requestId: "r")
                }
            }
            await #expect(throws: AccountError.self) {
                try await test.store.auth.signIn(username: "address-admin", password: TestStore.password, address: "192.0.2.4", requestId: "r")
            }
            // Another address is not affected.
            _ = try await test.store.auth.signIn(username: "address-admin", password: TestStore.password, address: "192.0.2.5", requestId: "r")
        }
    }

    @Test("a session ends when idle too long, and at sign-out", arguments: Backend.allCases)
    func sessionLifetime(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Clinic Session")
            let (token, info) = try await test.store.auth.startSession(for: org.context)
            let resolved = try await test.store.auth.session(token: token, requestId: "r")
            #expect(resolved?.context.userId == info.context.userId && resolved?.csrfToken == info.csrfToken)
            time.advance(14 * 60)
            #expect(try await test.store.auth.session(token: token, requestId: "r") != nil)
            time.advance(14 * 60)   // activity at 14 min kept it alive
            #expect(try await test.store.auth.session(token: token, requestId: "r") != nil)
            time.advance(16 * 60)
            #expect(try await test.store.auth.session(token: token, requestId: "r") == nil)

            let (second, _) = try await test.store.auth.startSession(for: org.context)
            try await test.store.auth.endSession(token: second, context: org.context)
            #expect(try await test.store.auth.session(token: second, requestId: "r") == nil)
        }
    }

    @Test("deactivating a user ends their sessions and tokens", arguments: Backend.allCases)
    func deactivation(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Deactivate")
            let id = try await test.store.users.create(
                NewUser(username: "leaving-user", role: .clinician, displayName: "L", password: TestStore.password), in: org.context)
            let context = TenantContext(orgId: org.orgId, userId: id, role: .clinician, requestId: "r")
            let (token, _) = try await test.store.auth.startSession(for: context)
            let apiToken = try await test.store.auth.issueToken(for: context)
            try await test.store.users.setActive(id, active: false, in: org.context)
            #expect(try await test.store.auth.session(token: token, requestId: "r") == nil)
            #expect(try await test.store.auth.tokenContext(token: apiToken.token, requestId: "r") == nil)
            await #expect(throws: AccountError.invalidCredentials) {
                try await test.store.auth.signIn(username: "leaving-user", password: TestStore.password, address: "a", requestId: "r")
            }
        }
    }

    @Test("API tokens resolve to their user until they expire", arguments: Backend.allCases)
    func apiTokens(backend: Backend) async throws {
        let time = ManualClock()
        try await TestStore.withStore(backend, clock: time.clock) { test in
            let org = try await test.organization("Clinic Token")
            let issued = try await test.store.auth.issueToken(for: org.context)
            #expect(try await test.store.auth.tokenContext(token: issued.token, requestId: "r")?.userId == org.userId)
            #expect(try await test.store.auth.tokenContext(token: issued.token + "x", requestId: "r") == nil)
            time.advance(3601)
            #expect(try await test.store.auth.tokenContext(token: issued.token, requestId: "r") == nil)
        }
    }

    @Test("passwords are bcrypt at cost 12 and never truncated")
    func hashing() async throws {
        let hasher = PasswordHasher()
        let long = String(repeating: "x", count: 80)
        let hash = try await hasher.hash(long + "A")
        #expect(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"))
        #expect(try await hasher.verify(long + "A", against: hash))
        // Same first 72 bytes, different ending: plain bcrypt would accept this.
        #expect(try await !hasher.verify(long + "B", against: hash))
    }

    @Test("weak passwords are refused with the reason", arguments: Backend.allCases)
    func weakPasswords(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic Weak")
            await #expect(throws: AccountError.weakPassword(.tooShort)) {
                try await test.store.users.create(NewUser(username: "weak-user", role: .clinician, displayName: "W", password: "short"), in: org.context)
            }
            await #expect(throws: AccountError.weakPassword(.common)) {
                try await test.store.users.create(NewUser(username: "weak-user", role: .clinician, displayName: "W", password: "Password1234"), in: org.context)
            }
            await #expect(throws: AccountError.usernameTaken) {
                try await test.store.users.create(NewUser(username: org.username, role: .clinician, displayName: "W", password: TestStore.password), in: org.context)
            }
        }
    }
}
