import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1` endpoints for tokens and staff accounts, and `/healthz`.
struct AccountsAPI {
    let store: Store
    let trustedProxies: [String]

    struct TokenRequest: Decodable { let username: String; let password: String }
    struct TokenResponse: Encodable { let token: String; let expiresAt: Date }
    struct Health: Encodable { let status: String; let database: String }
    struct UserBody: Encodable {
        let id: String, username: String, role: String, displayName: String, email: String, active: Bool
        init(_ user: StaffUser) {
            (id, username, role, displayName, email, active) =
                (user.id, user.username, user.role.rawValue, user.displayName, user.email, user.active)
        }
    }
    struct UserList: Encodable { let users: [UserBody] }
    struct NewUserRequest: Decodable {
        let username: String, role: String, displayName: String, email: String?, password: String
    }
    struct Created: Encodable { let id: String }

    func register(on router: PageRoutes, api: APIRoutes) {
        router.get("/healthz", .open, use: health)
        api.post("/auth/token", .open, use: issueToken)
        api.delete("/auth/token", .signedIn, use: revokeToken)
        api.get("/me", .signedIn, use: me)
        api.get("/users", .permission(.manageUsers), use: listUsers)
        api.post("/users", .permission(.manageUsers), use: createUser)
    }

    @Sendable func health(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await store.database.withConnection { db in try await db.raw("SELECT 1 AS ok").run() }
        return try JSONBody.response(Health(status: "ok", database: store.database.kind.rawValue))
    }

    @Sendable func issueToken(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(TokenRequest.self, from: request, context: context)
        let tenant = try await store.auth.signIn(username: body.username, password: body.password,
                                                 address: context.clientAddress(request, trustedProxies: trustedProxies),
                                                 requestId: context.requestId)
        let issued = try await store.auth.issueToken(for: tenant)
        return try JSONBody.response(TokenResponse(token: issued.token, expiresAt: issued.expiresAt))
    }

    /// Revokes the token the request presents: a client that is done (or lost a device) ends it now.
    @Sendable func revokeToken(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        guard let token = context.apiToken else { throw SignInRequired() }
        try await store.auth.revokeToken(token, context: tenant)
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(UserBody(try await store.users.find(tenant.userId, in: tenant)))
    }

    @Sendable func listUsers(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(UserList(users: try await store.users.list(in: try context.tenant()).map(UserBody.init)))
    }

    @Sendable func createUser(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        guard Policy.allows(tenant, .manageUsers) else { throw AccessError.forbidden }
        let body = try await JSONBody.decode(NewUserRequest.self, from: request, context: context)
        guard let role = Role(rawValue: body.role) else { throw AccountError.invalidRole }
        let id = try await store.users.create(
            NewUser(username: body.username, role: role, displayName: body.displayName, email: body.email ?? "",
                    password: body.password), in: tenant)
        return try JSONBody.response(Created(id: id), status: .created)
    }
}
