import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/crisis-contacts`: the 24/7 line's contact log and shift view, for advocates and their
/// supervisors. Everyone else is refused before a body is read.
struct CrisisAPI {
    let store: Store


    struct Created: Encodable { let id: String }

    func register(on api: APIRoutes) {
        api.post("/crisis-contacts", .permission(.answerLine), use: log)
        api.get("/crisis-contacts", .permission(.answerLine), use: shift)
        api.get("/crisis-contacts/:id", .permission(.answerLine), scope: .organization, use: read)
        api.post("/crisis-contacts/:id/callback-done", .permission(.answerLine), scope: .organization, use: callbackDone)
        api.post("/crisis-contacts/:id/close", .permission(.answerLine), scope: .organization, use: close)
        api.post("/crisis-contacts/:id/client", .permission(.answerLine), scope: .organization, outbound: .handover, use: convert)
    }

    @Sendable func log(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewCrisisContact.self, from: request, context: context)
        return try JSONBody.response(try await store.crisis.log(body, in: tenant), status: .created)
    }

    @Sendable func shift(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.crisis.shift(in: try context.tenant()))
    }

    @Sendable func read(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(try await store.crisis.find(try context.parameters.require("id"), in: tenant))
    }

    @Sendable func callbackDone(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        try await store.crisis.callbackDone(try context.parameters.require("id"), in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func close(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        try await store.crisis.close(try context.parameters.require("id"), in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func convert(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(CrisisConversion.self, from: request, context: context)
        return try JSONBody.response(Created(id: try await store.crisis.convert(try context.parameters.require("id"), body, in: tenant)),
                                     status: .created)
    }
}
