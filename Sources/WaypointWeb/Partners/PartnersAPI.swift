import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/partners`: the partner network, a partner with its contacts (audited), agreements and
/// joint events.
struct PartnersAPI {
    let store: Store


    func register(on api: APIRoutes) {
        api.get("/partners", .permission(.readPartners), use: list)
        api.post("/partners", .permission(.managePartners), use: create)
        api.get("/partners/:id", .permission(.readPartners), scope: .organization, use: find)
        api.post("/partners/:id/agreements", .permission(.managePartners), scope: .organization, use: addAgreement)
        api.post("/partners/:id/events", .permission(.managePartners), scope: .organization, use: addEvent)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.partners.network(in: try context.tenant()))
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewPartner.self, from: request, context: context)
        return try JSONBody.response(try await store.partners.create(body, in: tenant), status: .created)
    }

    @Sendable func find(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.partners.find(try context.parameters.require("id"), in: try context.tenant()))
    }

    @Sendable func addAgreement(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewAgreement.self, from: request, context: context)
        return try JSONBody.response(try await store.partners.addAgreement(body, to: try context.parameters.require("id"), in: tenant), status: .created)
    }

    @Sendable func addEvent(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewPartnerEvent.self, from: request, context: context)
        return try JSONBody.response(try await store.partners.addEvent(body, to: try context.parameters.require("id"), in: tenant), status: .created)
    }
}
