import Foundation
import WaypointCore

/// What the report pages show.
struct ReportViews {
    let strings: Localizer
    let language: Language

    init(_ language: Language) {
        self.language = language
        strings = Localizer(language)
    }

    struct Item { let id: String, title: String, description: String, funder: String? }
    struct List { let reports: [Item], funderReports: [Item], ownReports: [Item], hasOwnReports: Bool, mayDefine: Bool }

    func list(_ definitions: [ReportDefinition], mayDefine: Bool) -> List {
        let shipped = Set(ReportCatalog.shipped.map(\.id))
        let items = definitions.map { Item(id: $0.id, title: $0.title(in: language), description: $0.description(in: language), funder: $0.funder) }
        let own = items.filter { !shipped.contains($0.id) }
        return List(reports: items.filter { $0.funder == nil && shipped.contains($0.id) }, funderReports: items.filter { $0.funder != nil && shipped.contains($0.id) },
                    ownReports: own, hasOwnReports: !own.isEmpty, mayDefine: mayDefine)
    }

    struct Filter { let name: String, label: String, isSelect: Bool, options: [Option], value: String }
    struct Row { let label: String, cells: [Cell], total: Cell?, isTotal: Bool }
    struct Cell { let text: String, withheld: Bool }
    struct Page {
        let id: String, title: String, description: String, funder: String?
        let from: String, to: String, filters: [Filter]
        let chartSVG: String?, hasTable: Bool
        let rowHeading: String, columns: [String], hasRowTotals: Bool, rows: [Row]
        let legend: String, citations: [String], downloadQuery: String
        /// Said when one person can stand in several rows: the totals add rows.
        let rowsNote: String?
        let error: String?
    }

    func report(_ definition: ReportDefinition, table: ReportTable?, query: [String: String], error: String? = nil) -> Page {
        let filters = definition.source.filters.map { dimension in
            Filter(name: dimension.name, label: strings["report_dimension_" + dimension.name], isSelect: dimension.values != nil,
                   options: [Option(value: "", label: strings["report_all"], selected: (query[dimension.name] ?? "").isEmpty)]
                       + (dimension.values ?? []).map { Option(value: $0, label: strings["report_value_\(dimension.name)_\($0)"], selected: query[dimension.name] == $0) },
                   value: query[dimension.name] ?? "")
        }
        var rows: [Row] = []
        if let table {
            for (r, label) in table.rows.enumerated() {
                rows.append(Row(label: label.label, cells: table.cells[r].map(cell), total: table.rowTotals.map { cell($0[r]) }, isTotal: false))
            }
            if let totals = table.columnTotals {
                rows.append(Row(label: strings["report_total"], cells: totals.map(cell), total: table.rowTotals == nil ? nil : cell(table.total), isTotal: true))
            } else if table.rowTotals == nil {
                rows.append(Row(label: strings["report_total"], cells: [cell(table.total)], total: nil, isTotal: true))
            }
        }
        let download = query.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }
        return Page(
            id: definition.id, title: definition.title(in: language), description: definition.description(in: language), funder: definition.funder,
            from: table?.from ?? query["from"] ?? "", to: table?.to ?? query["to"] ?? "", filters: filters,
            chartSVG: table.map { ReportChart.svg($0, summary: summary($0)) }, hasTable: table != nil,
            rowHeading: strings["report_dimension_" + (table?.rowDimension ?? definition.rows)],
            columns: table?.columns.map(\.label) ?? [], hasRowTotals: table?.rowTotals != nil, rows: rows,
            legend: strings.format("report_legend", ["threshold": String(table?.threshold ?? SuppressionPolicy.floor)]),
            citations: definition.citations, downloadQuery: download.joined(separator: "&"),
            rowsNote: definition.source.countsPeopleInEachRow && (table?.measure ?? definition.measure) == .people ? strings["report_rows_note"] : nil,
            error: error)
    }

    func cell(_ cell: ReportTable.Cell) -> Cell { Cell(text: cell.text, withheld: cell.mark.isWithheld) }

    /// The chart's description for screen readers: what it shows and where the numbers are.
    func summary(_ table: ReportTable) -> String {
        strings.format("report_chart_summary", ["from": table.from, "to": table.to, "total": table.total.text])
    }

    func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
}
