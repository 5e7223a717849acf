import Foundation

/// A small PDF 1.4 writer for printable records (certificates, compliance reports): US Letter
/// pages, the standard Helvetica fonts (no embedding), wrapped text, table rows and rules, and a
/// footer with page numbers. Text is written in WinAnsi (Windows-1252): what it cannot show prints
/// as "?". No library for PDF is in the mirror, and this is all these records need.
struct SimplePDF {
    static let width = 612.0, height = 792.0, margin = 54.0

    private var pages: [[String]] = []
    private var operations: [String] = []
    private(set) var y = height - margin
    let footer: String

    init(footer: String) { self.footer = footer }

    /// Helvetica's advance widths (per 1,000 units of size) for ASCII 32–126, from its AFM metrics.
    static let widths: [Int] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
        278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
        611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
        556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]

    static func textWidth(_ text: String, size: Double, bold: Bool) -> Double {
        let units = text.unicodeScalars.reduce(0) { sum, scalar in
            sum + ((32...126).contains(scalar.value) ? widths[Int(scalar.value) - 32] : 556)
        }
        return Double(units) * size / 1000 * (bold ? 1.06 : 1)
    }

    /// Lines of at most `width` points, broken at spaces (a word longer than a line is cut).
    static func wrap(_ text: String, width: Double, size: Double, bold: Bool) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if textWidth(candidate, size: size, bold: bold) <= width || line.isEmpty && textWidth(word, size: size, bold: bold) <= width {
                line = candidate
            } else if line.isEmpty {
                lines.append(fit(word, width: width, size: size, bold: bold))
            } else {
                lines.append(line)
                line = textWidth(word, size: size, bold: bold) <= width ? word : fit(word, width: width, size: size, bold: bold)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    /// The text cut to `width`, ending with "…" when cut.
    static func fit(_ text: String, width: Double, size: Double, bold: Bool) -> String {
        guard textWidth(text, size: size, bold: bold) > width else { return text }
        var cut = text
        while !cut.isEmpty && textWidth(cut + "...", size: size, bold: bold) > width { cut.removeLast() }
        return cut + "..."
    }

    /// A PDF literal string: backslash, parentheses and control characters escaped.
    static func literal(_ text: String) -> String {
        var out = "("
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "(": out += "\\("
            case ")": out += "\\)"
            case _ where scalar.value < 32: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + ")"
    }

    mutating func ensureRoom(_ points: Double) {
        if y - points < Self.margin + 20 { newPage() }
    }

    mutating func newPage() {
        pages.append(operations)
        operations = []
        y = Self.height - Self.margin
    }

    mutating func text(_ text: String, x: Double, size: Double, bold: Bool = false) {
        operations.append("BT /\(bold ? "F2" : "F1") \(size) Tf \(x) \(y) Td \(Self.literal(text)) Tj ET")
    }

    /// A paragraph, wrapped to the page (or centred), moving down as it goes.
    mutating func paragraph(_ text: String, size: Double = 11, bold: Bool = false, centered: Bool = false, after: Double = 6) {
        let usable = Self.width - 2 * Self.margin
        for line in Self.wrap(text, width: usable, size: size, bold: bold) {
            ensureRoom(size * 1.4)
            y -= size * 1.3
            let x = centered ? (Self.width - Self.textWidth(line, size: size, bold: bold)) / 2 : Self.margin
            self.text(line, x: x, size: size, bold: bold)
        }
        y -= after
    }

    /// One table row: each cell cut to its column.
    mutating func row(_ cells: [String], widths: [Double], size: Double = 9, bold: Bool = false) {
        ensureRoom(size * 1.5)
        y -= size * 1.4
        var x = Self.margin
        for (cell, width) in zip(cells, widths) {
            text(Self.fit(cell, width: width - 4, size: size, bold: bold), x: x, size: size, bold: bold)
            x += width
        }
    }

    mutating func rule(after: Double = 6) {
        y -= 3
        operations.append("0.6 G 0.5 w \(Self.margin) \(y) m \(Self.width - Self.margin) \(y) l S 0 G")
        y -= after
    }

    mutating func space(_ points: Double) { y -= points }

    /// The finished file.
    func data() -> Data {
        let all = pages + (operations.isEmpty && !pages.isEmpty ? [] : [operations])
        var objects: [Data] = []
        func add(_ text: String) { objects.append(Data(text.utf8)) }
        add("<< /Type /Catalog /Pages 2 0 R >>")
        let kids = all.indices.map { "\(5 + $0 * 2) 0 R" }.joined(separator: " ")
        add("<< /Type /Pages /Kids [\(kids)] /Count \(all.count) >>")
        add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        for (index, page) in all.enumerated() {
            add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Self.width) \(Self.height)] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(6 + index * 2) 0 R >>")
            let foot = "BT /F1 8 Tf \(Self.margin) 30 Td \(Self.literal("\(footer) · \(index + 1) / \(all.count)")) Tj ET"
            let stream = (page + [foot]).joined(separator: "\n").data(using: .windowsCP1252, allowLossyConversion: true) ?? Data()
            var object = Data("<< /Length \(stream.count) >>\nstream\n".utf8)
            object.append(stream)
            object.append(Data("\nendstream".utf8))
            objects.append(object)
        }
        var file = Data("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(file.count)
            file.append(Data("\(index + 1) 0 obj\n".utf8))
            file.append(object)
            file.append(Data("\nendobj\n".utf8))
        }
        let table = file.count
        var xref = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { xref += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        xref += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(table)\n%%EOF\n"
        file.append(Data(xref.utf8))
        return file
    }
}
