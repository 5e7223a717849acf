import Foundation
import Testing
@testable import WaypointCore

/// Reports of one period read side by side: the one-way and two-way tables of a three-way count,
/// and the one-way tables filtered to each value of the third dimension.
@Suite("Suppression coordinated across the reports of one period")
struct ReportFamilyTests {
    typealias Seeded = TrainingRulesTests.Seeded
    let policy = SuppressionPolicy()

    /// A published number: which cells of the three-way count it adds up, its value, and whether it is shown.
    struct Published { let vector: [Double], value: Int, withheld: Bool, name: String, table: String }

    /// The tables a reader can get over dimensions a, b, c (c is also a filter), suppressed as the
    /// reports are — with the family (`coordinated`) or each on its own.
    static func publish(_ cube: [[[Int]]], coordinated: Bool, policy: SuppressionPolicy) -> [Published] {
        let sizes = [cube.count, cube[0].count, cube[0][0].count]
        let names = ["a", "b", "c"]
        let keys = sizes.map { size in (0..<size).map { "v\($0)" } }
        func index(_ a: Int, _ b: Int, _ c: Int) -> Int { (a * sizes[1] + b) * sizes[2] + c }
        let cellCount = sizes.reduce(1, *)
        // A table over dimensions `rows` (and `columns`), optionally only where c == `slice`.
        func table(_ rows: Int, _ columns: Int?, slice: Int? = nil) -> (people: [[Int]], vectors: [[[Double]]]) {
            var people = Array(repeating: Array(repeating: 0, count: columns.map { sizes[$0] } ?? 1), count: sizes[rows])
            var vectors = people.map { $0.map { _ in Array(repeating: 0.0, count: cellCount) } }
            for a in 0..<sizes[0] { for b in 0..<sizes[1] { for c in 0..<sizes[2] where slice == nil || slice == c {
                let at = [a, b, c]
                let (r, k) = (at[rows], columns.map { at[$0] } ?? 0)
                people[r][k] += cube[a][b][c]
                vectors[r][k][index(a, b, c)] = 1
            } } }
            return (people, vectors)
        }
        let shapes: [(Int, Int?)] = [(0, nil), (1, nil), (2, nil), (0, 1), (0, 2), (1, 2)]
        let family = ReportFamily(shapes.map { rows, columns in
            ReportFamily.Table(rows: names[rows], columns: columns.map { names[$0] }, rowKeys: keys[rows],
                               columnKeys: columns.map { keys[$0] } ?? [""], people: table(rows, columns).people)
        }, policy: policy)
        var published: [Published] = []
        func add(_ rows: Int, _ columns: Int?, slice: Int?) {
            let (people, vectors) = table(rows, columns, slice: slice)
            let withheld = !coordinated ? WithheldTotals()
                : family.totals(rows: names[rows], rowKeys: keys[rows], columns: columns.map { names[$0] }, columnKeys: columns.map { keys[$0] } ?? [""],
                                filters: slice.map { ["c": keys[2][$0]] } ?? [:])
            var suppressed = Suppression.apply(people, policy: policy, withheld: withheld)
            if coordinated, columns == nil, let slice,
               let column = family.column(rows: names[rows], rowKeys: keys[rows], people: people.map { $0[0] }, filter: "c", value: keys[2][slice]) {
                suppressed = column
            }
            let extended = ReportRules.extend(people)
            let (rowCount, columnCount) = (people.count, people[0].count)
            for r in 0...rowCount { for k in 0...columnCount {
                // Totals that repeat a cell (one column, one row) are the cell.
                if (columnCount == 1 && k == 1) || (rowCount == 1 && r == 1) { continue }
                var vector = Array(repeating: 0.0, count: cellCount)
                for i in 0..<rowCount where r == rowCount || r == i { for j in 0..<columnCount where k == columnCount || k == j {
                    for x in 0..<cellCount { vector[x] += vectors[i][j][x] }
                } }
                let table = "\(names[rows])\(columns.map { "×" + names[$0] } ?? "")\(slice.map { "|c=\($0)" } ?? "")"
                published.append(Published(vector: vector, value: extended[r][k], withheld: suppressed.marks[r][k].isWithheld,
                                           name: "\(table)[\(r),\(k)]", table: table))
            } }
        }
        for (rows, columns) in shapes { add(rows, columns, slice: nil) }
        for slice in 0..<sizes[2] { add(0, nil, slice: slice); add(1, nil, slice: slice) }
        return published
    }

    /// The withheld numbers an attacker holding every published table works out exactly: those
    /// whose vector lies in the span of the shown ones (Gaussian elimination, written apart from `Disclosure`).
    static func recovered(_ published: [Published]) -> [Published] {
        let shown = published.filter { !$0.withheld }.map(\.vector)
        let basis = echelon(shown)
        return published.filter { $0.withheld && $0.value > 0 && inSpan($0.vector, basis) }
    }

    static func echelon(_ vectors: [[Double]]) -> [(pivot: Int, vector: [Double])] {
        var basis: [(pivot: Int, vector: [Double])] = []
        for vector in vectors {
            var v = reduce(vector, basis)
            guard let pivot = v.firstIndex(where: { abs($0) > 1e-9 }) else { continue }
            let scale = v[pivot]
            v = v.map { $0 / scale }
            basis.append((pivot, v))
        }
        return basis
    }

    static func reduce(_ vector: [Double], _ basis: [(pivot: Int, vector: [Double])]) -> [Double] {
        var v = vector
        for (pivot, b) in basis where abs(v[pivot]) > 1e-9 {
            let factor = v[pivot]
            for x in v.indices { v[x] -= factor * b[x] }
        }
        return v
    }

    static func inSpan(_ vector: [Double], _ basis: [(pivot: Int, vector: [Double])]) -> Bool {
        reduce(vector, basis).allSatisfy { abs($0) < 1e-6 }
    }

    static func randomCube(_ generator: inout Seeded) -> [[[Int]]] {
        let (a, b, c) = (Int.random(in: 2...3, using: &generator), Int.random(in: 2...3, using: &generator), Int.random(in: 2...3, using: &generator))
        return (0..<a).map { _ in (0..<b).map { _ in (0..<c).map { _ -> Int in
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<3: 0
            case 3..<6: Int.random(in: 1...10, using: &generator)
            default: Int.random(in: 11...40, using: &generator)
            }
        } } }
    }

    /// What a reader holding every one-way table and any `others` more reports of the period works out.
    static func recovered(_ published: [Published], holdingOneWayAnd others: Int) -> [Published] {
        let oneWay = Set(["a", "b", "c"])
        let tables = Array(Set(published.map(\.table)).subtracting(oneWay)).sorted()
        var found: [Published] = []
        func choose(_ start: Int, _ held: Set<String>, _ left: Int) {
            guard left > 0 else {
                found += recovered(published.filter { held.contains($0.table) }).map {
                    Published(vector: $0.vector, value: $0.value, withheld: true, name: $0.name + " with " + held.sorted().joined(separator: "+"), table: $0.table)
                }
                return
            }
            for i in start..<tables.count { choose(i + 1, held.union([tables[i]]), left - 1) }
        }
        choose(0, oneWay, others)
        return found
    }

    @Test("random three-way counts: every one-way table with any other report of the period (two-way, or filtered to one value) gives away no withheld count")
    func property() {
        var generator = Seeded(state: 20261201)
        for _ in 0..<300 {
            let cube = Self.randomCube(&generator)
            let published = Self.publish(cube, coordinated: true, policy: policy)
            let recovered = Self.recovered(published, holdingOneWayAnd: 1)
            #expect(recovered.isEmpty, "recovered \(recovered.map(\.name)) from \(cube)")
            #expect(!published.contains { !$0.withheld && policy.isSmall($0.value) }, "a small count shown in \(cube)")
        }
    }

    @Test("the same tables suppressed each on its own do give counts away to that reader (the attacker above can find them)")
    func uncoordinatedLeaks() {
        var generator = Seeded(state: 20261201)
        var leaking = 0
        for _ in 0..<300 where !Self.recovered(Self.publish(Self.randomCube(&generator), coordinated: false, policy: policy), holdingOneWayAnd: 1).isEmpty {
            leaking += 1
        }
        #expect(leaking > 10, "only \(leaking) of 300 leaked")
    }

    @Test("a total withheld in one table is withheld in every table of the period that prints it, and a fixed point is reached")
    func totalsAgree() throws {
        // b = v0 is 5 + 0: small in every table; a two-way table that must withhold more of its totals makes the others follow.
        let cube = [[[5, 30], [20, 25]], [[0, 12], [40, 33]]]
        let published = Self.publish(cube, coordinated: true, policy: policy)
        let family = ReportFamily([
            .init(rows: "a", columns: nil, rowKeys: ["x", "y"], columnKeys: [""], people: [[60], [85]]),
            .init(rows: "a", columns: "b", rowKeys: ["x", "y"], columnKeys: ["p", "q"], people: [[5, 55], [0, 85]]),
            .init(rows: "b", columns: nil, rowKeys: ["p", "q"], columnKeys: [""], people: [[5], [140]]),
        ], policy: policy)
        #expect(family.withheld["b"] == ["p", "q"], "the 5 and, to protect it, the 140 beside it")
        #expect(family.passes >= 2)
        let one = try #require(family.suppressed(rows: "a", columns: "b"))
        #expect(one.marks[2][0].isWithheld && one.marks[2][1].isWithheld)
        #expect(Self.recovered(published).isEmpty)
    }
}
