import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// The reporting-routes page: every route the organization plans with (the fallback last), and
/// what the last save said.
struct RoutesView {
    struct Row { let code, name, agency, route, phone, source, verified: String }
    let routes: [Row]
    let notice: String?
    let error: String?
}

/// An organization administrator keeps the child-abuse reporting routes current for their state(s).
struct RoutePages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/admin/routes", .permission(.manageReportingRoutes), use: show)
        router.post("/admin/routes", .permission(.manageReportingRoutes), use: save)
    }

    func page(_ request: Request, context: WaypointRequestContext, noticeKey: String? = nil,
              error: (any UserFacingError)? = nil) async throws -> Response {
        let tenant = try context.tenant()
        guard Policy.allows(tenant, .manageReportingRoutes) else { throw AccessError.forbidden }
        let table = try await store.jurisdictions.table(for: tenant)
        let strings = Localizer(context.language)
        let rows = (table.states + [table.fallback]).map {
            RoutesView.Row(code: $0.code, name: $0.name, agency: $0.agency, route: $0.route, phone: $0.phone, source: $0.source, verified: $0.verified)
        }
        let view = RoutesView(routes: rows, notice: noticeKey.map { strings[$0] },
                              error: error?.message(in: strings))
        return renderer.page("routes", titleKey: "routes_title", view: view, request: request, context: context,
                             status: error.map(\.httpStatus) ?? .ok)
    }

    @Sendable func show(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await page(request, context: context)
    }

    @Sendable func save(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        struct RouteForm: Decodable { let state, name, agency, phone, route, source, verified: String? }
        let form = try await FormReader.decode(RouteForm.self, request, context: context)
        let route = Jurisdiction(code: form.state ?? "", name: form.name ?? "", agency: form.agency ?? "", phone: form.phone ?? "",
                                 route: form.route ?? "", source: form.source ?? "", verified: form.verified ?? "")
        do {
            try await store.jurisdictions.set(route, in: try context.tenant())
            return try await page(request, context: context, noticeKey: "route_saved")
        } catch let error as JurisdictionError {
            return try await page(request, context: context, error: error)
        }
    }
}
