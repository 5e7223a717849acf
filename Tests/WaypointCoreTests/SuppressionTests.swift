import Foundation
import Testing
@testable import WaypointCore

@Suite("Small-cell and complementary suppression")
struct SuppressionTests {
    typealias Seeded = TrainingRulesTests.Seeded
    let policy = SuppressionPolicy()

    @Test("counts 1–10 are withheld as small, zeros and counts of 11 or more are shown, and the threshold never drops below 11")
    func primary() {
        let table = Suppression.apply([[0], [11], [25], [40]])
        #expect(table.marks.map { $0[0] } == [.shown, .shown, .shown, .shown, .shown])
        #expect(SuppressionPolicy(threshold: 5).threshold == 11 && SuppressionPolicy(threshold: 20).threshold == 20)
        #expect(SuppressionPolicy().smallLabel == "<11")
        let raised = Suppression.apply([[15], [30]], policy: SuppressionPolicy(threshold: 20))
        #expect(raised.marks[0][0] == .small && raised.marks[1][0] == .complementary)
    }

    @Test("a lone small count is protected by a second cell, so the total cannot give it away")
    func oneWay() {
        let table = Suppression.apply([[5], [0], [30]])
        #expect(table.marks.map { $0[0] } == [.small, .shown, .complementary, .shown])
        #expect(table.values[3][0] == 35)
        #expect(Self.attack(table, policy: policy).isEmpty)
    }

    @Test("the attacker recovers a small count when only small counts are withheld (the test can fail)")
    func attackerWorks() {
        var table = Suppression.apply([[5, 20], [12, 30]])
        // Undo every complementary suppression: the small 5 then follows from its row total.
        let marks = table.marks.map { $0.map { $0 == .complementary ? CellMark.shown : $0 } }
        table = SuppressedTable(rowCount: 2, columnCount: 2, values: table.values, marks: marks)
        #expect(Self.attack(table, policy: policy).contains(where: { $0.row == 0 && $0.column == 0 }))
        // Two small counts of 10 in a row totalling 20 are pinned by their bounds alone.
        let pinned = SuppressedTable(rowCount: 1, columnCount: 2, values: [[10, 10, 20], [10, 10, 20]],
                                     marks: [[.small, .small, .shown], [.small, .small, .shown]])
        #expect(Self.attack(pinned, policy: policy).count == 2)
    }

    @Test("random cross-tabs: solving the totals' equations (with every bound the marks give away) recovers no withheld count, and no total their one-way tables withhold is shown")
    func property() {
        var generator = Seeded(state: 20261130)
        var withheldTotal = 0
        for _ in 0..<1000 {
            // Up to nine inner cells: small enough for the attacker below to try every solution.
            let rows = Int.random(in: 1...3, using: &generator), columns = Int.random(in: 1...3, using: &generator)
            let cells = (0..<rows).map { _ in (0..<columns).map { _ -> Int in
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<3: 0
                case 3..<7: Int.random(in: 1...10, using: &generator)
                default: Int.random(in: 11...25, using: &generator)
                }
            } }
            let table = Suppression.apply(cells, policy: policy)
            let recovered = Self.attack(table, policy: policy)
            #expect(recovered.isEmpty, "recovered \(recovered) from \(cells) marked \(table.marks)")
            // No small count is ever shown, and every shown count is the true one.
            for r in 0...rows { for c in 0...columns {
                if policy.isSmall(table.values[r][c]) { #expect(table.marks[r][c] == .small) }
                if table.values[r][c] == 0 { #expect(table.marks[r][c] == .shown) }
            } }
            withheldTotal += table.marks.joined().filter(\.isWithheld).count
            if rows > 1 && columns > 1 {
                let byRow = Suppression.apply((0..<rows).map { [table.values[$0][columns]] }, policy: policy)
                let byColumn = Suppression.apply((0..<columns).map { [table.values[rows][$0]] }, policy: policy)
                for r in 0..<rows where byRow.marks[r][0].isWithheld { #expect(table.marks[r][columns].isWithheld) }
                for c in 0..<columns where byColumn.marks[c][0].isWithheld { #expect(table.marks[rows][c].isWithheld) }
            }
        }
        #expect(withheldTotal > 800)
    }

    // MARK: - An attacker written apart from the production check

    struct Position: Hashable { let row: Int, column: Int }

    /// Every withheld count the published table pins to one value: all integer solutions of the
    /// totals' equations are enumerated, a small cell taking 1…threshold−1 and a complementary one
    /// threshold… (zeros are always shown), up to past the true grand total.
    static func attack(_ table: SuppressedTable, policy: SuppressionPolicy) -> [Position] {
        let (rows, columns) = (table.rowCount, table.columnCount)
        var published: [Position] = []
        for r in 0..<rows { for c in 0..<columns { published.append(.init(row: r, column: c)) } }
        if columns > 1 { for r in 0..<rows { published.append(.init(row: r, column: columns)) } }
        if rows > 1 { for c in 0..<columns { published.append(.init(row: rows, column: c)) } }
        if rows > 1 && columns > 1 { published.append(.init(row: rows, column: columns)) }
        // A one-column table's total sits under the column; a one-row table's at the end of the row.
        let grand = rows > 1 && columns > 1 ? Position(row: rows, column: columns)
            : columns == 1 && rows > 1 ? Position(row: rows, column: 0)
            : rows == 1 && columns > 1 ? Position(row: 0, column: columns) : Position(row: 0, column: 0)
        var equations: [(parts: [Position], total: Position)] = []
        if columns > 1 { for r in 0..<rows { equations.append(((0..<columns).map { .init(row: r, column: $0) }, .init(row: r, column: columns))) } }
        if rows > 1 { for c in 0..<columns { equations.append(((0..<rows).map { .init(row: $0, column: c) }, .init(row: rows, column: c))) } }
        if rows > 1 && columns > 1 {
            equations.append(((0..<rows).map { .init(row: $0, column: columns) }, grand))
            equations.append(((0..<columns).map { .init(row: rows, column: $0) }, grand))
        }
        let unknown = published.filter { table.marks[$0.row][$0.column].isWithheld }
        guard !unknown.isEmpty else { return [] }
        let ceiling = table.values[grand.row][grand.column] + policy.threshold
        let domains = Dictionary(uniqueKeysWithValues: unknown.map { p in
            (p, table.marks[p.row][p.column] == .small ? Array(1..<policy.threshold) : Array(policy.threshold...ceiling))
        })
        func domain(_ p: Position) -> [Int] { domains[p]! }
        var assigned: [Position: Int] = [:]
        for p in published where !unknown.contains(p) { assigned[p] = table.values[p.row][p.column] }
        let smallCount = { (cells: [Position]) in cells.filter { assigned[$0] == nil && table.marks[$0.row][$0.column] == .small }.count }
        /// No total is exceeded by its assigned parts plus the least its open small parts can add,
        /// and complete equations hold.
        func consistent() -> Bool {
            for equation in equations {
                let sum = equation.parts.compactMap { assigned[$0] }.reduce(0, +)
                guard let total = assigned[equation.total] else { continue }
                if sum + smallCount(equation.parts) > total { return false }
                if equation.parts.allSatisfy({ assigned[$0] != nil }) && sum != total { return false }
            }
            return true
        }
        /// A solution, if there is one, in which `cell` does not take `value`.
        func solve(avoiding cell: Position?, _ value: Int?) -> [Position: Int]? {
            guard consistent() else { return nil }
            for equation in equations {
                let open = (equation.parts + [equation.total]).filter { assigned[$0] == nil }
                guard open.count == 1, let missing = open.first else { continue }
                let partsSum = equation.parts.compactMap { assigned[$0] }.reduce(0, +)
                let forced = missing == equation.total ? partsSum : (assigned[equation.total] ?? 0) - partsSum
                guard let range = domains[missing], let low = range.first, let high = range.last, (low...high).contains(forced), !(missing == cell && forced == value) else { return nil }
                assigned[missing] = forced
                defer { assigned[missing] = nil }
                return solve(avoiding: cell, value)
            }
            guard let next = unknown.first(where: { assigned[$0] == nil }) else { return assigned }
            for candidate in domain(next) where !(next == cell && candidate == value) {
                assigned[next] = candidate
                defer { assigned[next] = nil }
                if let found = solve(avoiding: cell, value) { return found }
            }
            return nil
        }
        guard let first = solve(avoiding: nil, nil) else { return unknown }
        return unknown.filter { solve(avoiding: $0, first[$0]) == nil }
    }
}
