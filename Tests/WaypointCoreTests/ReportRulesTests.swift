import Foundation
import Testing
@testable import WaypointCore

@Suite("Report definitions and tables")
struct ReportRulesTests {
    @Test("the shipped definitions load, each cites its source, and every category they can show has a label in both languages")
    func shippedDefinitions() throws {
        let definitions = ReportCatalog.shipped
        #expect(definitions.count >= 17 && Set(definitions.map(\.id)).count == definitions.count)
        for language in Language.allCases {
            let keys = Localizer.keys(of: language)
            for definition in definitions {
                #expect(!definition.citations.isEmpty && !definition.title(in: language).isEmpty)
                for dimension in definition.source.dimensions + definition.source.filters {
                    #expect(keys.contains("report_dimension_" + dimension.name), "\(dimension.name) in \(language)")
                    for value in dimension.values ?? [] {
                        #expect(keys.contains("report_value_\(dimension.name)_\(value)"), "\(dimension.name)=\(value) in \(language)")
                    }
                }
                for measure in definition.source.measures { #expect(keys.contains("report_measure_" + measure.rawValue)) }
            }
        }
        // Funder-shaped reports name their funder; the VOCA groups map only the service types we could place.
        #expect(definitions.filter { $0.funder != nil }.map(\.id).sorted() == ["hmis-youth-exits", "otip-closures", "otip-entries", "voca-service-groups", "voca-victims-served"])
        #expect(Set(VOCAServiceGroups.mapping.values).isSubset(of: Set(VOCAServiceGroups.groups)))
    }

    @Test("definitions from a file are checked like everything else: the problem and the definition are named")
    func definitionsFromAFile() throws {
        func definition(rows: String = "instrument", columns: String? = "result", measure: String = "records", citations: String = #"["A source"]"#) -> Data {
            Data("""
                [{"id":"mine","title":{"en":"Mine","es":"Mío"},"description":{"en":"","es":""},"source":"screenings","rows":"\(rows)",
                  \(columns.map { #""columns":"\#($0)","# } ?? "")"measure":"\(measure)","chart":"bar","citations":\(citations)}]
                """.utf8)
        }
        #expect(try ReportCatalog.parse(definition()).map(\.id) == ["mine"])
        for (data, fragment) in [(definition(rows: "alias"), "alias"), (definition(columns: "phase"), "phase"), (definition(measure: "units"), "units"),
                                 (definition(citations: "[]"), "cites"), (Data("{".utf8), "not a list")] {
            do {
                _ = try ReportCatalog.parse(data, file: "mine.json")
                Issue.record("accepted a definition with \(fragment)")
            } catch let ReportError.invalidDefinition(id, reason) {
                #expect(reason.contains(fragment) && ["mine", "mine.json"].contains(id), "\(id): \(reason)")
            }
        }
    }

    @Test("the request names what it does not know; the period defaults to the year so far and is bounded")
    func requests() throws {
        let served = try ReportCatalog.definition("people-served")
        let plain = try ReportRequest(served, query: [:], today: "2026-11-30")
        #expect(plain.from == "2026-01-01" && plain.to == "2026-11-30" && plain.rows.name == "status" && plain.columns?.name == "phase")
        let regrouped = try ReportRequest(served, query: ["by": "exploitation,age_group", "program": "Youth"], today: "2026-11-30")
        #expect(regrouped.rows == .exploitation && regrouped.columns == .ageGroup && regrouped.filters[.program] == "Youth")
        #expect(throws: ReportError.unknownDimension("alias")) { try ReportRequest(served, query: ["by": "alias"], today: "2026-11-30") }
        #expect(throws: ReportError.unknownFilter("phase")) { try ReportRequest(served, query: ["phase": "later"], today: "2026-11-30") }
        #expect(throws: ReportError.invalidPeriod("to")) { try ReportRequest(served, query: ["from": "2020-01-01", "to": "2026-01-01"], today: "2026-11-30") }
        #expect(throws: ReportError.invalidPeriod("from")) { try ReportRequest(served, query: ["from": "2026-02-30"], today: "2026-11-30") }
        // The federal fiscal year starts on 1 October.
        #expect(try ReportRequest(served, query: ["from": "2026-11-01"], today: "2026-11-30").fiscalYearStartDay
                == Int64(HSDSRowRules.dayNumber("2026-10-01")!))
        #expect(try ReportRequest(served, query: ["from": "2026-09-01", "to": "2026-09-30"], today: "2026-11-30").fiscalYearStartDay
                == Int64(HSDSRowRules.dayNumber("2025-10-01")!))
    }

    @Test("a table lists closed categories in order with their zeros, months across the period, and no measure of a withheld cell")
    func tables() throws {
        let request = try ReportRequest(try ReportCatalog.definition("referral-loop-time"), query: ["from": "2026-01-15", "to": "2026-04-02"], today: "2026-11-30")
        let groups = [ReportGroup(row: "202601", people: 30, records: 30, daysSum: 300, daysCount: 30),
                      ReportGroup(row: "202602", people: 4, records: 4, daysSum: 40, daysCount: 4),
                      ReportGroup(row: "202603", people: 20, records: 20, daysSum: 100, daysCount: 20)]
        let table = ReportRules.table(request, counts: ReportCounts(groups: groups, family: [request.shape: groups]), policy: SuppressionPolicy(), language: .en)
        #expect(table.rows.map(\.label) == ["2026-01", "2026-02", "2026-03", "2026-04"])
        #expect(table.cells[0][0].text == "10.0" && table.cells[1][0].mark == .small && table.cells[1][0].value == nil)
        // The total would give February away: March (the smallest other month) is withheld with it.
        #expect(table.cells[2][0].mark == .complementary && table.cells[2][0].text == "*")
        #expect(table.cells[3][0].text == "–", "no referral that month: no mean")
        #expect(table.total.text == "8.1")
    }
}
