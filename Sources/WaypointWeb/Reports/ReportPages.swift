import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/reports`: the shipped reports, and each one as a chart with its table beside it, the period and
/// filters as a form, and its downloads. The same use case as the API.
struct ReportPages {
    let store: Store
    let renderer: PageRenderer
    let policy: SuppressionPolicy

    func register(on router: PageRoutes) {
        router.get("/reports", .permission(.readReports), use: list)
        router.get("/reports/import", .permission(.defineReports), use: importForm)
        router.post("/reports/import", .permission(.defineReports), use: importDefinitions)
        router.get("/reports/:id", .permission(.readReports), use: report)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let definitions = try await store.reportDefinitions.all(in: tenant)
        return renderer.page("reports", titleKey: "reports_title",
                             view: ReportViews(context.language).list(definitions, mayDefine: Policy.allows(tenant.role, .defineReports)),
                             request: request, context: context)
    }

    struct Import { let definitions: String, problem: String?, imported: String? }

    @Sendable func importForm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        _ = try context.tenant()
        return renderer.page("reports-import", titleKey: "reports_import_title", view: Import(definitions: "", problem: nil, imported: nil),
                             request: request, context: context)
    }

    /// The file pasted or uploaded as text; refused with the problem named, nothing imported.
    @Sendable func importDefinitions(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let text = try await FormReader.read(request, context: context)["definitions"] ?? ""
        do {
            let imported = try await store.reportDefinitions.importFile(Data(text.utf8), in: tenant)
            return renderer.page("reports-import", titleKey: "reports_import_title",
                                 view: Import(definitions: "", problem: nil, imported: imported.map(\.id).joined(separator: ", ")),
                                 request: request, context: context, status: .created)
        } catch let error as ReportError {
            return renderer.page("reports-import", titleKey: "reports_import_title",
                                 view: Import(definitions: text, problem: error.message(in: Localizer(context.language)), imported: nil),
                                 request: request, context: context, status: error.httpStatus)
        }
    }

    @Sendable func report(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        var query = QueryParameters.all(request)
        let id = try context.parameters.require("id")
        let definition = try await store.reportDefinitions.definition(id, in: tenant)
        let views = ReportViews(context.language)
        if let format = query.removeValue(forKey: "format"), format != "html" {
            guard ["csv", "xlsx", "json"].contains(format) else { throw ReportError.invalidFormat(format) }
            let table = try await ReportsAPI.table(store: store, id: id, query: query, policy: policy, language: context.language, in: tenant)
            return try ReportsAPI.response(table, format: format, language: context.language)
        }
        do {
            let table = try await ReportsAPI.table(store: store, id: id, query: query, policy: policy, language: context.language, in: tenant)
            return renderer.page("report", titleKey: "reports_title", view: views.report(definition, table: table, query: query),
                                 request: request, context: context)
        } catch let error as ReportError {
            return renderer.page("report", titleKey: "reports_title",
                                 view: views.report(definition, table: nil, query: query, error: error.message(in: Localizer(context.language))),
                                 request: request, context: context, status: .badRequest)
        }
    }
}
