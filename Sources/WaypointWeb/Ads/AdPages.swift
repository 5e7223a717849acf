import Foundation
import HTTPTypes
import Hummingbird
import WaypointCore
import WaypointStore

/// `/ads`: the investigators' workbench — import ads with a progress bar, families of ads, a
/// family's page and its lead package, posters and the matches to review. Only investigators.
struct AdPages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/ads", .permission(.investigate), use: overview)
        router.post("/ads/imports", .permission(.investigate), use: startImport)
        router.get("/ads/imports/:id", .permission(.investigate), scope: .organization, use: importProgress)
        router.get("/ads/families/:id", .permission(.investigate), scope: .organization, use: family)
        router.post("/ads/families/:id/notes", .permission(.investigate), scope: .organization, use: note(on: "family", page: "/ads/families/"))
        router.get("/ads/families/:id/lead-package", .permission(.investigate), scope: .organization, outbound: .leadPackage, use: leadPage)
        router.get("/ads/families/:id/lead-package.csv", .permission(.investigate), scope: .organization, outbound: .leadPackage, use: leadCSV)
        router.get("/ads/posters", .permission(.investigate), use: posters)
        router.post("/ads/posters", .permission(.investigate), use: importPosters)
        router.get("/ads/posters/:id", .permission(.investigate), scope: .organization, use: poster)
        router.post("/ads/posters/:id/notes", .permission(.investigate), scope: .organization, use: note(on: "poster", page: "/ads/posters/"))
        router.post("/ads/matches/:id", .permission(.investigate), scope: .organization, use: decide)
    }

    @Sendable func overview(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let view = AdViews(context.language).overview(imports: try await store.ads.imports(in: tenant), families: try await store.ads.families(in: tenant))
        return renderer.page("ads", titleKey: "ads_title", view: view, request: request, context: context)
    }

    /// The file is checked and imported in the background; the browser goes to the progress page.
    @Sendable func startImport(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await MultipartForm.read(request, context: context, limit: AdRules.maximumUploadBytes + 65_536)
        guard let file = form.files["file"], !file.data.isEmpty else { throw AdError.emptyFile }
        let id = try await store.ads.beginImport(fileName: file.fileName, in: tenant)
        let (store, skip) = (store, form.fields["skip_invalid"] == "on")
        store.background.submit { _ = try? await store.ads.runImport(id, source: .data(file.data, name: file.fileName), skipInvalid: skip, in: tenant) }
        return PageRenderer.redirect(to: "/ads/imports/\(id)")
    }

    @Sendable func importProgress(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let status = try await store.ads.status(try context.parameters.require("id"), in: tenant)
        var response = renderer.page("ads-import", titleKey: "ads_import_title", view: AdViews(context.language).importPage(status),
                                     request: request, context: context)
        // Without script, the page reloads itself every second while the import runs.
        if [.checking, .importing, .grouping, .matching].contains(status.stage) { response.headers[HTTPField.Name("Refresh")!] = "1" }
        return response
    }

    @Sendable func family(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let record = try await store.ads.family(try context.parameters.require("id"), in: tenant)
        return renderer.page("ads-family", titleKey: "ads_family_title", view: AdViews(context.language).family(record), request: request, context: context)
    }

    /// A sealed note on a family or a poster; back to its page.
    func note(on subject: String, page: String) -> @Sendable (Request, WaypointRequestContext) async throws -> Response {
        let store = store
        return { request, context in
            let tenant = try context.tenant()
            let id = try context.parameters.require("id")
            let fields = try await FormReader.read(request, context: context)
            try await store.ads.addNote(fields["note"] ?? "", on: subject, id, in: tenant)
            return PageRenderer.redirect(to: page + id + "#notes")
        }
    }

    /// The printable lead package: the family page without forms, for a case file or a referral to
    /// law enforcement. Recorded in the audit log as an export.
    @Sendable func leadPage(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let record = try await store.ads.leadPackage(try context.parameters.require("id"), in: tenant)
        return renderer.page("ads-lead", titleKey: "ads_lead_title", view: AdViews(context.language).family(record, printable: true),
                             request: request, context: context)
    }

    @Sendable func leadCSV(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let record = try await store.ads.leadPackage(try context.parameters.require("id"), in: tenant)
        return Download.csv(AdViews(context.language).leadCSV(record), filename: "lead-package.csv")
    }

    @Sendable func posters(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return renderer.page("ads-posters", titleKey: "ads_posters_title", view: AdViews(context.language).posters(try await store.ads.posters(in: tenant)),
                             request: request, context: context)
    }

    /// All or none; a file with a bad line is refused with every bad line named.
    @Sendable func importPosters(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await MultipartForm.read(request, context: context, limit: 8 * 1_048_576)
        guard let file = form.files["file"], !file.data.isEmpty else { throw AdError.emptyFile }
        let result = try await store.ads.importPosters(file.data, name: file.fileName, in: tenant)
        let view = AdViews(context.language).posters(try await store.ads.posters(in: tenant), problems: result.problems,
                                                     imported: result.problems.isEmpty ? result.imported : nil)
        return renderer.page("ads-posters", titleKey: "ads_posters_title", view: view, request: request, context: context,
                             status: result.problems.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func poster(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let (poster, matches, notes) = try await store.ads.poster(try context.parameters.require("id"), in: tenant)
        return renderer.page("ads-poster", titleKey: "ads_poster_title", view: AdViews(context.language).poster(poster, matches: matches, notes: notes),
                             request: request, context: context)
    }

    @Sendable func decide(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let fields = try await FormReader.read(request, context: context)
        let accept: Bool? = fields["decision"] == "accept" ? true : fields["decision"] == "reject" ? false : nil
        let posterId = try await store.ads.decide(try context.parameters.require("id"), accept: accept, reason: fields["reason"] ?? "", in: tenant)
        return PageRenderer.redirect(to: "/ads/posters/\(posterId)#matches")
    }
}
