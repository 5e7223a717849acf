import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/funds`: balances for everyone who spends them; a new fund and the funder's CSV for admins
/// and supervisors. The same store calls the API makes.
struct FundPages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/funds", .permission(.readFunds), use: list)
        router.post("/funds", .permission(.manageFunds), use: create)
        router.get("/funds/:id/export", .permission(.manageFunds), scope: .organization, outbound: .funderExport, use: export)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try await page(tenant, request: request, context: context)
    }

    func page(_ tenant: TenantContext, form: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok,
              request: Request, context: WaypointRequestContext) async throws -> Response {
        let view = FundViews(context.language).page(try await store.funds.list(in: tenant), canManage: Policy.allows(tenant.role, .manageFunds),
                                                    form: form, error: error)
        return renderer.page("funds", titleKey: "funds_title", view: view, request: request, context: context, status: status)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        do {
            _ = try await store.funds.create(try FundViews.fund(from: form), in: tenant)
            return PageRenderer.redirect(to: "/funds")
        } catch let error as FundError {
            return try await page(tenant, form: form, error: error.message(in: Localizer(context.language)), status: error.httpStatus,
                                  request: request, context: context)
        }
    }

    @Sendable func export(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let query = request.uri.queryParameters
        do {
            return try await FundsAPI.ledgerCSV(store: store, fundId: try context.parameters.require("id"), from: query.get("from"), to: query.get("to"),
                                                in: tenant)
        } catch let error as FundError {
            return try await page(tenant, error: error.message(in: Localizer(context.language)), status: error.httpStatus, request: request, context: context)
        }
    }
}
