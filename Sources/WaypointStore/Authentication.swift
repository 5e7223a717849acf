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
    /// Failures within `throttleWindow` after which sign-in answers 429 without checking the password.
    public var maxFailuresPerUser = 5
    public var maxFailuresPerAddress = 20
    public var throttleWindow: TimeInterval = 15 * 60

    public init() {}
}

/// Checks passwords, throttles guessing, and issues and resolves sessions and API tokens.
public struct Authenticator: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: Clock
    let hasher: PasswordHasher
    public let policy: SessionPolicy

    /// A hash of a random password, verified against when the username is unknown so the response
    /// takes as long as for a real account and does not reveal which usernames exist.
    private static let decoyHash = Bcrypt.hash(Tokens.secret(), cost: PasswordHasher.cost)

    public func signIn(username rawUsername: String, password: String, address: String, requestId: String) async throws -> TenantContext {
        let username = rawUsername.lowercased()
        let subjects = [Tokens.digest("user:" + username), Tokens.digest("address:" + address)]
        if let wait = try await throttledFor(subjects) {
            try await audit.record(AuditEvent(orgId: "", actorId: "anonymous", action: "signin.throttled",
                                              objectType: "session", objectId: "", requestId: requestId))
            throw AccountError.throttled(retryAfterSeconds: wait)
        }
        let row = try await database.withConnection { db in
            try await db.raw("SELECT id, org_id, role, password_hash, active FROM users WHERE username = \(bind: username)").first()
        }
        let storedHash = try row?.decode(column: "password_hash", as: String.self) ?? Self.decoyHash
        let matches = try await hasher.verify(password, against: storedHash)
        guard let row, matches, try row.decode(column: "active", as: Int64.self) == 1,
              let role = Role(rawValue: try row.decode(column: "role", as: String.self))
        else {
            try await recordFailure(subjects: subjects, orgId: try row?.decode(column: "org_id", as: String.self) ?? "",
                                    userId: try row?.decode(column: "id", as: String.self) ?? "", requestId: requestId)
            throw AccountError.invalidCredentials
        }
        let context = TenantContext(orgId: try row.decode(column: "org_id", as: String.self),
                                    userId: try row.decode(column: "id", as: String.self), role: role, requestId: requestId)
        try await database.transaction { db in
            try await db.raw("DELETE FROM login_failures WHERE subject_hash = \(bind: subjects[0])").run()
            try await audit.append(AuditEvent(context, action: "signin.success", objectType: "user", objectId: context.userId), on: db)
        }
        return context
    }

    private func throttledFor(_ subjects: [String]) async throws -> Int? {
        let since = clock.millis() - Int64(policy.throttleWindow * 1000)
        let limits = [policy.maxFailuresPerUser, policy.maxFailuresPerAddress]
        return try await database.withConnection { db in
            for (subject, limit) in zip(subjects, limits) {
                let rows = try await db.raw("""
                    SELECT at FROM login_failures WHERE subject_hash = \(bind: subject) AND at > \(bind: since) ORDER BY at
                    """).all()
                if rows.count >= limit {
                    let oldest = try rows[rows.count - limit].decode(column: "at", as: Int64.self)
                    return max(1, Int((oldest - since) / 1000))
                }
            }
            return nil
        }
    }

    private func recordFailure(subjects: [String], orgId: String, userId: String, requestId: String) async throws {
        let now = clock.millis()
        try await database.transaction { db in
            for subject in subjects {
                try await db.raw("""
                    INSERT INTO login_failures (id, subject_hash, at) VALUES (\(bind: Tokens.opaqueId()), \(bind: subject), \(bind: now))
                    """).run()
            }
            // Old failures are useless once outside every window; prune as we go.
            let horizon = now - Int64(policy.throttleWindow * 1000) * 4
            try await db.raw("DELETE FROM login_failures WHERE at < \(bind: horizon)").run()
            // The attempted username is not logged: people type passwords into the name field.
            try await audit.append(AuditEvent(orgId: orgId, actorId: "anonymous", action: "signin.failure",
                                              objectType: "user", objectId: userId, requestId: requestId), on: db)
        }
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
        return IssuedToken(token: token, expiresAt: Date(timeIntervalSince1970: Double(expires) / 1000))
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
