import Foundation
import WaypointCore

/// A report as a grid of text — the header, a row per category, the totals — and that grid written
/// as CSV or as an XLSX workbook. Withheld cells leave as they are shown ("<11", "*"), never as numbers.
enum ReportFiles {
    /// The numbers under the header: each row's cells and total, then the totals row.
    static func grid(_ table: ReportTable) -> [[ReportTable.Cell]] {
        var out = table.cells.enumerated().map { r, cells in cells + (table.rowTotals.map { [$0[r]] } ?? []) }
        if let totals = table.columnTotals { out.append(totals + (table.rowTotals == nil ? [] : [table.total])) }
        if table.rowTotals == nil && table.columnTotals == nil { out.append([table.total]) }
        return out
    }

    static func header(_ table: ReportTable, strings: Localizer) -> [String] {
        [strings["report_dimension_" + table.rowDimension]] + table.columns.map(\.label) + (table.rowTotals == nil ? [] : [strings["report_total"]])
    }

    static func rowLabels(_ table: ReportTable, strings: Localizer) -> [String] {
        table.rows.map(\.label) + [strings["report_total"]]
    }

    /// RFC 4180; the byte-order mark is added by `Download.csv`.
    static func csv(_ table: ReportTable, strings: Localizer) -> String {
        var out = ""
        CSV.append(header(table, strings: strings).map(CSV.text), to: &out)
        out += "\r\n"
        for (label, cells) in zip(rowLabels(table, strings: strings), grid(table)) {
            CSV.append([CSV.text(label)] + cells.map(\.text), to: &out)
            out += "\r\n"
        }
        return out
    }

    /// The smallest SpreadsheetML package a spreadsheet program opens: one sheet, inline strings,
    /// numbers as numbers (ECMA-376 Part 1).
    static func xlsx(_ table: ReportTable, strings: Localizer) throws -> Data {
        var rows: [[(text: String, number: Double?)]] = [header(table, strings: strings).map { ($0, nil) }]
        for (label, cells) in zip(rowLabels(table, strings: strings), grid(table)) {
            rows.append([(label, nil)] + cells.map { ($0.text, $0.value) })
        }
        var sheet = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            """
        for (r, row) in rows.enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let reference = column(c) + String(r + 1)
                if let number = cell.number {
                    sheet += "<c r=\"\(reference)\"><v>\(ReportChart.format(number))</v></c>"
                } else if !cell.text.isEmpty {
                    sheet += "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(PackageFiles.xml(cell.text))</t></is></c>"
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let title = PackageFiles.xml(String(table.title.prefix(31)).replacingOccurrences(of: "/", with: "-"))
        let files: [(String, String)] = [
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                </Types>
                """),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
                </Relationships>
                """),
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                <sheets><sheet name="\(title)" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                </Relationships>
                """),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        return try PackageFiles.zip(files.map { ($0.0, Data($0.1.utf8)) })
    }

    /// A, B, …, Z, AA, …
    static func column(_ index: Int) -> String {
        var (n, name) = (index + 1, "")
        while n > 0 {
            let remainder = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            n = (n - 1) / 26
        }
        return name
    }
}
