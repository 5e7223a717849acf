import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/reports`: the definitions, and each report as JSON, CSV or XLSX — aggregates only,
/// suppressed before they leave the store's counts.
struct ReportsAPI {
    let store: Store
    let policy: SuppressionPolicy

    struct Listing: Encodable { let reports: [Summary] }
    struct Summary: Encodable {
        let id: String, title: String, description: String, source: String, rows: String, columns: String?, measure: String, chart: String
        let funder: String?, citations: [String], dimensions: [String], measures: [String], filters: [String]
    }

    struct Imported: Encodable { let imported: [String] }

    func register(on api: APIRoutes) {
        api.get("/reports", .permission(.readReports), use: list)
        api.post("/report-definitions", .permission(.defineReports), use: importDefinitions)
        api.get("/reports/:id", .permission(.readReports), use: report)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let definitions = try await store.reportDefinitions.all(in: tenant)
        return try JSONBody.response(Listing(reports: definitions.map { Self.summary($0, language: context.language) }))
    }

    /// A definitions file (a JSON list, as `Resources/reports/definitions.json`): all or none.
    @Sendable func importDefinitions(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let imported = try await store.reportDefinitions.importFile(Data(buffer: body), in: tenant)
        return try JSONBody.response(Imported(imported: imported.map(\.id)), status: .created)
    }

    static func summary(_ definition: ReportDefinition, language: Language) -> Summary {
        Summary(id: definition.id, title: definition.title(in: language), description: definition.description(in: language),
                source: definition.source.rawValue, rows: definition.rows, columns: definition.columns, measure: definition.measure.rawValue,
                chart: definition.chart.rawValue, funder: definition.funder, citations: definition.citations,
                dimensions: definition.source.groupings.map(\.name), measures: definition.source.measures.map(\.rawValue),
                filters: definition.source.filters.map(\.name))
    }

    @Sendable func report(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let query = QueryParameters.all(request)
        let format = query["format"] ?? "json"
        guard ["json", "csv", "xlsx"].contains(format) else { throw ReportError.invalidFormat(format) }
        let table = try await Self.table(store: store, id: try context.parameters.require("id"), query: query, policy: policy,
                                         language: context.language, in: tenant)
        return try Self.response(table, format: format, language: context.language)
    }

    /// The one way a report is made, for the API and the pages: definition, checked request,
    /// the dataset's counts, the suppressed table.
    static func table(store: Store, id: String, query: [String: String], policy: SuppressionPolicy, language: Language,
                      in tenant: TenantContext) async throws -> ReportTable {
        let definition = try await store.reportDefinitions.definition(id, in: tenant)
        let request = try ReportRequest(definition, query: query, today: store.clients.today())
        return ReportRules.table(request, counts: try await store.reports.counts(request, in: tenant), policy: policy, language: language)
    }

    static func response(_ table: ReportTable, format: String, language: Language) throws -> Response {
        let strings = Localizer(language)
        let name = "report-\(table.id)-\(table.from)-\(table.to)"
        switch format {
        case "csv": return Download.csv(ReportFiles.csv(table, strings: strings), filename: name + ".csv")
        case "xlsx":
            return Download.file(try ReportFiles.xlsx(table, strings: strings),
                                 type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename: name + ".xlsx")
        default: return try JSONBody.response(table)
        }
    }
}
