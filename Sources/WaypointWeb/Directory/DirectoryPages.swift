import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// Finding help: search (posted, so what was searched for stays out of the address bar and
/// history), a service's details, a printable card of chosen services, and the editor pages for an
/// organization's own entries.
struct DirectoryPages {
    let store: Store
    let renderer: PageRenderer

    static let languageChoices = ["en", "es", "fr", "pt", "vi", "zh", "ar", "ht", "ru", "ko", "tl", "so"]

    func register(on router: PageRoutes) {
        router.get("/directory", .signedIn, use: searchForm)
        router.post("/directory", .signedIn, use: search)
        router.get("/directory/services/:id", .signedIn, use: detail)
        router.post("/directory/card", .signedIn, use: card)
        router.get("/directory/edit", .permission(.editDirectory), use: editorList)
        router.get("/directory/edit/new", .permission(.editDirectory), use: editorForm)
        router.get("/directory/edit/:id", .permission(.editDirectory), scope: .organization, use: editorForm)
        router.post("/directory/edit", .permission(.editDirectory), use: editorSave)
    }

    /// The form's values, read back from a posted search (or empty for a new one).
    func query(from form: [String: String]) -> DirectoryQuery {
        var query = DirectoryQuery()
        query.text = form["q"] ?? ""
        query.zip = form["zip"].flatMap { $0.isEmpty ? nil : $0 }
        query.radiusKm = Double(form["radius_km"] ?? "") ?? 40
        query.languages = (form["language"] ?? "").isEmpty ? [] : [form["language"]!]
        query.populations = DirectoryVocabulary.bundled.terms(in: .population).map(\.shortCode).filter { form["population:" + $0] != nil }
        query.serviceTypes = DirectoryVocabulary.bundled.terms(in: .serviceType).map(\.shortCode).filter { form["type:" + $0] != nil }
        query.openNow = form["open_now"] != nil
        query.twentyFourSeven = form["always_open"] != nil
        query.page = Int(form["page"] ?? "") ?? 1
        return query
    }

    func searchView(_ query: DirectoryQuery, views: DirectoryViews, screening: String?) -> DirectoryViews.Search {
        DirectoryViews.Search(
            q: query.text, zip: query.zip ?? "", radius: String(Int(query.radiusKm)),
            languagesList: views.languageChoices(Self.languageChoices, selected: query.languages),
            populations: views.choices(.population, chosen: query.populations, prefix: "population:"),
            types: views.choices(.serviceType, chosen: query.serviceTypes, prefix: "type:"),
            openNow: query.openNow, alwaysOpen: query.twentyFourSeven, screening: screening.flatMap { $0.isEmpty ? nil : $0 })
    }

    @Sendable func searchForm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        _ = try context.tenant()
        let views = DirectoryViews(strings: Localizer(context.language))
        let screening = request.uri.queryParameters["screening"].map(String.init)
        return renderer.page("directory-search", titleKey: "directory_title",
                             view: searchView(DirectoryQuery(), views: views, screening: screening), request: request, context: context)
    }

    @Sendable func search(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let views = DirectoryViews(strings: Localizer(context.language))
        let query = query(from: form)
        var view = searchView(query, views: views, screening: form["screening"])
        view.searched = true
        do {
            let page = try await store.directory.search(query)
            view.hits = page.hits.map(views.hit)
            view.hasHits = !page.hits.isEmpty
            view.total = page.total
            view.canRefer = Policy.allows(tenant.role, .referFromScreening)
        } catch let error as DirectoryError {
            view.error = error.message(in: Localizer(context.language))
            return renderer.page("directory-search", titleKey: "directory_title", view: view, request: request, context: context,
                                 status: error.httpStatus)
        }
        return renderer.page("directory-search", titleKey: "directory_title", view: view, request: request, context: context)
    }

    @Sendable func detail(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        guard let details = try await store.directory.serviceDetails([id], viewer: tenant).first else { throw AccessError.notFound }
        var view = DirectoryViews(strings: Localizer(context.language)).service(details)
        view.canRefer = Policy.allows(tenant.role, .referFromScreening) && details.isActive
        view.screening = request.uri.queryParameters["screening"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        return renderer.page("directory-service", titleKey: "directory_service_title", view: view, request: request, context: context)
    }

    /// A card of the chosen services, in the language picked on the form: the service's own name,
    /// how to reach it and when — no organization names, no addresses of confidential sites.
    @Sendable func card(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let ids = form.keys.filter { $0.hasPrefix("pick:") }.map { String($0.dropFirst(5)) }.sorted()
        guard !ids.isEmpty, ids.count <= 12 else {
            throw MalformedInput(detail: LocalizedText("error_detail_card_pick"), field: "pick")
        }
        var cardContext = context
        if let language = form["card_language"].flatMap(Language.init(rawValue:)) { cardContext.language = language }
        let views = DirectoryViews(strings: Localizer(cardContext.language))
        struct Card { let services: [DirectoryViews.Service] }
        let services = try await store.directory.serviceDetails(ids, viewer: tenant).map(views.service)
        return renderer.page("directory-card", titleKey: "card_title", view: Card(services: services), request: request, context: cardContext)
    }

    // MARK: Editor

    @Sendable func editorList(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let today = store.clock.today()
        let services = try await store.directory.localServices(in: tenant).map { service in
            DirectoryViews.EditorList.Row(id: service.id, name: service.name, status: service.status, verified: service.verifiedOn ?? "",
                                          stale: DirectoryRanking.needsReverification(verifiedOn: service.verifiedOn, today: today))
        }
        let view = DirectoryViews.EditorList(services: services, notice: request.uri.queryParameters["saved"] != nil)
        return renderer.page("directory-editor-list", titleKey: "directory_edit_title", view: view, request: request, context: context)
    }

    @Sendable func editorForm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        var draft = LocalServiceDraft()
        if let id = context.parameters.get("id") {
            guard try await store.directory.owner(ofService: id) == tenant.orgId,
                  let service = try await store.directory.serviceDetails([id], viewer: tenant).first else { throw AccessError.notFound }
            draft = LocalServiceDraft(editing: service)
        }
        return editorPage(draft, error: nil, request: request, context: context)
    }

    func editorPage(_ draft: LocalServiceDraft, error: (any UserFacingError)?, request: Request, context: WaypointRequestContext) -> Response {
        let strings = Localizer(context.language)
        let views = DirectoryViews(strings: strings)
        let today = store.clock.today()
        let view = DirectoryViews.EditorForm(
            serviceId: draft.serviceId ?? "", name: draft.name, description: draft.description, phone: draft.phone, url: draft.url,
            street: draft.street, city: draft.city, state: draft.state, postalCode: draft.postalCode,
            statuses: ["active", "inactive", "temporarily closed"].map {
                .init(value: $0, label: strings["status_" + $0.replacingOccurrences(of: " ", with: "_")], selected: $0 == draft.status)
            },
            languagesList: Self.languageChoices.map {
                .init(name: "language:" + $0, id: "language-" + $0, label: views.languageName($0), checked: draft.languages.contains($0), value: $0)
            },
            populations: views.choices(.population, chosen: draft.populations, prefix: "population:"),
            types: views.choices(.serviceType, chosen: draft.serviceTypes, prefix: "type:"),
            days: ScheduleRules.dayCodes.map {
                .init(name: "day:" + $0, id: "day-" + $0, label: strings["day_" + $0.lowercased()], checked: draft.days.contains($0), value: $0)
            },
            opensAt: draft.opensAt, closesAt: draft.closesAt, alwaysOpen: draft.twentyFourSeven, confidential: draft.confidential,
            verifiedOn: draft.verifiedOn.isEmpty ? today : draft.verifiedOn, lastVerified: draft.verifiedOn.isEmpty ? nil : draft.verifiedOn,
            error: error?.message(in: strings))
        return renderer.page("directory-editor-form", titleKey: "directory_edit_title", view: view, request: request, context: context,
                             status: error.map(\.httpStatus) ?? .ok)
    }

    @Sendable func editorSave(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        var draft = LocalServiceDraft()
        draft.serviceId = form["service_id"].flatMap { $0.isEmpty ? nil : $0 }
        draft.name = form["name"] ?? ""
        draft.description = form["description"] ?? ""
        draft.status = form["status"] ?? "active"
        draft.phone = form["phone"] ?? ""
        draft.url = form["url"] ?? ""
        draft.street = form["street"] ?? ""
        draft.city = form["city"] ?? ""
        draft.state = form["state"] ?? ""
        draft.postalCode = form["postal_code"] ?? ""
        draft.languages = Self.languageChoices.filter { form["language:" + $0] != nil }
        draft.populations = DirectoryVocabulary.bundled.terms(in: .population).map(\.shortCode).filter { form["population:" + $0] != nil }
        draft.serviceTypes = DirectoryVocabulary.bundled.terms(in: .serviceType).map(\.shortCode).filter { form["type:" + $0] != nil }
        draft.days = ScheduleRules.dayCodes.filter { form["day:" + $0] != nil }
        draft.opensAt = form["opens_at"] ?? ""
        draft.closesAt = form["closes_at"] ?? ""
        draft.twentyFourSeven = form["always_open"] != nil
        draft.confidential = form["confidential"] != nil
        draft.verifiedOn = form["verified_on"] ?? ""
        do {
            _ = try await store.directory.saveLocalService(draft, in: tenant)
            return PageRenderer.redirect(to: "/directory/edit?saved=1")
        } catch let error as DirectoryError {
            return editorPage(draft, error: error, request: request, context: context)
        }
    }
}
