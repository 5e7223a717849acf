import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// The line's pages: the shift, a new contact, and a contact with its callback, closing and
/// hand-over forms. The same store calls the API makes; a refused form comes back with the error
/// and everything typed.
struct CrisisPages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/line", .permission(.answerLine), use: shift)
        router.get("/line/new", .permission(.answerLine), use: newForm)
        router.post("/line", .permission(.answerLine), use: log)
        router.get("/line/:id", .permission(.answerLine), scope: .organization, use: detail)
        router.post("/line/:id/:action", .permission(.answerLine), scope: .organization, use: act)
    }

    private func views(_ context: WaypointRequestContext) -> CrisisViews { CrisisViews(context.language, timeZone: store.clients.policy.timeZone) }

    @Sendable func shift(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let shift = try await store.crisis.shift(in: try context.tenant())
        return renderer.page("line-shift", titleKey: "crisis_shift_title", view: views(context).shift(shift), request: request, context: context)
    }

    @Sendable func newForm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        _ = try context.tenant()
        return renderer.page("line-new", titleKey: "crisis_new_title", view: views(context).new([:]), request: request, context: context)
    }

    @Sendable func log(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let views = views(context)
        do {
            let contact = try await store.crisis.log(try views.contact(from: form), in: tenant)
            return PageRenderer.redirect(to: "/line/\(contact.id)")
        } catch let error as CrisisError {
            return renderer.page("line-new", titleKey: "crisis_new_title",
                                 view: views.new(form, error: error.message(in: Localizer(context.language)), errorField: error.field),
                                 request: request, context: context, status: error.httpStatus)
        }
    }

    @Sendable func detail(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await page(try context.parameters.require("id"), tenant: try context.tenant(), request: request, context: context)
    }

    func page(_ id: String, tenant: TenantContext, form: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok,
              request: Request, context: WaypointRequestContext) async throws -> Response {
        let contact = try await store.crisis.find(id, in: tenant)
        let staff = contact.clientId == nil ? try await store.clients.caseStaff(in: tenant) : []
        return renderer.page("line-detail", titleKey: "crisis_detail_title", view: views(context).detail(contact, staff: staff, form: form, error: error),
                             request: request, context: context, status: status)
    }

    @Sendable func act(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let form = try await FormReader.read(request, context: context)
        do {
            switch try context.parameters.require("action") {
            case "callback-done": try await store.crisis.callbackDone(id, in: tenant)
            case "close": try await store.crisis.close(id, in: tenant)
            case "client":
                let manager = (form["case_manager_id"] ?? "").trimmingCharacters(in: .whitespaces)
                _ = try await store.crisis.convert(id, CrisisConversion(consent: form["consent"] != nil, alias: form["alias"] ?? "",
                                                                        caseManagerId: manager.isEmpty ? nil : manager, minor: form["minor"] != nil,
                                                                        foreignNational: form["foreign_national"] != nil), in: tenant)
            default: throw AccessError.notFound
            }
            return PageRenderer.redirect(to: "/line/\(id)")
        } catch let error as any UserFacingError where !(error is AccessError) {
            return try await page(id, tenant: tenant, form: form, error: error.message(in: Localizer(context.language)), status: error.httpStatus,
                                  request: request, context: context)
        }
    }
}
