import Foundation

/// Why a published count is or is not shown.
public enum CellMark: String, Codable, Sendable, Equatable {
    case shown
    /// A count from 1 up to the threshold: small enough to point at a person. Shown as "<11".
    case small
    /// A count of at least the threshold, withheld so a small one cannot be worked out from the totals.
    case complementary

    public var isWithheld: Bool { self != .shown }
}

/// Counts 1…(threshold − 1) are never shown. The threshold may be raised, never lowered below 11:
/// the CMS cell-size policy (no cell of 1–10) is the floor (research casemgmt-security.md §B3.5).
public struct SuppressionPolicy: Sendable, Equatable {
    public static let floor = 11
    public let threshold: Int

    public init(threshold: Int = SuppressionPolicy.floor) {
        self.threshold = max(threshold, Self.floor)
    }

    public func isSmall(_ count: Int) -> Bool { count > 0 && count < threshold }
    /// How a withheld small count is written: "<11".
    public var smallLabel: String { "<\(threshold)" }
}

/// A cross-tab as published: interior counts, the total of each row (when there are several
/// columns), of each column (when there are several rows) and the grand total, with a mark on each.
///
/// The grid is "extended": row `rowCount` holds the column totals and column `columnCount` the row
/// totals, so every published number is a cell and every total is one equation
/// (research casemgmt-security.md §B3.5: no cell may be derivable from other cells or totals).
public struct SuppressedTable: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// (rows + 1) × (columns + 1); the last row and column are totals.
    public let values: [[Int]]
    public let marks: [[CellMark]]

    public var hasRowTotals: Bool { columnCount > 1 }
    public var hasColumnTotals: Bool { rowCount > 1 }
    public var grandTotal: (value: Int, mark: CellMark) { (values[rowCount][columnCount], marks[rowCount][columnCount]) }
}

/// Totals of a table that other tables withhold: rows by index, columns by index, the grand total.
/// In a one-column table a row's total is the row's cell.
public struct WithheldTotals: Sendable, Equatable {
    public var rows: Set<Int>, columns: Set<Int>, grand: Bool

    public init(rows: Set<Int> = [], columns: Set<Int> = [], grand: Bool = false) {
        (self.rows, self.columns, self.grand) = (rows, columns, grand)
    }
}

public enum Suppression {
    struct Cell: Hashable, Comparable {
        let row: Int, column: Int
        static func < (a: Cell, b: Cell) -> Bool { (a.row, a.column) < (b.row, b.column) }
    }

    /// Suppresses `cells` (rows × columns of non-negative counts): small counts first, then as many
    /// other cells as it takes for no withheld count to be worked out from what is shown.
    ///
    /// A two-way table starts from the suppression its one-way tables (its totals) have, so it never
    /// shows a total they withhold; `withheld` adds the totals other tables of the same period
    /// withhold (`ReportFamily` finds them), and those stay withheld too.
    public static func apply(_ cells: [[Int]], policy: SuppressionPolicy = SuppressionPolicy(),
                             withheld: WithheldTotals = WithheldTotals()) -> SuppressedTable {
        let rows = cells.count, columns = cells.first?.count ?? 0
        precondition(cells.allSatisfy { $0.count == columns } && cells.joined().allSatisfy { $0 >= 0 }, "a table of non-negative counts")
        var values = Array(repeating: Array(repeating: 0, count: columns + 1), count: rows + 1)
        for r in 0..<rows { for c in 0..<columns {
            values[r][c] = cells[r][c]
            values[r][columns] += cells[r][c]
            values[rows][c] += cells[r][c]
            values[rows][columns] += cells[r][c]
        } }
        var marks = Array(repeating: Array(repeating: CellMark.shown, count: columns + 1), count: rows + 1)
        let grid = Grid(rows: rows, columns: columns)
        if rows > 1 && columns > 1 {
            // Totals first, as their one-way tables have them; they are then kept as they are.
            let byRow = apply((0..<rows).map { [values[$0][columns]] }, policy: policy)
            let byColumn = apply((0..<columns).map { [values[rows][$0]] }, policy: policy)
            for r in 0..<rows { marks[r][columns] = byRow.marks[r][0] }
            for c in 0..<columns { marks[rows][c] = byColumn.marks[c][0] }
            let grand = [byRow.marks[rows][0], byColumn.marks[columns][0]]
            marks[rows][columns] = grand.first(where: \.isWithheld) ?? .shown
        }
        // Totals withheld elsewhere; a zero total is all zeros, shown everywhere.
        let forced = withheld.rows.filter { $0 < rows }.map { Cell(row: $0, column: columns) }
            + withheld.columns.filter { $0 < columns }.map { Cell(row: rows, column: $0) }
            + (withheld.grand ? [Cell(row: rows, column: columns)] : [])
        for total in forced.map(grid.canonical) where values[total.row][total.column] > 0 && marks[total.row][total.column] == .shown {
            marks[total.row][total.column] = policy.isSmall(values[total.row][total.column]) ? .small : .complementary
        }
        for cell in grid.published where policy.isSmall(values[cell.row][cell.column]) && marks[cell.row][cell.column] == .shown {
            marks[cell.row][cell.column] = .small
        }
        // Withhold one more cell at a time until the attacker in `Disclosure` recovers nothing.
        var chosen: [Cell] = []
        while case let exposed = Disclosure.recoverable(values: values, marks: marks, grid: grid, policy: policy), !exposed.isEmpty {
            let partner = exposed.lazy.compactMap { complement(for: $0, values: values, marks: marks, grid: grid) }.first
                ?? grid.published.filter { isCandidate($0, values: values, marks: marks) }.min { rank($0, values, grid) < rank($1, values, grid) }
            guard let partner else { break }
            marks[partner.row][partner.column] = .complementary
            chosen.append(partner)
        }
        // One at a time the greedy choice can end up withholding more than it needs (an early
        // complement made a later one redundant): show again each chosen cell — totals first, the
        // largest first — whose showing lets nothing be recovered. Other tables print the totals,
        // so every total kept shown here is one fewer withheld everywhere.
        for cell in chosen.sorted(by: { (grid.isTotal($0) ? 0 : 1, -values[$0.row][$0.column], $0) < (grid.isTotal($1) ? 0 : 1, -values[$1.row][$1.column], $1) }) {
            marks[cell.row][cell.column] = .shown
            if !Disclosure.recoverable(values: values, marks: marks, grid: grid, policy: policy).isEmpty {
                marks[cell.row][cell.column] = .complementary
            }
        }
        // Totals that are not printed (a one-column table's row totals) carry the mark of the cell they repeat.
        for r in 0...rows { for c in 0...columns where !grid.isPublished(r, c) {
            let same = grid.canonical(.init(row: r, column: c))
            marks[r][c] = marks[same.row][same.column]
        } }
        return SuppressedTable(rowCount: rows, columnCount: columns, values: values, marks: marks)
    }

    /// The cell to withhold next to protect `exposed`: one on the same row or column; the smallest
    /// inner count, else the smallest total. Never a zero: zeros are shown, and a withheld zero
    /// beside a small total is worked out at once (it cannot be 11 or more).
    static func complement(for exposed: Cell, values: [[Int]], marks: [[CellMark]], grid: Grid) -> Cell? {
        grid.lines(through: exposed).flatMap { $0 }.filter { isCandidate($0, values: values, marks: marks) }.min { rank($0, values, grid) < rank($1, values, grid) }
    }

    static func isCandidate(_ cell: Cell, values: [[Int]], marks: [[CellMark]]) -> Bool {
        marks[cell.row][cell.column] == .shown && values[cell.row][cell.column] > 0
    }

    static func rank(_ cell: Cell, _ values: [[Int]], _ grid: Grid) -> (Int, Int, Cell) {
        (cell.row < grid.rows && cell.column < grid.columns ? 0 : 1, values[cell.row][cell.column], cell)
    }
}

/// Which cells of the extended grid are published, and which totals tie them together.
struct Grid {
    let rows: Int, columns: Int
    /// Each equation as its cells, the total last: parts sum to the total. Built once: the
    /// suppression loop asks for the lines through a cell many times.
    private(set) var equations: [[Suppression.Cell]] = []

    init(rows: Int, columns: Int) {
        (self.rows, self.columns) = (rows, columns)
        equations = makeEquations()
    }

    /// A row total is published only when there are several columns, a column total only with several rows.
    var published: [Suppression.Cell] {
        var cells: [Suppression.Cell] = []
        for r in 0...rows { for c in 0...columns where isPublished(r, c) { cells.append(.init(row: r, column: c)) } }
        return cells
    }

    func isTotal(_ cell: Suppression.Cell) -> Bool { cell.row == rows || cell.column == columns }

    func isPublished(_ r: Int, _ c: Int) -> Bool { canonical(.init(row: r, column: c)) == .init(row: r, column: c) }

    private func makeEquations() -> [[Suppression.Cell]] {
        var lines: [[Suppression.Cell]] = []
        let rowIndexes = rows > 1 ? Array(0...rows) : [0]
        let columnIndexes = columns > 1 ? Array(0...columns) : [0]
        // Across each row (its parts, then its total).
        for r in rowIndexes {
            let parts = (0..<columns).map { Suppression.Cell(row: r, column: $0) }
            let total = Suppression.Cell(row: r, column: columns)
            lines.append(parts + [total])
        }
        // Down each column.
        for c in columnIndexes {
            let parts = (0..<rows).map { Suppression.Cell(row: $0, column: c) }
            lines.append(parts + [Suppression.Cell(row: rows, column: c)])
        }
        return lines.map { $0.map(canonical) }.filter { Set($0).count > 1 }
    }

    /// With one column the row total is the cell itself (and with one row the column total):
    /// both name the published one.
    func canonical(_ cell: Suppression.Cell) -> Suppression.Cell {
        var (r, c) = (cell.row, cell.column)
        if columns == 1 && c == 1 { c = 0 }
        if rows == 1 && r == 1 { r = 0 }
        return .init(row: r, column: c)
    }

    func lines(through cell: Suppression.Cell) -> [[Suppression.Cell]] { equations.filter { $0.contains(cell) } }
}
