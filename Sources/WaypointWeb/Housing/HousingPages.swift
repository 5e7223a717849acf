import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/housing`: sites with beds free today; a site's address only when someone asks for it (a
/// POST, so nothing prefetches it), audited; new sites for admins and supervisors.
struct HousingPages {
    let store: Store
    let renderer: PageRenderer

    /// `shownAddress` only for the one site asked about; a nil row value falls through to the page's
    /// names, so none of them is called that.
    struct Row { let id: String, name: String, beds: Int, occupied: Int, free: Int, shownAddress: String? }
    struct Page { let sites: [Row], noSites: Bool, canManage: Bool, formName: String, formAddress: String, formBeds: String, error: String? }

    func register(on router: PageRoutes) {
        router.get("/housing", .permission(.readHousingSites), use: list)
        router.post("/housing", .permission(.manageHousingSites), use: create)
        router.post("/housing/:id/address", .permission(.readHousingSites), scope: .organization, use: address)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await page(try context.tenant(), request: request, context: context)
    }

    func page(_ tenant: TenantContext, revealed: (id: String, address: String)? = nil, form: [String: String] = [:], error: String? = nil,
              status: HTTPResponse.Status = .ok, request: Request, context: WaypointRequestContext) async throws -> Response {
        let sites = try await store.housing.sites(in: tenant)
        let view = Page(sites: sites.map { Row(id: $0.id, name: $0.name, beds: $0.beds, occupied: $0.occupied, free: $0.free,
                                               shownAddress: revealed?.id == $0.id ? revealed?.address : nil) },
                        noSites: sites.isEmpty, canManage: Policy.allows(tenant.role, .manageHousingSites), formName: form["name"] ?? "",
                        formAddress: form["address"] ?? "", formBeds: form["beds"] ?? "", error: error)
        return renderer.page("housing", titleKey: "housing_title", view: view, request: request, context: context, status: status)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        do {
            _ = try await store.housing.createSite(NewHousingSite(name: form["name"] ?? "", address: form["address"] ?? "",
                                                                  beds: Int((form["beds"] ?? "").trimmingCharacters(in: .whitespaces)) ?? 0), in: tenant)
            return PageRenderer.redirect(to: "/housing")
        } catch let error as HousingError {
            return try await page(tenant, form: form, error: error.message(in: Localizer(context.language)), status: error.httpStatus,
                                  request: request, context: context)
        }
    }

    @Sendable func address(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        _ = try await FormReader.read(request, context: context)
        let id = try context.parameters.require("id")
        return try await page(tenant, revealed: (id, try await store.housing.address(of: id, in: tenant)), request: request, context: context)
    }
}
