import Foundation
import WaypointCore

/// A report drawn as SVG on the server (no script): bars, stacked bars or lines, with a title and a
/// description for screen readers; the table beside it carries every number. Withheld cells are
/// not drawn — the table says "<11" or "*" for them.
enum ReportChart {
    static let palette = ["#1f5f8b", "#d08c2b", "#3a7d44", "#8c4a9e", "#b33c3c", "#5a6b7b", "#2b9aa0", "#a07d2b", "#6d8f2f", "#7b4b2a"]
    static let (width, height, left, bottom, top, right) = (720.0, 340.0, 56.0, 70.0, 16.0, 16.0)

    static func svg(_ table: ReportTable, summary: String) -> String {
        let series = table.columns.count
        var values: [[Double?]] = table.cells.map { $0.map(\.value) }
        let stacked = table.chart == .stackedBar && series > 1
        let maximum = max(1, values.map { row in stacked ? row.compactMap { $0 }.reduce(0, +) : (row.compactMap { $0 }.max() ?? 0) }.max() ?? 1)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(values.count, 1))
        // Below the plot, five series to a line.
        let legendRows = series > 1 ? (series + 4) / 5 : 0
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / maximum) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 \(Int(width)) \(Int(height) + legendRows * 16 + 4)" role="img" aria-labelledby="chart-title chart-desc">
            <title id="chart-title">\(PackageFiles.xml(table.title))</title><desc id="chart-desc">\(PackageFiles.xml(summary))</desc>
            <line x1="\(left)" y1="\(y(0))" x2="\(width - right)" y2="\(y(0))" stroke="#333"/>
            """
        for tick in ticks(maximum) {
            out += "<text x=\"\(left - 6)\" y=\"\(y(tick) + 4)\" text-anchor=\"end\" font-size=\"11\">\(format(tick))</text>"
            out += "<line x1=\"\(left)\" y1=\"\(y(tick))\" x2=\"\(width - right)\" y2=\"\(y(tick))\" stroke=\"#ddd\"/>"
        }
        for (r, label) in table.rows.enumerated() {
            let x = left + slot * (Double(r) + 0.5)
            out += "<text x=\"\(x)\" y=\"\(height - bottom + 14)\" text-anchor=\"end\" font-size=\"11\" transform=\"rotate(-35 \(x) \(height - bottom + 14))\">\(PackageFiles.xml(label.label))</text>"
        }
        if table.chart == .line {
            if values.isEmpty { values = [[]] }
            for s in 0..<series {
                var path = "", drawing = false
                for r in values.indices {
                    guard let value = values[r][s] else { drawing = false; continue }
                    let (x, yy) = (left + slot * (Double(r) + 0.5), y(value))
                    path += (drawing ? " L" : " M") + "\(x) \(yy)"
                    drawing = true
                    out += "<circle cx=\"\(x)\" cy=\"\(yy)\" r=\"3\" fill=\"\(palette[s % palette.count])\"/>"
                }
                if !path.isEmpty { out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(palette[s % palette.count])\" stroke-width=\"2\"/>" }
            }
        } else {
            let barWidth = slot * 0.7 / Double(stacked ? 1 : series)
            for r in values.indices {
                var base = 0.0
                for s in 0..<series {
                    guard let value = values[r][s], value > 0 else { continue }
                    let x = left + slot * Double(r) + slot * 0.15 + (stacked ? 0 : barWidth * Double(s))
                    let (from, to) = stacked ? (base, base + value) : (0, value)
                    out += "<rect x=\"\(x)\" y=\"\(y(to))\" width=\"\(barWidth)\" height=\"\(y(from) - y(to))\" fill=\"\(palette[s % palette.count])\"><title>\(PackageFiles.xml(table.rows[r].label)) · \(PackageFiles.xml(table.columns[s].label)): \(format(value))</title></rect>"
                    if stacked { base += value }
                }
            }
        }
        if series > 1 {
            for (s, label) in table.columns.enumerated() {
                let x = left + Double(s % 5) * 130, yy = height + 4 + Double(s / 5) * 16
                out += "<rect x=\"\(x)\" y=\"\(yy - 9)\" width=\"10\" height=\"10\" fill=\"\(palette[s % palette.count])\"/><text x=\"\(x + 14)\" y=\"\(yy)\" font-size=\"11\">\(PackageFiles.xml(label.label))</text>"
            }
        }
        return out + "</svg>"
    }

    static func ticks(_ maximum: Double) -> [Double] {
        let raw = maximum / 4
        let magnitude = pow(10, floor(log10(max(raw, 1))))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return stride(from: step, through: maximum, by: step).map { $0 }
    }

    static func format(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value) }

}
