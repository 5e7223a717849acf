import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/clients/{id}/…`: the parts of a case, the caseload dashboard, and oversight (access
/// log, break-the-glass, purge).
struct CaseAPI {
    let store: Store

    struct GoalStatusBody: Decodable { let status: Goal.Status }
    struct PhaseBody: Decodable { let phase: CasePhase; let version: Int? }
    struct CloseBody: Decodable { let reason: ClosureReason; let outcome: String?; let version: Int? }
    struct ScreeningBody: Decodable { let screeningId: String }

    func register(on api: APIRoutes) {
        api.post("/clients/:id/assessments", .permission(.writeCase), scope: .organization, use: assessment)
        api.post("/clients/:id/goals", .permission(.writeCase), scope: .organization, use: goal)
        api.put("/clients/:id/goals/:gid", .permission(.writeCase), scope: .organization, use: goalStatus)
        api.post("/clients/:id/services", .permission(.writeCase), scope: .organization, use: service)
        api.post("/clients/:id/notes", .permission(.writeCase), scope: .organization, use: note)
        api.post("/clients/:id/notes/:nid/cosign", .permission(.cosignNote), scope: .organization, use: cosign)
        api.post("/clients/:id/tasks", .permission(.writeCase), scope: .organization, use: task)
        api.post("/clients/:id/tasks/:tid/done", .permission(.writeCase), scope: .organization, use: taskDone)
        api.put("/clients/:id/phase", .permission(.writeCase), scope: .organization, use: phase)
        api.post("/clients/:id/close", .permission(.writeCase), scope: .organization, use: close)
        api.post("/clients/:id/reopen", .permission(.writeCase), scope: .organization, use: reopen)
        api.post("/clients/:id/screenings", .permission(.writeCase), scope: .organization, use: attachScreening)
        api.get("/clients/:id/access-log", .permission(.readAccessLog), scope: .organization, use: accessLog)
        api.post("/clients/:id/break-glass", .permission(.breakGlass), scope: .organization, use: breakGlass)
        api.post("/break-glass/:gid/review", .permission(.reviewBreakGlass), scope: .organization, use: reviewBreakGlass)
        api.delete("/clients/:id", .permission(.purgeClient), scope: .organization, use: purge)
        api.get("/caseload", .permission(.readCaseload), use: caseload)
        api.get("/settings/retention", .permission(.manageSettings), use: retention)
        api.put("/settings/retention", .permission(.manageSettings), use: setRetention)
    }

    struct Retention: Codable { let years: Int }

    @Sendable func retention(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(Retention(years: try await store.oversight.retentionYears(in: try context.tenant())))
    }

    @Sendable func setRetention(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(Retention.self, from: request, context: context)
        try await store.oversight.setRetentionYears(body.years, in: tenant)
        return try JSONBody.response(body)
    }

    private func client(_ context: WaypointRequestContext) throws -> String { try context.parameters.require("id") }

    @Sendable func assessment(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewAssessment.self, from: request, context: context)
        return try JSONBody.response(try await store.cases.addAssessment(body, to: try client(context), in: tenant), status: .created)
    }

    @Sendable func goal(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewGoal.self, from: request, context: context)
        return try JSONBody.response(try await store.cases.addGoal(body, to: try client(context), in: tenant), status: .created)
    }

    @Sendable func goalStatus(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(GoalStatusBody.self, from: request, context: context)
        try await store.cases.setGoalStatus(try context.parameters.require("gid"), of: try client(context), to: body.status, in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func service(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewService.self, from: request, context: context)
        return try JSONBody.response(try await store.cases.addService(body, to: try client(context), in: tenant), status: .created)
    }

    @Sendable func note(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewNote.self, from: request, context: context)
        return try JSONBody.response(try await store.cases.addNote(body, to: try client(context), in: tenant), status: .created)
    }

    @Sendable func cosign(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(try await store.cases.cosign(try context.parameters.require("nid"), of: try client(context), in: tenant))
    }

    @Sendable func task(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewTask.self, from: request, context: context)
        return try JSONBody.response(try await store.cases.addTask(body, to: try client(context), in: tenant), status: .created)
    }

    @Sendable func taskDone(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        try await store.cases.completeTask(try context.parameters.require("tid"), of: try client(context), in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func phase(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(PhaseBody.self, from: request, context: context)
        try await store.cases.setPhase(body.phase, of: try client(context), expectedVersion: body.version, in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func close(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(CloseBody.self, from: request, context: context)
        return try JSONBody.response(try await store.cases.close(try client(context), reason: body.reason, outcome: body.outcome ?? "",
                                                                 expectedVersion: body.version, in: tenant))
    }

    @Sendable func reopen(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        try await store.cases.reopen(try client(context), in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func attachScreening(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(ScreeningBody.self, from: request, context: context)
        try await store.cases.attachScreening(body.screeningId, to: try client(context), in: tenant)
        return Response(status: .noContent)
    }

    struct AccessLog: Encodable { let entries: [AccessLogEntry] }

    @Sendable func accessLog(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let query = request.uri.queryParameters
        var filter = AccessLogFilter(actorId: query["actor"].map(String.init), action: query["action"].map(String.init))
        if let since = query["since"] {
            guard HSDSRowRules.isDate(String(since)), let day = HSDSRowRules.dayNumber(String(since)) else {
                throw DirectoryError.badQuery(field: "since", reason: LocalizedText("error_detail_date_field", ["name": "since"]))
            }
            filter.since = Int64(day) * 86_400_000
        }
        return try JSONBody.response(AccessLog(entries: try await store.oversight.accessLog(try client(context), filter: filter, in: tenant)))
    }

    @Sendable func breakGlass(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(ClientsAPI.Reason.self, from: request, context: context)
        return try JSONBody.response(try await store.oversight.breakGlass(try client(context), reason: body.reason, in: tenant), status: .created)
    }

    @Sendable func reviewBreakGlass(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        try await store.oversight.reviewBreakGlass(try context.parameters.require("gid"), in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func purge(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(ClientsAPI.Reason.self, from: request, context: context)
        _ = try await store.oversight.purge(try client(context), reason: body.reason, in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func caseload(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.oversight.caseload(in: try context.tenant()))
    }
}
