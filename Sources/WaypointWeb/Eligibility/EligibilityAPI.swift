import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/clients/{id}/eligibility`: a foreign-national client's requests and letters, for the
/// staff on the case.
struct EligibilityAPI {
    let store: Store

    struct Listing: Encodable { let eligibility: [EligibilityRecord] }

    func register(on api: APIRoutes) {
        api.post("/clients/:id/eligibility", .permission(.writeCase), scope: .organization, use: create)
        api.get("/clients/:id/eligibility", .permission(.readClient), scope: .organization, use: list)
        api.post("/clients/:id/eligibility/:eid/status", .permission(.writeCase), scope: .organization, use: update)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewEligibility.self, from: request, context: context)
        return try JSONBody.response(try await store.eligibility.create(body, for: try context.parameters.require("id"), in: tenant), status: .created)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(Listing(eligibility: try await store.eligibility.list(for: try context.parameters.require("id"), in: tenant)))
    }

    @Sendable func update(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(EligibilityUpdate.self, from: request, context: context)
        return try JSONBody.response(try await store.eligibility.update(try context.parameters.require("eid"), of: try context.parameters.require("id"),
                                                                        body, in: tenant))
    }
}
