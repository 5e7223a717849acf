@preconcurrency import Crypto
import Foundation
import HummingbirdBcrypt
import SQLKit
import WaypointCore

/// A signed-in person: who, in which organization, and the secrets bound to their session.
public struct SessionInfo: Sendable, Equatable {
    public let context: TenantContext
    public let username: String
    public let csrfToken: String
}

public struct IssuedToken: Sendable, Equatable {
    public let token: String
    public let expiresAt: Date
}

/// How long credentials live. Short idle timeouts matter on shared workstations in clinics.
public struct SessionPolicy: Sendable {
    public var idleTimeout: TimeInterval = 15 * 60
    public var absoluteLifetime: TimeInterval = 12 * 3600
    public var apiTokenLifetime: TimeInterval = 3600
    /// Limits on guessing, applied before any password is checked.
    public var throttle = SignInThrottle()

    public init() {}
}

/// Checks passwords, throttles guessing, and issues and resolves sessions and API tokens.
public struct Authenticator: Repository {
    let shared: StoreContext
    let hasher: PasswordHasher
    public let policy: SessionPolicy

    /// A hash of a random password, verified against when the username is unknown so the response
    /// takes as long as for a real account and does not reveal which usernames exist.
    private static let decoyHash = Bcrypt.hash(Tokens.secret(), cost: PasswordHasher.cost)

    public func signIn(username rawUsername: String, password: String, address: String, requestId: String) async throws -> TenantContext {
        let username = rawUsername.lowercased()
        let subjects = SignInSubjects(username: username, address: address, key: keys.throttleKey)
        let limits = policy.throttle
        // Counted before the (slow) password check, in one transaction: parallel guesses each see
        // the others' attempts. An attempt counts as a failure until it is proven otherwise.
        let (decision, user) = try await database.transaction { db -> (SignInThrottle.Decision, (any SQLRow)?) in
            try await lockAccount(subjects, on: db)
            let now = clock.millis()
            let pair = try await counter(subjects.pair, on: db), byAddress = try await counter(subjects.address, on: db)
            let account = try await counter(subjects.account, on: db)
            let known = try await counter(subjects.knownAddress, on: db)
                .map { now - $0.windowStart < Int64(limits.knownAddressLifetime * 1000) } ?? false
            let decision = limits.decide(pair: pair, address: byAddress, account: account, knownAddress: known, now: now)
            if case .refuse(_, let first) = decision {
                // Refusals are audited once per counter and window, so anonymous traffic cannot grow the log without bound.
                if first {
                    try await audit.append(AuditEvent(orgId: "", actorId: "anonymous", action: "signin.throttled",
                                                      objectType: "session", objectId: "", requestId: requestId), on: db)
                }
                for subject in [subjects.pair, subjects.address] { try await countFailure(subject, limits: limits, now: now, on: db) }
                return (decision, nil)
            }
            for subject in [subjects.pair, subjects.address, subjects.account] {
                try await countFailure(subject, limits: limits, now: now, on: db)
            }
            try await pruneCounters(limits: limits, now: now, on: db)
            let user = try await db.raw("SELECT id, org_id, role, password_hash, active FROM users WHERE username = \(bind: username)").first()
            return (decision, user)
        }
        if case .refuse(let wait, _) = decision { throw AccountError.throttled(retryAfterSeconds: wait) }
        let storedHash = try user?.decode(column: "password_hash", as: String.self) ?? Self.decoyHash
        let matches = try await hasher.verify(password, against: storedHash)
        guard let user, matches, try user.decode(column: "active", as: Int64.self) == 1,
              let role = Role(rawValue: try user.decode(column: "role", as: String.self))
        else {
            // Each checked failure is audited; the limits above bound how many one address can cause.
            // The attempted username is not logged: people type passwords into the name field.
            try await audit.record(AuditEvent(orgId: try user?.decode(column: "org_id", as: String.self) ?? "", actorId: "anonymous",
                                              action: "signin.failure", objectType: "user",
                                              objectId: try user?.decode(column: "id", as: String.self) ?? "", requestId: requestId))
            throw AccountError.invalidCredentials
        }
        let context = TenantContext(orgId: try user.decode(column: "org_id", as: String.self),
                                    userId: try user.decode(column: "id", as: String.self), role: role, requestId: requestId)
        try await database.transaction { db in
            try await lockAccount(subjects, on: db)
            let now = clock.millis()
            // The attempt was not a failure after all: the account's counters start again, the
            // address gets its attempt back, and this address is known to the owner from now on.
            for subject in [subjects.pair, subjects.account, subjects.knownAddress] {
                try await db.raw("DELETE FROM signin_counters WHERE subject = \(bind: subject)").run()
            }
            try await db.raw("""
                UPDATE signin_counters SET failures = failures - 1 WHERE subject = \(bind: subjects.address) AND failures > 0
                """).run()
            try await db.raw("""
                INSERT INTO signin_counters (subject, window_start, failures, last_failure_at)
                VALUES (\(bind: subjects.knownAddress), \(bind: now), 0, 0)
                ON CONFLICT (subject) DO UPDATE SET window_start = excluded.window_start
                """).run()
            try await audit.append(AuditEvent(context, action: "signin.success", objectType: "user", objectId: context.userId), on: db)
        }
        return context
    }

    /// Everything that touches one account's counters queues here on PostgreSQL (SQLite's writers
    /// already queue in-process): with only the address counter shared across accounts, no two
    /// sign-ins wait on each other in a cycle.
    private func lockAccount(_ subjects: SignInSubjects, on db: any SQLDatabase) async throws {
        guard database.kind == .postgres else { return }
        try await db.raw("SELECT pg_advisory_xact_lock(\(bind: subjects.accountLockKey))").run()
    }

    private func counter(_ subject: String, on db: any SQLDatabase) async throws -> SignInThrottle.Counter? {
        // FOR UPDATE on PostgreSQL: two instances counting the same subject wait for each other.
        let lock: SQLQueryString = database.kind == .postgres ? "FOR UPDATE" : ""
        return try await db.raw("""
            SELECT window_start, failures, last_failure_at FROM signin_counters WHERE subject = \(bind: subject) \(lock)
            """).first().map {
            SignInThrottle.Counter(windowStart: try $0.decode(column: "window_start", as: Int64.self),
                                   failures: Int(try $0.decode(column: "failures", as: Int64.self)),
                                   lastFailureAt: try $0.decode(column: "last_failure_at", as: Int64.self))
        }
    }

    /// Adds one failure to a subject's counter, starting a new window when the old one has passed.
    private func countFailure(_ subject: String, limits: SignInThrottle, now: Int64, on db: any SQLDatabase) async throws {
        let windowOpen = now - Int64(limits.window * 1000)
        try await db.raw("""
            INSERT INTO signin_counters (subject, window_start, failures, last_failure_at)
            VALUES (\(bind: subject), \(bind: now), 1, \(bind: now))
            ON CONFLICT (subject) DO UPDATE SET
                failures = CASE WHEN signin_counters.window_start <= \(bind: windowOpen) THEN 1 ELSE signin_counters.failures + 1 END,
                window_start = CASE WHEN signin_counters.window_start <= \(bind: windowOpen) THEN \(bind: now) ELSE signin_counters.window_start END,
                last_failure_at = \(bind: now)
            """).run()
    }

    /// Counters of windows long gone are of no use; a few are pruned with each checked attempt.
    private func pruneCounters(limits: SignInThrottle, now: Int64, on db: any SQLDatabase) async throws {
        let windowOpen = now - Int64(limits.window * 1000)
        try await db.raw("""
            DELETE FROM signin_counters WHERE subject IN (
                SELECT subject FROM signin_counters WHERE window_start < \(bind: windowOpen - Int64(limits.knownAddressLifetime * 1000)) LIMIT 20)
            """).run()
    }

    // MARK: Browser sessions

    /// Starts a server-side session. Only the token's digest is stored.
    public func startSession(for context: TenantContext) async throws -> (token: String, info: SessionInfo) {
        let token = Tokens.secret(), csrf = Tokens.secret()
        let now = clock.millis()
        let expires = now + Int64(policy.absoluteLifetime * 1000)
        let username = try await database.transaction { db in
            try await db.raw("""
                INSERT INTO sessions (token_hash, user_id, org_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (\(bind: Tokens.digest(token)), \(bind: context.userId), \(bind: context.orgId), \(bind: csrf),
                        \(bind: now), \(bind: now), \(bind: expires))
                """).run()
            return try await db.raw("SELECT username FROM users WHERE id = \(bind: context.userId)").first()?
                .decode(column: "username", as: String.self) ?? ""
        }
        return (token, SessionInfo(context: context, username: username, csrfToken: csrf))
    }

    /// The live session for a cookie, or nil when it is unknown, idle too long, past its lifetime, or
    /// its user was deactivated.
    public func session(token: String, requestId: String) async throws -> SessionInfo? {
        let now = clock.millis()
        let idleLimit = Int64(policy.idleTimeout * 1000)
        let digest = Tokens.digest(token)
        let row = try await database.withConnection { db in
            try await db.raw("""
                SELECT s.user_id, s.org_id, s.csrf_token, s.last_seen_at, s.expires_at, u.role, u.username, u.active
                FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id
                WHERE s.token_hash = \(bind: digest)
                """).first()
        }
        guard let row else { return nil }
        let lastSeen = try row.decode(column: "last_seen_at", as: Int64.self)
        guard now - lastSeen <= idleLimit, now <= (try row.decode(column: "expires_at", as: Int64.self)),
              try row.decode(column: "active", as: Int64.self) == 1,
              let role = Role(rawValue: try row.decode(column: "role", as: String.self))
        else {
            try await database.transaction { try await $0.raw("DELETE FROM sessions WHERE token_hash = \(bind: digest)").run() }
            return nil
        }
        // Touch at most every 30 s: a page with several requests costs one write, not several.
        if now - lastSeen > 30_000 {
            try await database.transaction {
                try await $0.raw("UPDATE sessions SET last_seen_at = \(bind: now) WHERE token_hash = \(bind: digest)").run()
            }
        }
        return SessionInfo(
            context: TenantContext(orgId: try row.decode(column: "org_id", as: String.self),
                                   userId: try row.decode(column: "user_id", as: String.self), role: role, requestId: requestId),
            username: try row.decode(column: "username", as: String.self),
            csrfToken: try row.decode(column: "csrf_token", as: String.self))
    }

    /// Ends the session on the server, so a copied cookie is useless afterwards.
    public func endSession(token: String, context: TenantContext) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Tokens.digest(token))").run()
            try await audit.append(AuditEvent(context, action: "signout", objectType: "user", objectId: context.userId), on: db)
        }
    }

    // MARK: API tokens

    public func issueToken(for context: TenantContext) async throws -> IssuedToken {
        let token = Tokens.secret()
        let now = clock.millis()
        let expires = now + Int64(policy.apiTokenLifetime * 1000)
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO api_tokens (token_hash, user_id, org_id, created_at, expires_at)
                VALUES (\(bind: Tokens.digest(token)), \(bind: context.userId), \(bind: context.orgId), \(bind: now), \(bind: expires))
                """).run()
            try await audit.append(AuditEvent(context, action: "token.issue", objectType: "user", objectId: context.userId), on: db)
        }
        return IssuedToken(token: token, expiresAt: Date(millis: expires))
    }

    /// Ends an API token before it expires.
    public func revokeToken(_ token: String, context: TenantContext) async throws {
        try await database.transaction { db in
            try await db.raw("""
                DELETE FROM api_tokens WHERE token_hash = \(bind: Tokens.digest(token)) AND user_id = \(bind: context.userId)
                """).run()
            try await audit.append(AuditEvent(context, action: "token.revoke", objectType: "user", objectId: context.userId), on: db)
        }
    }

    public func tokenContext(token: String, requestId: String) async throws -> TenantContext? {
        let now = clock.millis()
        return try await database.withConnection { db in
            guard let row = try await db.raw("""
                SELECT t.user_id, t.org_id, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.org_id = t.org_id
                WHERE t.token_hash = \(bind: Tokens.digest(token)) AND t.expires_at > \(bind: now) AND u.active = 1
                """).first(), let role = Role(rawValue: try row.decode(column: "role", as: String.self))
            else { return nil }
            return TenantContext(orgId: try row.decode(column: "org_id", as: String.self),
                                 userId: try row.decode(column: "user_id", as: String.self), role: role, requestId: requestId)
        }
    }
}

/// The keyed names of the counters one sign-in attempt touches. Usernames and addresses are never
/// stored, only HMACs under a key derived from the master key.
struct SignInSubjects {
    let pair: String, address: String, account: String, knownAddress: String

    init(username: String, address: String, key: SymmetricKey) {
        func subject(_ text: String) -> String { Tokens.hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)) }
        self.pair = subject("pair|\(username)|\(address)")
        self.address = subject("address|\(address)")
        self.account = subject("account|\(username)")
        self.knownAddress = subject("known|\(username)|\(address)")
    }

    /// The account subject as a PostgreSQL advisory lock number.
    var accountLockKey: Int64 { Int64(bitPattern: UInt64(account.prefix(16), radix: 16) ?? 0) }
}
