@preconcurrency import Crypto
import Foundation

/// What an organization's directory editor fills in for one local service, turned into HSDS rows
/// (organization, service, site, location, address, phone, languages, schedule, attributes).
public struct LocalServiceDraft: Sendable, Equatable {
    public var serviceId: String?
    public var name = ""
    public var description = ""
    public var status = "active"
    public var phone = ""
    public var url = ""
    public var street = ""
    public var city = ""
    public var state = ""
    public var postalCode = ""
    public var languages: [String] = []
    public var populations: [String] = []
    public var serviceTypes: [String] = []
    public var confidential = false
    public var twentyFourSeven = false
    /// Weekday codes (MO…SU) with one opening time, when not open all the time.
    public var days: [String] = []
    public var opensAt = ""
    public var closesAt = ""
    /// The day the editor confirmed these details with the service (YYYY-MM-DD).
    public var verifiedOn = ""

    public init() {}

    /// A stable UUID for a child row of a service, so saving again replaces rather than adds.
    public static func derivedId(_ base: String, _ part: String) -> String {
        var bytes = Array(SHA256.hash(data: Data((base + "/" + part).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Tokens.hex(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// Checks the draft and builds its rows. `organization` is the editor's organization.
    public func records(organizationId: String, organizationName: String, today: String,
                        vocabulary: DirectoryVocabulary = .bundled, zips: ZIPCentroids = .bundled) throws -> HSDSRecordSet {
        func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard (2...200).contains(trimmed(name).count) else { throw DirectoryError.invalidEntry(field: "name", reason: LocalizedText("error_detail_entry_name")) }
        guard !trimmed(phone).isEmpty || !trimmed(url).isEmpty else {
            throw DirectoryError.invalidEntry(field: "phone", reason: LocalizedText("error_detail_entry_contact"))
        }
        guard HSDSRowRules.isDate(verifiedOn), verifiedOn <= today else {
            throw DirectoryError.invalidEntry(field: "verified_on", reason: LocalizedText("error_detail_entry_verified"))
        }
        guard ["active", "inactive", "temporarily closed"].contains(status) else {
            throw DirectoryError.invalidEntry(field: "status", reason: LocalizedText("error_detail_entry_status"))
        }
        let hasAddress = !trimmed(street).isEmpty || !trimmed(postalCode).isEmpty
        var point: ZIPCentroids.Place?
        if hasAddress {
            guard !trimmed(street).isEmpty, !trimmed(city).isEmpty, trimmed(state).count == 2 else {
                throw DirectoryError.invalidEntry(field: "street", reason: LocalizedText("error_detail_entry_address"))
            }
            guard let place = zips.place(postalCode) else { throw DirectoryError.invalidEntry(field: "postal_code", reason: LocalizedText("error_detail_entry_zip")) }
            point = place
        }
        if !twentyFourSeven && !days.isEmpty {
            guard let opens = ScheduleRules.minutes(opensAt), let closes = ScheduleRules.minutes(closesAt), opens != closes else {
                throw DirectoryError.invalidEntry(field: "opens_at", reason: LocalizedText("error_detail_entry_hours"))
            }
        }
        let id = serviceId ?? UUID().uuidString.lowercased()
        let child = { (part: String) in Self.derivedId(id, part) }
        var records = HSDSRecordSet()
        records.merge("organization", ["id": .string(organizationId), "name": .string(organizationName),
                                       "description": .string("Local entries kept by \(organizationName).")])
        var service: HSDSFields = ["id": .string(id), "organization_id": .string(organizationId), "name": .string(trimmed(name)),
                                   "status": .string(status), "assured_date": .string(verifiedOn), "last_modified": .string(today + "T00:00:00Z")]
        if !trimmed(description).isEmpty { service["description"] = .string(trimmed(description)) }
        if !trimmed(url).isEmpty { service["url"] = .string(trimmed(url)) }
        records.merge("service", service)
        if !trimmed(phone).isEmpty {
            records.merge("phone", ["id": .string(child("phone")), "service_id": .string(id), "number": .string(trimmed(phone)), "type": "voice"])
        }
        for code in Set(languages.map(DirectoryEntry.languageCode)).sorted() where !code.isEmpty {
            records.merge("language", ["id": .string(child("language-" + code)), "service_id": .string(id), "code": .string(code)])
        }
        let location = child("location")
        records.merge("service_at_location", ["id": .string(child("site")), "service_id": .string(id), "location_id": .string(location)])
        var locationRow: HSDSFields = ["id": .string(location), "location_type": .string(hasAddress ? "physical" : "virtual"), "name": .string(trimmed(name))]
        if let point {
            locationRow["latitude"] = .decimal(point.latitude)
            locationRow["longitude"] = .decimal(point.longitude)
            records.merge("address", ["id": .string(child("address")), "location_id": .string(location), "address_1": .string(trimmed(street)),
                                      "city": .string(trimmed(city)), "state_province": .string(trimmed(state).uppercased()),
                                      "postal_code": .string(trimmed(postalCode)), "country": "US", "address_type": "physical"])
        }
        records.merge("location", locationRow)
        if !twentyFourSeven && !days.isEmpty {
            records.merge("schedule", ["id": .string(child("schedule")), "service_id": .string(id), "freq": "WEEKLY",
                                       "byday": .string(days.joined(separator: ",")), "opens_at": .string(opensAt), "closes_at": .string(closesAt)])
        }
        var codes = populations.map { "population:" + $0 } + serviceTypes.map { "service-type:" + $0 }
        if twentyFourSeven { codes.append(DirectoryVocabulary.twentyFourSeven) }
        for code in codes {
            guard let term = vocabulary.terms.first(where: { $0.code == code }) else {
                throw DirectoryError.invalidEntry(field: "terms", reason: LocalizedText("error_detail_entry_term", ["code": code]))
            }
            records.merge("attribute", ["id": .string(child("attribute-" + code)), "link_id": .string(id), "link_entity": "service",
                                        "taxonomy_term_id": .string(term.id)])
        }
        if confidential, let term = vocabulary.terms.first(where: { $0.code == DirectoryVocabulary.confidentialLocation }) {
            records.merge("attribute", ["id": .string(child("attribute-confidential")), "link_id": .string(location), "link_entity": "location",
                                        "taxonomy_term_id": .string(term.id)])
        }
        return records
    }
}
