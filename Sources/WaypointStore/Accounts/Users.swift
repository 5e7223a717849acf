import Foundation
import SQLKit
import WaypointCore

/// A staff member as shown to an administrator; the display name and email are opened from their
/// sealed columns only for this.
public struct StaffUser: Sendable, Equatable {
    public let id: String
    public let username: String
    public let role: Role
    public let displayName: String
    public let email: String
    public let active: Bool
}

public struct NewUser: Sendable {
    public var username: String
    public var role: Role
    public var displayName: String
    public var email: String
    public var password: String
    /// The case-management team a case manager or supervisor belongs to ("" for none).
    public var team: String

    public init(username: String, role: Role, displayName: String, email: String = "", password: String, team: String = "") {
        self.team = team
        self.username = username
        self.role = role
        self.displayName = displayName
        self.email = email
        self.password = password
    }
}

/// Staff accounts, always within one organization.
public struct Users: Repository {
    let shared: StoreContext
    let hasher: PasswordHasher
    let policy = PasswordPolicy()

    /// Lower-case letters, digits, dot, dash and underscore; 3 to 64 characters. Usernames appear in
    /// the audit trail by id only, but they are typed on shared keyboards: keep them simple.
    static func isValidUsername(_ name: String) -> Bool {
        (3...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }
    }

    /// An administrator adds a user to their own organization.
    public func create(_ user: NewUser, in context: TenantContext) async throws -> String {
        guard Policy.allows(context, .manageUsers) else { throw AccessError.forbidden }
        return try await create(user, orgId: context.orgId, actorId: context.userId, requestId: context.requestId)
    }

    /// The operator adds a user from the command line or the demo set-up.
    public func createAsOperator(_ user: NewUser, orgId: String, requestId: String) async throws -> String {
        try await create(user, orgId: orgId, actorId: "system", requestId: requestId)
    }

    private func create(_ user: NewUser, orgId: String, actorId: String, requestId: String) async throws -> String {
        let username = user.username.lowercased()
        guard Self.isValidUsername(username) else { throw AccountError.invalidUsername }
        if let problem = policy.problem(with: user.password, username: username) { throw AccountError.weakPassword(problem) }
        let passwordHash = try await hasher.hash(user.password)
        let id = Tokens.opaqueId()
        let now = clock.millis()
        try await database.transaction { db in
            if try await db.raw("SELECT id FROM users WHERE username = \(bind: username)").first() != nil {
                throw AccountError.usernameTaken
            }
            let sealer = try await keys.sealer(for: orgId, on: db, now: now).row(id, in: "users", of: orgId)
            let name = try sealer.seal(user.displayName, column: "display_name")
            let email = try sealer.seal(user.email, column: "email")
            try await db.raw("""
                INSERT INTO users (id, org_id, username, role, display_name_sealed, email_sealed, password_hash, active, team, created_at, updated_at)
                VALUES (\(bind: id), \(bind: orgId), \(bind: username), \(bind: user.role.rawValue), \(bind: name), \(bind: email),
                        \(bind: passwordHash), 1, \(bind: user.team), \(bind: now), \(bind: now))
                """).run()
            try await audit.append(AuditEvent(orgId: orgId, actorId: actorId, action: "user.create",
                                              objectType: "user", objectId: id, requestId: requestId), on: db)
        }
        return id
    }

    public func find(_ id: String, in context: TenantContext) async throws -> StaffUser {
        guard Policy.allows(context, .manageUsers) || context.userId == id else { throw AccessError.forbidden }
        let user = try await database.withConnection { db in
            guard let row = try await db.raw("SELECT * FROM users WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)").first()
            else { throw AccessError.notFound }
            return try await staffUser(from: row, orgId: context.orgId, on: db)
        }
        try await audit.record(AuditEvent(context, action: "user.read", objectType: "user", objectId: id))
        return user
    }

    public func list(in context: TenantContext) async throws -> [StaffUser] {
        guard Policy.allows(context, .manageUsers) else { throw AccessError.forbidden }
        let users = try await database.withConnection { db in
            var users: [StaffUser] = []
            for row in try await db.raw("SELECT * FROM users WHERE org_id = \(bind: context.orgId) ORDER BY username").all() {
                users.append(try await staffUser(from: row, orgId: context.orgId, on: db))
            }
            return users
        }
        try await audit.record(AuditEvent(context, action: "user.list", objectType: "user", objectId: context.orgId))
        return users
    }

    /// Deactivation ends the person's sessions and tokens at once; the row stays for the audit trail.
    public func setActive(_ id: String, active: Bool, in context: TenantContext) async throws {
        guard Policy.allows(context, .manageUsers) else { throw AccessError.forbidden }
        guard id != context.userId || active else { throw AccessError.forbidden }
        let now = clock.millis()
        try await database.transaction { db in
            guard try await db.raw("SELECT id FROM users WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)").first() != nil
            else { throw AccessError.notFound }
            try await db.raw("""
                UPDATE users SET active = \(bind: Int64(active ? 1 : 0)), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND org_id = \(bind: context.orgId)
                """).run()
            if !active {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id) AND org_id = \(bind: context.orgId)").run()
                try await db.raw("DELETE FROM api_tokens WHERE user_id = \(bind: id) AND org_id = \(bind: context.orgId)").run()
            }
            try await audit.append(AuditEvent(context, action: active ? "user.activate" : "user.deactivate",
                                              objectType: "user", objectId: id), on: db)
        }
    }

    private func staffUser(from row: any SQLRow, orgId: String, on db: any SQLDatabase) async throws -> StaffUser {
        let id = try row.decode(column: "id", as: String.self)
        let sealer = try await keys.sealer(for: orgId, on: db, now: clock.millis()).row(id, in: "users", of: orgId)
        return StaffUser(
            id: id, username: try row.decode(column: "username", as: String.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .clinician,
            displayName: try sealer.open("display_name", from: row),
            email: try sealer.open("email", from: row),
            active: try row.decode(column: "active", as: Int64.self) == 1)
    }
}
