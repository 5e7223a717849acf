import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// The case pages: the caseload dashboard, a new client, and the client page whose forms each post
/// to one action. Success goes back to the page (post, redirect, get); a refusal shows the page
/// again with the error beside the form and everything typed still in it.
struct CasePages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/cases", .permission(.readCaseload), use: caseload)
        router.get("/cases/new", .permission(.createClient), use: newForm)
        router.post("/cases", .permission(.createClient), use: create)
        router.get("/cases/:id", .permission(.readClient), scope: .organization, use: detail)
        router.post("/cases/:id/:section", .permission(.writeCase), scope: .organization, use: act)
        router.post("/cases/:id/:section/:item/:step", .permission(.writeCase), scope: .organization, use: actOnItem)
    }


    @Sendable func caseload(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let board = try await store.oversight.caseload(in: tenant)
        let clients = try await store.clients.list(in: tenant)
        return renderer.page("case-list", titleKey: "case_list_title",
                             view: CaseViews(context.language).list(board, clients: clients, supervisor: Policy.allows(tenant, .reviewBreakGlass)),
                             request: request, context: context)
    }

    @Sendable func newForm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return renderer.page("case-new", titleKey: "case_new_title",
                             view: CaseViews(context.language).new([:], programs: try await store.lists.entries(.program, in: tenant), error: nil),
                             request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let identity = ClientIdentity(legalName: form["legal_name"] ?? "", dob: form["dob"] ?? "", phone: form["phone"] ?? "",
                                      email: form["email"] ?? "", address: form["address"] ?? "")
        let new = NewClient(alias: form["alias"] ?? "", phase: CasePhase(rawValue: form["phase"] ?? "") ?? .survive,
                            flags: ClientFlags(minor: form["minor"] != nil, foreignNational: form["foreign_national"] != nil,
                                               safetyConcern: form["safety_concern"] != nil),
                            languages: (form["languages"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                            identity: identity, reporting: CaseViews.reporting(from: form))
        do {
            let client = try await store.clients.create(new, in: tenant)
            return PageRenderer.redirect(to: "/cases/\(client.id)")
        } catch let error as CaseError {
            return renderer.page("case-new", titleKey: "case_new_title",
                                 view: CaseViews(context.language).new(form, programs: try await store.lists.entries(.program, in: tenant),
                                                                       error: error.message(in: Localizer(context.language))),
                                 request: request, context: context, status: error.httpStatus)
        }
    }

    @Sendable func detail(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        var service: (id: String, name: String)?
        if let id = request.uri.queryParameters["service"].map(String.init), let header = try await store.directory.serviceHeader(id) {
            service = (id, header.name)
        }
        return try await page(try context.parameters.require("id"), tenant: tenant, consentService: service, request: request, context: context)
    }

    func page(_ id: String, tenant: TenantContext, identity: ClientIdentity? = nil, consentService: (id: String, name: String)? = nil,
              receiverLink: String? = nil, typed: CaseViews.Typed = CaseViews.Typed(), status: HTTPResponse.Status = .ok,
              request: Request, context: WaypointRequestContext) async throws -> Response {
        let file = try await store.cases.caseFile(id, in: tenant)
        let staff = Policy.allows(tenant.role, .assignCaseStaff) ? try await store.clients.caseStaff(in: tenant) : []
        let today = store.clients.today()
        let funds = try await store.funds.list(in: tenant).filter { $0.periodEnd >= today }
        let lists = try await store.lists.all(in: tenant)
        let view = CaseViews(context.language).detail(file, viewer: tenant, today: today, identity: identity,
                                                      consentService: consentService, receiverLink: receiverLink, typed: typed, staff: staff,
                                                      funds: funds, sites: try await store.housing.sites(in: tenant),
                                                      programs: lists[.program] ?? [], fundingSources: lists[.fundingSource] ?? [],
                                                      timeZone: store.clients.policy.timeZone)
        return renderer.page("case-detail", titleKey: "case_detail_title", view: view, request: request, context: context, status: status)
    }

    /// One form on the client page. The action names the section the form belongs to.
    @Sendable func act(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let action = try context.parameters.require("section")
        let form = try await FormReader.read(request, context: context)
        let actions = CaseFormActions(store: store, tenant: tenant)
        do {
            switch try await actions.perform(action, on: id, form: form) {
            case .back(let section):
                return PageRenderer.redirect(to: "/cases/\(id)#\(section)")
            case .identity(let identity):
                return try await page(id, tenant: tenant, identity: identity, request: request, context: context)
            case .link(let link):
                return try await page(id, tenant: tenant, receiverLink: "/r/" + link, status: .created, request: request, context: context)
            case .gone:
                return PageRenderer.redirect(to: "/cases?purged=1")
            }
        } catch let error as any UserFacingError where !(error is AccessError) {
            let typed = CaseViews.Typed(section: CaseFormActions.section(of: action), values: form,
                                        error: error.message(in: Localizer(context.language)))
            return try await page(id, tenant: tenant, typed: typed, status: error.httpStatus, request: request, context: context)
        }
    }

    /// A form about one item of a section: revoke a consent, move a goal, co-sign a note, finish a task.
    @Sendable func actOnItem(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let (kind, item, action) = (try context.parameters.require("section"), try context.parameters.require("item"), try context.parameters.require("step"))
        let form = try await FormReader.read(request, context: context)
        do {
            switch (kind, action) {
            case ("consents", "revoke"): _ = try await store.consents.revoke(item, of: id, reason: form["reason"] ?? "", in: tenant)
            case ("goals", "status"):
                guard let status = form["status"].flatMap(Goal.Status.init(rawValue:)) else {
                    throw CaseError.invalid(field: "status", reason: LocalizedText("error_detail_choose_status"))
                }
                try await store.cases.setGoalStatus(item, of: id, to: status, in: tenant)
            case ("notes", "cosign"): _ = try await store.cases.cosign(item, of: id, in: tenant)
            case ("tasks", "done"): try await store.cases.completeTask(item, of: id, in: tenant)
            case ("eligibility", "status"):
                let expires = (form["expires_on"] ?? "").trimmingCharacters(in: .whitespaces)
                let update = EligibilityUpdate(status: form["status"].flatMap(EligibilityRecord.Status.init(rawValue:)), extend: form["extend"] != nil,
                                               expiresOn: expires.isEmpty ? nil : expires,
                                               benefitsDone: form.keys.filter { $0.hasPrefix("benefit_") }.map { String($0.dropFirst(8)) })
                _ = try await store.eligibility.update(item, of: id, update, in: tenant)
            case ("stays", "check-out"):
                _ = try await store.housing.checkOut(item, of: id, StayCheckOut(checkOut: form["check_out"], overrideReason: form["override_reason"]), in: tenant)
            case ("vouchers", "used"): _ = try await store.housing.useVoucher(item, of: id, VoucherUse(usedOn: form["used_on"]), in: tenant)
            default: throw AccessError.notFound
            }
            return PageRenderer.redirect(to: "/cases/\(id)#\(CaseFormActions.section(of: kind))")
        } catch let error as any UserFacingError where !(error is AccessError) {
            let typed = CaseViews.Typed(section: CaseFormActions.section(of: kind), values: form, error: error.message(in: Localizer(context.language)))
            return try await page(id, tenant: tenant, typed: typed, status: error.httpStatus, request: request, context: context)
        }
    }
}
