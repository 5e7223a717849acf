import Foundation

/// A report as asked for: the definition, its period and filters, and any regrouping, all checked.
public struct ReportRequest: Sendable {
    public let definition: ReportDefinition
    public let rows: ReportDimension
    public let columns: ReportDimension?
    public let measure: ReportMeasure
    public let from: String, to: String
    public let fromDay: Int64, toDay: Int64
    public let filters: [ReportDimension: String]

    /// A period longer than this is refused: five years of days is plenty for any funder's report.
    public static let longestPeriodDays = 5 * 366
    static let reserved: Set<String> = ["from", "to", "by", "measure", "format", "lang"]

    /// The query of `GET /api/v1/reports/{id}` (and of the report page): `from`, `to`
    /// (YYYY-MM-DD; by default the year so far), `by=rows[,columns]`, `measure`, and the source's
    /// filters by name. Anything unknown is named in the error.
    public init(_ definition: ReportDefinition, query: [String: String], today: String) throws {
        self.definition = definition
        let dimensions = definition.source.dimensions
        func dimension(_ name: String) throws -> ReportDimension {
            guard let found = dimensions.first(where: { $0.name == name }) else { throw ReportError.unknownDimension(name) }
            return found
        }
        if let by = query["by"], !by.isEmpty {
            let names = by.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (1...2).contains(names.count), Set(names).count == names.count else { throw ReportError.unknownDimension(by) }
            let (first, second) = (try dimension(names[0]), names.count == 2 ? try dimension(names[1]) : nil)
            guard definition.source.offers(first, second) else { throw ReportError.notOffered(by) }
            (rows, columns) = (first, second)
        } else {
            rows = definition.rowDimension
            columns = definition.columnDimension
        }
        if let name = query["measure"], !name.isEmpty {
            guard let chosen = ReportMeasure(rawValue: name), definition.source.measures.contains(chosen) else { throw ReportError.unknownMeasure(name) }
            measure = chosen
        } else {
            measure = definition.measure
        }
        let year = String(today.prefix(4))
        from = query["from"].flatMap { $0.isEmpty ? nil : $0 } ?? year + "-01-01"
        to = query["to"].flatMap { $0.isEmpty ? nil : $0 } ?? today
        guard let start = HSDSRowRules.dayNumber(from) else { throw ReportError.invalidPeriod("from") }
        guard let end = HSDSRowRules.dayNumber(to), end >= start, end - start < Self.longestPeriodDays else { throw ReportError.invalidPeriod("to") }
        (fromDay, toDay) = (Int64(start), Int64(end))
        var filters: [ReportDimension: String] = [:]
        for (name, value) in query where !Self.reserved.contains(name) && !value.isEmpty {
            guard let filter = definition.source.filters.first(where: { $0.name == name }) else { throw ReportError.unknownFilter(name) }
            guard value.count <= 100, filter.values?.contains(value) ?? true else { throw ReportError.unknownFilter(name) }
            filters[filter] = value
        }
        self.filters = filters
    }

    private init(_ request: ReportRequest, shape: ReportShape) {
        (definition, rows, columns, measure) = (request.definition, shape.rows, shape.columns, request.measure)
        (from, to, fromDay, toDay, filters) = (request.from, request.to, request.fromDay, request.toDay, [:])
    }

    public var shape: ReportShape { ReportShape(rows: rows, columns: columns) }

    /// The same period grouped as `shape`, unfiltered: one table of the request's family.
    public func member(_ shape: ReportShape) -> ReportRequest { ReportRequest(self, shape: shape) }

    /// The first day of the federal fiscal year (1 October) the period starts in.
    public var fiscalYearStartDay: Int64 {
        guard let parts = HSDSRowRules.dateParts(from) else { return fromDay }
        let year = parts.month >= 10 ? parts.year : parts.year - 1
        return Int64(HSDSRowRules.dayNumber(HSDSRowRules.dateText(year: year, month: 10, day: 1)) ?? Int(fromDay))
    }
}

/// One group of the reporting dataset as the store counts it: its row and column values and what it holds.
public struct ReportGroup: Sendable, Equatable {
    public let row: String, column: String
    public let people: Int, records: Int, units: Int, daysSum: Int, daysCount: Int

    public init(row: String, column: String = "", people: Int, records: Int, units: Int = 0, daysSum: Int = 0, daysCount: Int = 0) {
        (self.row, self.column, self.people, self.records, self.units, self.daysSum, self.daysCount) = (row, column, people, records, units, daysSum, daysCount)
    }
}

/// What the store counted for one report: the request's own groups, and the groups of every
/// table of its family (`ReportSource.family`) over the same period, unfiltered.
public struct ReportCounts: Sendable {
    public let groups: [ReportGroup]
    public let family: [ReportShape: [ReportGroup]]

    public init(groups: [ReportGroup], family: [ReportShape: [ReportGroup]]) { (self.groups, self.family) = (groups, family) }

    /// From one grouping by every dimension of an additive source (`values` in the order of
    /// `ReportSource.dimensions`): the request's groups (its filters applied) and every family table, by summing.
    public init(_ request: ReportRequest, cube: [(values: [String], group: ReportGroup)]) {
        let dimensions = request.definition.source.dimensions
        groups = Self.sum(cube, dimensions: dimensions, onto: request.shape, filters: request.filters)
        family = Dictionary(uniqueKeysWithValues: request.definition.source.family.map { ($0, Self.sum(cube, dimensions: dimensions, onto: $0)) })
    }

    /// Finer groups (`values` in the order of `dimensions`) added up into the groups of `shape`,
    /// keeping those that match `filters`. Exact wherever the counts add up over what is summed away.
    public static func sum(_ rows: [(values: [String], group: ReportGroup)], dimensions: [ReportDimension], onto shape: ReportShape,
                           filters: [ReportDimension: String] = [:]) -> [ReportGroup] {
        func position(_ dimension: ReportDimension) -> Int { dimensions.firstIndex(of: dimension)! }
        let (r, c) = (position(shape.rows), shape.columns.map(position))
        let conditions = filters.map { (position($0.key), $0.value) }
        var sums: [String: ReportGroup] = [:]
        for (values, group) in rows where conditions.allSatisfy({ values[$0.0] == $0.1 }) {
            let (row, column) = (values[r], c.map { values[$0] } ?? "")
            sums[row + "\u{1F}" + column] = sums[row + "\u{1F}" + column].map { $0.adding(group) }
                ?? ReportGroup(row: row, column: column, people: group.people, records: group.records, units: group.units,
                               daysSum: group.daysSum, daysCount: group.daysCount)
        }
        return Array(sums.values)
    }
}

extension ReportGroup {
    func adding(_ other: ReportGroup) -> ReportGroup {
        ReportGroup(row: row, column: column, people: people + other.people, records: records + other.records, units: units + other.units,
                    daysSum: daysSum + other.daysSum, daysCount: daysCount + other.daysCount)
    }
}

/// A published report: labels, every cell with its mark, and what to say about it.
public struct ReportTable: Codable, Sendable, Equatable {
    public struct Label: Codable, Sendable, Equatable { public let key: String, label: String }
    /// One published number: its value when shown (nil when withheld), how it is written, and why.
    public struct Cell: Codable, Sendable, Equatable {
        public let value: Double?
        public let text: String
        public let mark: CellMark
    }

    public let id: String
    public let title: String
    public let description: String
    public let from: String, to: String
    public let measure: ReportMeasure
    public let rowDimension: String
    public let columnDimension: String?
    public let rows: [Label]
    public let columns: [Label]
    public let cells: [[Cell]]
    /// Present when there are several columns.
    public let rowTotals: [Cell]?
    /// Present when there are several rows.
    public let columnTotals: [Cell]?
    public let total: Cell
    public let threshold: Int
    public let chart: ReportDefinition.Chart
    public let funder: String?
    public let citations: [String]
    public let filters: [String: String]
}

public enum ReportRules {

    /// The table for `counts` (the dataset's counts for the request and its family): closed lists
    /// in their order with zeros, open ones as found; suppression decided on the number of people
    /// in each cell, whatever the measure shows, and coordinated with every other table of the
    /// period (`ReportFamily`).
    public static func table(_ request: ReportRequest, counts: ReportCounts, policy: SuppressionPolicy, language: Language) -> ReportTable {
        let strings = Localizer(language)
        let layout = Layout(request.shape, groups: counts.groups, request: request)
        let family = self.family(request, counts: counts, policy: policy)
        let filters = Dictionary(uniqueKeysWithValues: request.filters.map { ($0.key.name, $0.value) })
        let withheld = family.totals(rows: request.rows.name, rowKeys: layout.rowKeys, columns: request.columns?.name,
                                     columnKeys: layout.columnKeys, filters: filters)
        var suppressed = Suppression.apply(layout.people, policy: policy, withheld: withheld)
        if request.columns == nil, request.filters.count == 1, let (filter, value) = request.filters.first, filter != request.rows,
           let column = family.column(rows: request.rows.name, rowKeys: layout.rowKeys, people: layout.people.map { $0[0] }, filter: filter.name, value: value) {
            suppressed = column
        }
        let shown = request.measure == .people ? layout.people : request.measure == .units ? layout.units : layout.records
        let extendedShown = extend(shown), extendedSum = extend(layout.daysSum), extendedCount = extend(layout.daysCount)
        func cell(_ r: Int, _ c: Int) -> ReportTable.Cell {
            let mark = suppressed.marks[r][c]
            switch mark {
            case .small: return .init(value: nil, text: policy.smallLabel, mark: mark)
            case .complementary: return .init(value: nil, text: "*", mark: mark)
            case .shown:
                if request.measure == .days {
                    guard extendedCount[r][c] > 0 else { return .init(value: nil, text: "–", mark: .shown) }
                    let mean = (Double(extendedSum[r][c]) / Double(extendedCount[r][c]) * 10).rounded() / 10
                    return .init(value: mean, text: String(format: "%.1f", mean), mark: .shown)
                }
                return .init(value: Double(extendedShown[r][c]), text: String(extendedShown[r][c]), mark: .shown)
            }
        }
        let (rowCount, columnCount) = (layout.rowKeys.count, layout.width)
        let definition = request.definition
        return ReportTable(
            id: definition.id, title: definition.title(in: language), description: definition.description(in: language),
            from: request.from, to: request.to, measure: request.measure, rowDimension: request.rows.name, columnDimension: request.columns?.name,
            rows: layout.rowKeys.map { .init(key: $0, label: label(request.rows, $0, strings)) },
            columns: request.columns.map { dimension in layout.columnKeys.map { .init(key: $0, label: label(dimension, $0, strings)) } }
                ?? [.init(key: request.measure.rawValue, label: strings["report_measure_" + request.measure.rawValue])],
            cells: (0..<rowCount).map { r in (0..<columnCount).map { cell(r, $0) } },
            rowTotals: columnCount > 1 ? (0..<rowCount).map { cell($0, columnCount) } : nil,
            columnTotals: rowCount > 1 ? (0..<columnCount).map { cell(rowCount, $0) } : nil,
            total: cell(rowCount, columnCount), threshold: policy.threshold, chart: definition.chart, funder: definition.funder,
            citations: definition.citations, filters: filters)
    }

    /// Every table of the request's period suppressed together (its family's counts are unfiltered).
    public static func family(_ request: ReportRequest, counts: ReportCounts, policy: SuppressionPolicy) -> ReportFamily {
        ReportFamily(request.definition.source.family.map { shape in
            let layout = Layout(shape, groups: counts.family[shape] ?? [], request: request)
            return ReportFamily.Table(rows: shape.rows.name, columns: shape.columns?.name, rowKeys: layout.rowKeys,
                                      columnKeys: layout.columnKeys, people: layout.people)
        }, policy: policy)
    }

    /// Counts laid out as a table of one shape: every measure, rows × columns (one column when none).
    struct Layout {
        let rowKeys: [String], columnKeys: [String]
        var people: [[Int]], records: [[Int]], units: [[Int]], daysSum: [[Int]], daysCount: [[Int]]
        var width: Int { rowKeys.isEmpty ? 0 : columnKeys.count }

        init(_ shape: ReportShape, groups: [ReportGroup], request: ReportRequest) {
            rowKeys = ReportRules.keys(shape.rows, found: groups.map(\.row), request: request)
            columnKeys = shape.columns.map { ReportRules.keys($0, found: groups.map(\.column), request: request) } ?? [""]
            let rowIndex = Dictionary(uniqueKeysWithValues: rowKeys.enumerated().map { ($1, $0) })
            let columnIndex = Dictionary(uniqueKeysWithValues: columnKeys.enumerated().map { ($1, $0) })
            // No rows (an open list with nothing in the period): an empty table with a zero total.
            let zero = Array(repeating: Array(repeating: 0, count: rowKeys.isEmpty ? 0 : columnKeys.count), count: rowKeys.count)
            (people, records, units, daysSum, daysCount) = (zero, zero, zero, zero, zero)
            for group in groups {
                guard let r = rowIndex[group.row], let c = columnIndex[shape.columns == nil ? "" : group.column] else { continue }
                people[r][c] += group.people
                records[r][c] += group.records
                units[r][c] += group.units
                daysSum[r][c] += group.daysSum
                daysCount[r][c] += group.daysCount
            }
        }
    }

    /// With its totals in the last row and column, as `Suppression` lays a table out.
    static func extend(_ cells: [[Int]]) -> [[Int]] {
        let columns = cells.first?.count ?? 0
        var out = cells.map { $0 + [$0.reduce(0, +)] }
        out.append((0...columns).map { c in out.reduce(0) { $0 + $1[c] } })
        return out
    }

    /// The values a dimension shows: a closed list in its order; months, every month of the period;
    /// open lists, the values found, sorted.
    static func keys(_ dimension: ReportDimension, found: [String], request: ReportRequest) -> [String] {
        if let values = dimension.values { return values }
        if dimension == .month { return months(from: request.from, to: request.to) }
        return Array(Set(found)).sorted()
    }

    static func months(from: String, to: String) -> [String] {
        guard let start = HSDSRowRules.dateParts(from), let end = HSDSRowRules.dateParts(to) else { return [] }
        var (year, month) = (start.year, start.month)
        var out: [String] = []
        while (year, month) <= (end.year, end.month) {
            out.append(String(year * 100 + month))
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        return out
    }

    static func label(_ dimension: ReportDimension, _ key: String, _ strings: Localizer) -> String {
        if dimension == .month, key.count == 6 { return String(key.prefix(4)) + "-" + String(key.suffix(2)) }
        if dimension.values != nil { return strings["report_value_\(dimension.name)_\(key)"] }
        return key.isEmpty ? strings["report_value_none"] : key
    }
}
