import Hummingbird
import WaypointCore
import WaypointStore

/// The organization's lists (programs, funding sources): administrators add and retire entries;
/// case staff pick from them. Page and API call the same store actions.
struct ListPages: Sendable {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes, api: APIRoutes) {
        router.get("/admin/lists", .permission(.manageSettings), use: page)
        router.post("/admin/lists", .permission(.manageSettings), use: change)
        api.get("/settings/lists/:list", .permission(.readOrganizationLists), use: entries)
        api.post("/settings/lists/:list", .permission(.manageSettings), use: add)
        api.post("/settings/lists/:list/retire", .permission(.manageSettings), use: retire)
    }

    struct ListView { let key: String; let title: String; let entries: [String]; let hasEntries: Bool }
    struct View { let lists: [ListView]; let notice: String?; let error: String? }

    func page(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await render(request: request, context: context)
    }

    private func render(request: Request, context: WaypointRequestContext, notice: String? = nil, error: (any UserFacingError)? = nil) async throws -> Response {
        let tenant = try context.tenant()
        let strings = Localizer(context.language)
        let all = try await store.lists.all(in: tenant)
        let lists = OrganizationList.allCases.map { list in
            ListView(key: list.rawValue, title: strings["list_" + list.rawValue], entries: all[list] ?? [], hasEntries: !(all[list] ?? []).isEmpty)
        }
        return renderer.page("lists", titleKey: "lists_title", view: View(lists: lists, notice: notice.map { strings[$0] },
                                                                        error: error?.message(in: strings)),
                             request: request, context: context, status: error.map(\.httpStatus) ?? .ok)
    }

    /// One form per action: `action` is `add` or `retire`, `list` names the list, `entry` the text.
    func change(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        struct ListForm: Decodable { let action: String?; let list: String?; let entry: String? }
        let form = try await FormReader.decode(ListForm.self, request, context: context)
        let tenant = try context.tenant()
        do {
            guard let list = OrganizationList(rawValue: form.list ?? "") else {
                throw CaseError.invalid(field: "list", reason: LocalizedText("error_detail_list_action"))
            }
            switch form.action {
            case "add": _ = try await store.lists.add(form.entry ?? "", to: list, in: tenant)
            case "retire": try await store.lists.retire(form.entry ?? "", from: list, in: tenant)
            default: throw CaseError.invalid(field: "action", reason: LocalizedText("error_detail_list_action"))
            }
            return PageRenderer.redirect(to: "/admin/lists#\(list.rawValue)")
        } catch let error as CaseError {
            return try await render(request: request, context: context, error: error)
        }
    }

    struct Entries: Codable { let list: String; let entries: [String] }
    struct EntryBody: Decodable { let entry: String }

    private func list(_ context: WaypointRequestContext) throws -> OrganizationList {
        guard let list = OrganizationList(rawValue: try context.parameters.require("list")) else { throw AccessError.notFound }
        return list
    }

    func entries(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let list = try list(context)
        return try JSONBody.response(Entries(list: list.rawValue, entries: try await store.lists.entries(list, in: try context.tenant())))
    }

    func add(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let list = try list(context)
        let body = try await JSONBody.decode(EntryBody.self, from: request, context: context)
        let tenant = try context.tenant()
        _ = try await store.lists.add(body.entry, to: list, in: tenant)
        return try JSONBody.response(Entries(list: list.rawValue, entries: try await store.lists.entries(list, in: tenant)), status: .created)
    }

    func retire(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let list = try list(context)
        let body = try await JSONBody.decode(EntryBody.self, from: request, context: context)
        let tenant = try context.tenant()
        try await store.lists.retire(body.entry, from: list, in: tenant)
        return try JSONBody.response(Entries(list: list.rawValue, entries: try await store.lists.entries(list, in: tenant)))
    }
}
