import Foundation

/// Every table a reader can get over one source in one period — each dimension alone and each pair
/// on offer — suppressed together. A total withheld in one table is withheld in every table that
/// prints it, and the tables are suppressed again until none withholds a total another shows (a
/// fixed point: withheld totals only grow, so it ends). Two reports of one period side by side then
/// give an attacker no equation that one of them alone does not.
///
/// A report filtered to one value of a dimension (`?program=A`) is a column of the pair (its
/// dimension, the filter's), so its cells start from that column's marks: the filtered reports of
/// every program and the unfiltered one are together that pair, already protected.
public struct ReportFamily: Sendable {
    /// One table of the family: people per cell, rows × columns (one column when `columns` is nil).
    public struct Table: Sendable {
        public let rows: String, columns: String?
        public let rowKeys: [String], columnKeys: [String]
        public let people: [[Int]]

        public init(rows: String, columns: String?, rowKeys: [String], columnKeys: [String], people: [[Int]]) {
            (self.rows, self.columns, self.rowKeys, self.columnKeys, self.people) = (rows, columns, rowKeys, columnKeys, people)
        }

        var name: String { columns.map { rows + "," + $0 } ?? rows }
    }

    /// Per dimension, the values whose total is withheld in every table.
    public private(set) var withheld: [String: Set<String>] = [:]
    public private(set) var grandWithheld = false
    /// How many passes over the tables the fixed point took (at least one).
    public private(set) var passes = 0
    private var tables: [String: (table: Table, suppressed: SuppressedTable)] = [:]
    private let minimumShown: Int

    public init(_ tables: [Table], policy: SuppressionPolicy) {
        minimumShown = policy.threshold
        var changed = true
        while changed {
            changed = false
            passes += 1
            for table in tables {
                let suppressed = Suppression.apply(table.people, policy: policy,
                                                   withheld: totals(rows: table.rows, rowKeys: table.rowKeys, columns: table.columns, columnKeys: table.columnKeys))
                self.tables[table.name] = (table, suppressed)
                changed = absorb(suppressed, of: table) || changed
            }
        }
    }

    /// The totals of a table over these dimensions that the family withholds.
    public func totals(rows: String, rowKeys: [String], columns: String?, columnKeys: [String]) -> WithheldTotals {
        let rowValues = withheld[rows] ?? [], columnValues = columns.flatMap { withheld[$0] } ?? []
        return WithheldTotals(rows: Set(rowKeys.indices.filter { rowValues.contains(rowKeys[$0]) }),
                              columns: columns == nil ? [] : Set(columnKeys.indices.filter { columnValues.contains(columnKeys[$0]) }),
                              grand: grandWithheld)
    }

    /// The totals of a table filtered to `filters` (dimension → value) that the family withholds:
    /// its row totals are the column of the pair (rows, filter), its column totals that of
    /// (columns, filter), its grand total the filter's own cell. With two filters the grand total
    /// is the cell of their pair, and rows and columns take what either filter's pair withholds.
    public func totals(rows: String, rowKeys: [String], columns: String?, columnKeys: [String], filters: [String: String]) -> WithheldTotals {
        guard !filters.isEmpty else { return totals(rows: rows, rowKeys: rowKeys, columns: columns, columnKeys: columnKeys) }
        func slice(_ dimension: String, _ keys: [String]) -> Set<Int> {
            Set(keys.indices.filter { index in
                filters.contains { filter in
                    // Grouped by the filter's own dimension, only the filtered value has people.
                    filter.key == dimension ? keys[index] == filter.value && isWithheld(dimension, filter.value)
                        : isWithheld(dimension, keys[index], filter.key, filter.value)
                }
            })
        }
        let pairs = filters.sorted { $0.key < $1.key }
        let grand = pairs.count == 1 ? isWithheld(pairs[0].key, pairs[0].value)
            : pairs.contains { a in pairs.contains { b in a.key < b.key && isWithheld(a.key, a.value, b.key, b.value) } }
        return WithheldTotals(rows: slice(rows, rowKeys), columns: columns.map { slice($0, columnKeys) } ?? [], grand: grand)
    }

    /// A one-way table filtered to `value` of `filter` is the column of the pair (its dimension,
    /// the filter) for that value: this gives it exactly that column's marks (its total is the
    /// column's total). Suppressing it anew could withhold a cell the pair shows to protect a
    /// total the pair withholds — and the pair would give both away. Nil when the family lacks the pair.
    public func column(rows: String, rowKeys: [String], people: [Int], filter: String, value: String) -> SuppressedTable? {
        let mark: (String) -> CellMark?
        if let (table, suppressed) = tables[rows + "," + filter] {
            let c = table.columnKeys.firstIndex(of: value)
            mark = { key in
                guard let c else { return .shown }
                return table.rowKeys.firstIndex(of: key).map { suppressed.marks[$0][c] } ?? .shown
            }
        } else if let (table, suppressed) = tables[filter + "," + rows] {
            let r = table.rowKeys.firstIndex(of: value)
            mark = { key in
                guard let r else { return .shown }
                return table.columnKeys.firstIndex(of: key).map { suppressed.marks[r][$0] } ?? .shown
            }
        } else {
            return nil
        }
        let total = people.reduce(0, +)
        var marks = rowKeys.map { [mark($0) ?? .shown] }
        let totalMark: CellMark = total == 0 ? .shown : isWithheld(filter, value) ? (total < minimumShown ? .small : .complementary) : .shown
        marks.append([totalMark])
        return SuppressedTable(rowCount: rowKeys.count, columnCount: 1, values: people.map { [$0, $0] } + [[total, total]],
                               marks: marks.map { [$0[0], $0[0]] })
    }

    /// The suppressed table over these dimensions, when the family has it.
    public func suppressed(rows: String, columns: String?) -> SuppressedTable? {
        tables[columns.map { rows + "," + $0 } ?? rows]?.suppressed
    }

    /// Whether the one-way cell `value` of `dimension` is withheld.
    func isWithheld(_ dimension: String, _ value: String) -> Bool {
        withheld[dimension]?.contains(value) ?? false
    }

    /// Whether the cell (a = x, b = y) of the pair of `a` and `b` (either way round) is withheld. A
    /// pair the family lacks counts as withheld: a cell no table vouches for is not shown.
    func isWithheld(_ a: String, _ x: String, _ b: String, _ y: String) -> Bool {
        if let (table, suppressed) = tables[a + "," + b], let r = table.rowKeys.firstIndex(of: x), let c = table.columnKeys.firstIndex(of: y) {
            return suppressed.marks[r][c].isWithheld
        }
        if let (table, suppressed) = tables[b + "," + a], let r = table.rowKeys.firstIndex(of: y), let c = table.columnKeys.firstIndex(of: x) {
            return suppressed.marks[r][c].isWithheld
        }
        return tables[a + "," + b] == nil && tables[b + "," + a] == nil
    }

    /// Adds the totals `suppressed` withholds; true when any was new.
    private mutating func absorb(_ suppressed: SuppressedTable, of table: Table) -> Bool {
        var changed = false
        let (rows, columns) = (suppressed.rowCount, suppressed.columnCount)
        for r in 0..<rows where suppressed.marks[r][columns].isWithheld {
            changed = withheld[table.rows, default: []].insert(table.rowKeys[r]).inserted || changed
        }
        if let dimension = table.columns {
            for c in 0..<columns where suppressed.marks[rows][c].isWithheld {
                changed = withheld[dimension, default: []].insert(table.columnKeys[c]).inserted || changed
            }
        }
        if suppressed.marks[rows][columns].isWithheld && !grandWithheld {
            grandWithheld = true
            changed = true
        }
        return changed
    }
}
