import Foundation

/// The attacker the suppression defends against: someone holding the published table who solves
/// the totals' equations, and who knows that a cell marked small is 1…(threshold − 1) and one
/// withheld to protect it at least the threshold (zeros are always shown).
enum Disclosure {
    /// The withheld cells whose values follow from what is shown.
    static func recoverable(values: [[Int]], marks: [[CellMark]], grid: Grid, policy: SuppressionPolicy) -> [Suppression.Cell] {
        let unknowns = grid.published.filter { marks[$0.row][$0.column].isWithheld }
        guard !unknowns.isEmpty else { return [] }
        let index = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
        // Each total as Σ parts − total = 0, with the shown values moved to the right-hand side.
        var equations: [(coefficients: [Int: Double], constant: Double)] = []
        for line in grid.equations {
            var coefficients: [Int: Double] = [:]
            var constant = 0.0
            for (position, cell) in line.enumerated() {
                let sign: Double = position == line.count - 1 ? -1 : 1
                if let k = index[cell] { coefficients[k, default: 0] += sign } else { constant -= sign * Double(values[cell.row][cell.column]) }
            }
            if !coefficients.isEmpty { equations.append((coefficients, constant)) }
        }
        let solved = Set(determinedByEquations(equations, unknownCount: unknowns.count))
            .union(pinnedByBounds(equations, unknowns: unknowns, marks: marks, policy: policy))
        return unknowns.enumerated().filter { solved.contains($0.offset) }.map(\.element)
    }

    /// Unknowns whose unit vector lies in the span of the equations: reduced row echelon form, then
    /// a pivot whose row has no other non-zero entry.
    static func determinedByEquations(_ equations: [(coefficients: [Int: Double], constant: Double)], unknownCount: Int) -> [Int] {
        var matrix = equations.map { equation -> [Double] in
            var row = Array(repeating: 0.0, count: unknownCount)
            for (k, value) in equation.coefficients { row[k] = value }
            return row
        }
        var pivots: [(row: Int, column: Int)] = []
        var top = 0
        for column in 0..<unknownCount where top < matrix.count {
            guard let best = (top..<matrix.count).max(by: { abs(matrix[$0][column]) < abs(matrix[$1][column]) }),
                  abs(matrix[best][column]) > 1e-9 else { continue }
            matrix.swapAt(top, best)
            let scale = matrix[top][column]
            matrix[top] = matrix[top].map { $0 / scale }
            for other in 0..<matrix.count where other != top && abs(matrix[other][column]) > 1e-9 {
                let factor = matrix[other][column]
                for k in 0..<unknownCount { matrix[other][k] -= factor * matrix[top][k] }
            }
            pivots.append((top, column))
            top += 1
        }
        return pivots.filter { pivot in (0..<unknownCount).allSatisfy { $0 == pivot.column || abs(matrix[pivot.row][$0]) < 1e-9 } }.map(\.column)
    }

    /// Unknowns pinned to one value by bounds pushed through the equations until nothing changes
    /// (two small cells in a row of total 20 are both 10).
    static func pinnedByBounds(_ equations: [(coefficients: [Int: Double], constant: Double)], unknowns: [Suppression.Cell],
                               marks: [[CellMark]], policy: SuppressionPolicy) -> [Int] {
        let unbounded = Int.max / 4
        var low = unknowns.map { marks[$0.row][$0.column] == .small ? 1 : policy.threshold }
        var high = unknowns.map { marks[$0.row][$0.column] == .small ? policy.threshold - 1 : unbounded }
        var changed = true
        var rounds = 0
        while changed && rounds < 64 {
            changed = false
            rounds += 1
            for equation in equations {
                // Σ aₖxₖ = constant with aₖ = ±1.
                for (k, a) in equation.coefficients {
                    var restLow = 0, restHigh = 0
                    for (j, b) in equation.coefficients where j != k {
                        let (l, h) = b > 0 ? (low[j], high[j]) : (-high[j], -low[j])
                        restLow = max(restLow + l, -unbounded)
                        restHigh = min(restHigh + h, unbounded)
                    }
                    let constant = Int(equation.constant.rounded())
                    // a·xₖ = constant − rest
                    var (newLow, newHigh) = a > 0 ? (constant - restHigh, constant - restLow) : (restLow - constant, restHigh - constant)
                    newLow = max(newLow, low[k]); newHigh = min(newHigh, high[k])
                    if newLow > low[k] || newHigh < high[k], newLow <= newHigh {
                        (low[k], high[k]) = (newLow, newHigh)
                        changed = true
                    }
                }
            }
        }
        return unknowns.indices.filter { low[$0] == high[$0] }
    }
}
