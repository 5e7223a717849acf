import Foundation
import Testing
@testable import WaypointCore

/// The official HSDS 3.0 examples (read by path from shared/vendor/hsds, never copied) through our
/// readers and writers.
@Suite("HSDS import and export")
struct HSDSTests {
    static let examples: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/vendor/hsds/examples")
    }()

    static let jsonExamples = ["service_full.json", "organization_full.json", "service_at_location_full.json", "location.json",
                               "taxonomy_term.json", "service_list.json", "organization_list.json", "taxonomy.json"]

    static func readJSONExamples() throws -> HSDSReadResult {
        var result = HSDSReadResult()
        for name in jsonExamples {
            let data = try #require(FileManager.default.contents(atPath: examples.appendingPathComponent(name).path), "missing \(name)")
            HSDSReader.readJSON(data, file: name, into: &result)
        }
        return result
    }

    @Test("every official JSON example reads with no problem")
    func officialJSON() throws {
        let result = try Self.readJSONExamples()
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.records.row("service", "ac148810-d857-441c-9679-408f346de14b")?["minimum_age"] == .integer(12))
        // A phone nested in a service becomes a row that points at the service.
        #expect(result.records.row("phone", "1554f2e2-a373-45db-a3fa-9fc48a61c15e")?["service_id"] != nil)
    }

    @Test("the official CSV package reads with no problem")
    func officialCSV() throws {
        let result = try HSDSReader.read(path: Self.examples.appendingPathComponent("csv").path)
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.records.rows("service").count == 1)
        #expect(result.records.row("schedule", "48102e86-bb50-41c4-8f1e-e269368c41d1")?["opens_at"] == .string("10:00:00"))
    }

    @Test("JSON read, written as CSV and read again gives the same rows")
    func csvRoundTrip() throws {
        let original = try Self.readJSONExamples().records
        var again = HSDSReadResult()
        for (file, text) in HSDSWriter.csvFiles(original) {
            let table = HSDSModel.tables.first { $0.file == file }!.name
            HSDSReader.readCSV(text, file: file, table: table, into: &again)
        }
        #expect(again.problems.isEmpty)
        #expect(again.records == original)
    }

    @Test("JSON read, written as JSON and read again gives the same rows")
    func jsonRoundTrip() throws {
        let original = try Self.readJSONExamples().records
        var again = HSDSReadResult()
        for (file, value) in HSDSWriter.jsonFiles(original) {
            HSDSReader.readJSON(try JSONEncoder().encode(value), file: file, into: &again)
        }
        #expect(again.problems.isEmpty)
        #expect(again.records == original)
    }

    @Test("a bad CSV value is reported by file, line and field")
    func badCSV() {
        var result = HSDSReadResult()
        let text = "id,name,status,minimum_age\ns1,Shelter,active,12\ns2,Clinic,open,twelve\n"
        HSDSReader.readCSV(text, file: "services.csv", table: "service", into: &result)
        let described = result.problems.map(\.description)
        #expect(described.contains("services.csv, line 3, field minimum_age: expected a number, found \"twelve\""))
        #expect(described.contains { $0.hasPrefix("services.csv, line 3, field status: \"open\" is not one of") })
        #expect(result.withoutInvalidRows().rows("service").map { $0.text("id") } == ["s1"])
    }

    @Test("an unclosed quote and a JSON syntax error are reported, not swallowed")
    func malformedFiles() {
        var result = HSDSReadResult()
        HSDSReader.readCSV("id,name\n\"s1,Shelter\n", file: "services.csv", table: "service", into: &result)
        HSDSReader.readJSON(Data("{\"id\": \"x\",}".utf8), file: "services.json", into: &result)
        #expect(result.problems.count == 2)
        #expect(result.problems[0].message.contains("never closed"))
        #expect(result.problems[1].message.contains("is not JSON"))
    }

    @Test("schedules that make no sense are refused", arguments: [
        (["byday": "MO,XX"], "byday"), (["opens_at": "09:00", "closes_at": "09:00"], "closes_at"),
        (["opens_at": "09:00"], "closes_at"), (["valid_from": "2026-05-01", "valid_to": "2026-01-01"], "valid_to"),
        (["opens_at": "25:00", "closes_at": "26:00"], "opens_at"),
    ])
    func badSchedules(fields: [String: String], field: String) {
        var result = HSDSReadResult()
        var object: [String: JSONValue] = ["id": "sched-1"]
        for (key, value) in fields { object[key] = .string(value) }
        HSDSReader.flatten(object, as: "schedule", path: "$", file: "schedules.json", into: &result)
        #expect(result.problems.contains { $0.field == field }, "\(result.problems)")
    }

    @Test("weekly hours become minutes of the week; a night past Sunday wraps to Monday")
    func weeklyHours() {
        let weekdays: HSDSFields = ["id": "a", "freq": "WEEKLY", "byday": "MO,FR", "opens_at": "09:00", "closes_at": "17:00"]
        #expect(ScheduleRules.weeklyIntervals(weekdays) == [540..<1020, 4 * 1440 + 540..<4 * 1440 + 1020])
        let sundayNight: HSDSFields = ["id": "b", "byday": "SU", "opens_at": "22:00", "closes_at": "02:00"]
        #expect(ScheduleRules.weeklyIntervals(sundayNight) == [6 * 1440 + 1320..<10080, 0..<120])
        #expect(ScheduleRules.weeklyIntervals(["id": "c", "freq": "MONTHLY", "opens_at": "09:00", "closes_at": "10:00"]) == nil)
    }

    @Test("open now is read in the service's own time zone")
    func openNowInZone() throws {
        var result = HSDSReadResult()
        let service: [String: JSONValue] = [
            "id": "svc", "name": "Clinic", "status": "active",
            "schedules": .array([.object(["id": "s", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"])]),
            "service_at_locations": .array([.object(["id": "sal", "location": .object([
                "id": "loc", "location_type": "physical", "latitude": .decimal(43.6), "longitude": .decimal(-116.2),
                "addresses": .array([.object(["id": "addr", "address_1": "1 Main St", "city": "Boise", "state_province": "ID",
                                              "postal_code": "83702", "country": "US", "address_type": "physical"])]),
            ])])]),
        ]
        HSDSReader.flatten(service, as: "service", path: "$", file: "services.json", into: &result)
        #expect(result.problems.isEmpty)
        let entry = try #require(DirectoryEntry.entries(forService: "svc", in: HSDSGraph(result.records), confidentialLocations: []).first)
        #expect(entry.timeZone == "America/Boise")
        // Tuesday 2026-11-24 16:30 UTC is 09:30 in Boise (MST, UTC-7): open. 15:30 UTC is 08:30: closed.
        let open = try #require(ISO8601DateFormatter().date(from: "2026-11-24T16:30:00Z"))
        let early = try #require(ISO8601DateFormatter().date(from: "2026-11-24T15:30:00Z"))
        #expect(entry.isOpen(at: open))
        #expect(!entry.isOpen(at: early))
    }

    @Test("a confidential location loses its address and exact point; the search point is blurred")
    func confidentialRedaction() throws {
        let vocabulary = DirectoryVocabulary.bundled
        let flag = try #require(vocabulary.terms.first { $0.code == DirectoryVocabulary.confidentialLocation })
        var records = vocabulary.records
        records.merge("service", ["id": "svc", "name": "Safe house", "status": "active"])
        records.merge("service_at_location", ["id": "sal", "service_id": "svc", "location_id": "loc"])
        records.merge("location", ["id": "loc", "location_type": "physical", "latitude": .decimal(43.61234), "longitude": .decimal(-116.20321)])
        records.merge("address", ["id": "addr", "location_id": "loc", "address_1": "12 Hidden Lane", "city": "Boise",
                                  "state_province": "ID", "postal_code": "83702", "country": "US", "address_type": "physical"])
        records.merge("attribute", ["id": "attr", "link_id": "loc", "link_entity": "location", "taxonomy_term_id": .string(flag.id)])
        records.merge("phone", ["id": "front-door", "service_id": "svc", "number": "208-555-0100"])
        records.merge("phone", ["id": "back-door", "location_id": "loc", "number": "208-555-0199"])
        records.merge("contact", ["id": "house-manager", "location_id": "loc", "name": "House manager"])
        records.merge("phone", ["id": "manager-cell", "contact_id": "house-manager", "number": "208-555-0177"])
        let hidden = DirectoryPrivacy.confidentialLocations(records)
        #expect(hidden == ["loc"])
        let redacted = DirectoryPrivacy.redacted(records, hiding: hidden)
        #expect(redacted.row("address", "addr") == nil)
        #expect(redacted.row("location", "loc")?["latitude"] == nil)
        #expect(redacted.row("phone", "back-door") == nil && redacted.row("contact", "house-manager") == nil && redacted.row("phone", "manager-cell") == nil)
        #expect(redacted.row("phone", "front-door") != nil)
        let entry = try #require(DirectoryEntry.entries(forService: "svc", in: HSDSGraph(records), confidentialLocations: []).first)
        #expect(entry.confidential)
        #expect(entry.latitude == 43.6 && entry.longitude == -116.2)
        #expect(entry.searchText.hasPrefix(" safe house "))
        #expect(!entry.searchText.contains("hidden") && !entry.searchText.contains("boise"))
    }

    @Test("a location flagged through one service is confidential for every service there")
    func confidentialityBelongsToTheLocation() throws {
        var records = HSDSRecordSet()
        records.merge("service", ["id": "other", "name": "Legal clinic", "status": "active"])
        records.merge("service_at_location", ["id": "other-site", "service_id": "other", "location_id": "loc"])
        records.merge("location", ["id": "loc", "location_type": "physical", "latitude": .decimal(43.61234), "longitude": .decimal(-116.20321)])
        // No flag among these rows: the set comes from the whole directory.
        let entry = try #require(DirectoryEntry.entries(forService: "other", in: HSDSGraph(records), confidentialLocations: ["loc"]).first)
        #expect(entry.confidential && entry.latitude == 43.6)
        #expect(DirectoryPrivacy.locations(flagged: ["svc"], sites: [("s1", "svc", "loc"), ("s2", "other", "loc2")]) == ["svc", "loc"])
        #expect(DirectoryPrivacy.reportedDistance(0.4, confidential: true) == 5 && DirectoryPrivacy.reportedDistance(12.1, confidential: true) == 15)
        #expect(DirectoryPrivacy.reportedDistance(12.1, confidential: false) == 12.1)
    }

    @Test("search words are folded to lower case without accents, split on anything but letters and digits")
    func searchWords() {
        #expect(DirectoryEntry.searchWords("Asesoría LEGAL—del Río, 24/7!") == ["asesoria", "legal", "del", "rio", "24", "7"])
        #expect(DirectoryEntry.searchWords("%_'\"*") == [])
        var records = HSDSRecordSet()
        records.merge("service", ["id": "svc", "name": "Ayuda Jurídica", "description": "Citas: lunes-viernes.", "status": "active"])
        let entry = DirectoryEntry.entries(forService: "svc", in: HSDSGraph(records), confidentialLocations: []).first
        #expect(entry?.searchText == " ayuda juridica citas lunes viernes ")
    }

    @Test("ZIP codes resolve to a centroid")
    func zipCentroids() throws {
        let boise = try #require(ZIPCentroids.bundled.place("83702"))
        #expect(abs(boise.latitude - 43.63) < 0.1 && boise.state == "ID")
        #expect(ZIPCentroids.bundled.place("00000") == nil)
        #expect(ZIPCentroids.bundled.count > 40000)
    }
}

@Suite("Dates without a formatter")
struct DayNumberTests {
    @Test("day numbers count from 1970-01-01 and refuse impossible dates", arguments: [
        ("1970-01-01", 0), ("2000-03-01", 11_017), ("2026-11-24", 20_781), ("2024-02-29", 19_782),
    ])
    func dayNumbers(text: String, expected: Int) {
        #expect(HSDSRowRules.dayNumber(text) == expected)
    }

    @Test("impossible dates have no number")
    func impossible() {
        #expect(HSDSRowRules.dayNumber("2025-02-29") == nil)
        #expect(HSDSRowRules.dayNumber("2026-13-01") == nil)
    }
}
