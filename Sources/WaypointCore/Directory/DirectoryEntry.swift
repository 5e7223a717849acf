import Foundation

/// One searchable row per service at a location (or per service with no location, such as a
/// national phone line): everything a search filters and ranks on, taken from the HSDS rows.
public struct DirectoryEntry: Sendable, Equatable {
    /// The service_at_location id, or the service id when the service has no location.
    public let key: String
    public let serviceId: String
    public let locationId: String?
    public let serviceName: String
    public let organizationName: String
    /// The words a search can find, folded as `searchWords` folds them, each with a space before
    /// and after: " legal aid ". A word-prefix test is then a plain `LIKE '% legal%'`.
    public let searchText: String
    /// Exact for public sites; rounded to about 10 km for confidential ones, so repeated distance
    /// searches cannot pin a safe house down.
    public let latitude: Double?
    public let longitude: Double?
    public let populations: [String]
    public let serviceTypes: [String]
    public let languages: [String]
    public let alwaysOpen: Bool
    public let confidential: Bool
    public let active: Bool
    public let timeZone: String
    /// Weekly open minutes in local time with each schedule's validity window; empty when unknown.
    public let hours: [OpenSpan]
    public let verifiedOn: String?
    public let minimumAge: Int?
    public let maximumAge: Int?

    public struct OpenSpan: Sendable, Equatable {
        public let minutes: Range<Int>
        public let validFrom: String?
        public let validTo: String?
    }

    /// Entries for one service, from a record set holding (at least) the service's closure.
    /// `confidentialLocations` is the directory-wide set (`DirectoryPrivacy`): a site there is
    /// confidential whichever service reaches it.
    public static func entries(forService serviceId: String, in graph: HSDSGraph, confidentialLocations: Set<String>,
                               vocabulary: DirectoryVocabulary = .bundled) -> [DirectoryEntry] {
        guard let service = graph.records.row("service", serviceId) else { return [] }
        let organization = service.text("organization_id").flatMap { graph.records.row("organization", $0) }
        let sites = graph.children("service_at_location", "service_id", serviceId)
        let serviceTerms = terms(linkedTo: serviceId, in: graph, vocabulary: vocabulary)
        let serviceSchedules = graph.children("schedule", "service_id", serviceId).filter { $0.text("service_at_location_id") == nil }
        let serviceLanguages = languages(graph.children("language", "service_id", serviceId)
                                         + graph.children("phone", "service_id", serviceId).flatMap { graph.children("language", "phone_id", $0.text("id")!) })
        let targets: [HSDSFields?] = sites.isEmpty ? [nil] : sites
        return targets.map { site in
            let location = site?.text("location_id").flatMap { graph.records.row("location", $0) }
            let locationId = location?.text("id")
            var termCodes = serviceTerms
            if let locationId { termCodes += terms(linkedTo: locationId, in: graph, vocabulary: vocabulary) }
            if let siteId = site?.text("id") { termCodes += terms(linkedTo: siteId, in: graph, vocabulary: vocabulary) }
            let address = locationId.flatMap { id in
                graph.children("address", "location_id", id).first { $0.text("address_type") == "physical" }
                    ?? graph.children("address", "location_id", id).first
            }
            // A site's own schedules win over the service's, which win over the building's.
            let siteSchedules = site.map { graph.children("schedule", "service_at_location_id", $0.text("id")!) } ?? []
            let schedules = !siteSchedules.isEmpty ? siteSchedules
                : !serviceSchedules.isEmpty ? serviceSchedules
                : locationId.map { graph.children("schedule", "location_id", $0) } ?? []
            let hours = schedules.flatMap { schedule in
                (ScheduleRules.weeklyIntervals(schedule) ?? []).map {
                    OpenSpan(minutes: $0, validFrom: schedule.text("valid_from"), validTo: schedule.text("valid_to"))
                }
            }
            let coversWeek = mergedLength(hours.filter { $0.validFrom == nil && $0.validTo == nil }.map(\.minutes)) >= ScheduleRules.minutesPerWeek
            let confidential = termCodes.contains(DirectoryVocabulary.confidentialLocation)
                || locationId.map(confidentialLocations.contains) ?? false
            var latitude = location?["latitude"]?.number
            var longitude = location?["longitude"]?.number
            if !(-90...90).contains(latitude ?? 0) || !(-180...180).contains(longitude ?? 0) || latitude == nil || longitude == nil {
                latitude = nil
                longitude = nil
            }
            if confidential {
                latitude = latitude.map { ($0 * 10).rounded() / 10 }
                longitude = longitude.map { ($0 * 10).rounded() / 10 }
            }
            let languageCodes = Array(Set(serviceLanguages + languages(locationId.map { graph.children("language", "location_id", $0) } ?? []))).sorted()
            let text = [
                service.text("name"), service.text("alternate_name"), organization?.text("name"), service.text("description"),
                service.text("eligibility_description"), site?.text("description"), location?.text("name"),
                confidential ? nil : address?.text("city"),
            ].compactMap { $0 } + termCodes.compactMap { code in vocabulary.terms.first { $0.code == code }?.name }
            let offset = schedules.compactMap { $0["timezone"]?.number }.first
            return DirectoryEntry(
                key: site?.text("id") ?? serviceId, serviceId: serviceId, locationId: locationId,
                serviceName: service.text("name") ?? "", organizationName: organization?.text("name") ?? "",
                searchText: " " + text.flatMap(searchWords).joined(separator: " ") + " ", latitude: latitude, longitude: longitude,
                populations: codes(termCodes, .population), serviceTypes: codes(termCodes, .serviceType), languages: languageCodes,
                alwaysOpen: termCodes.contains(DirectoryVocabulary.twentyFourSeven) || coversWeek,
                confidential: confidential, active: service.text("status") == "active",
                timeZone: zone(address: address, offsetHours: offset),
                hours: hours, verifiedOn: service.text("assured_date"),
                minimumAge: service["minimum_age"]?.number.map { Int($0) }, maximumAge: service["maximum_age"]?.number.map { Int($0) })
        }
    }

    /// The ZIP code's zone for a US address, else the state's, else the schedule's UTC offset.
    static func zone(address: HSDSFields?, offsetHours: Double?) -> String {
        let american = ["US", "USA"].contains(address?.text("country")?.uppercased() ?? "")
        if american, let zone = address?.text("postal_code").flatMap({ ZIPCentroids.bundled.place($0)?.timeZone }), !zone.isEmpty {
            return zone
        }
        return ScheduleRules.timeZone(state: american ? address?.text("state_province") : nil, country: address?.text("country"), offsetHours: offsetHours)
    }

    static func terms(linkedTo id: String, in graph: HSDSGraph, vocabulary: DirectoryVocabulary) -> [String] {
        graph.children("attribute", "link_id", id).compactMap { $0.text("taxonomy_term_id").flatMap { vocabulary.term(id: $0)?.code } }
    }

    static func codes(_ termCodes: [String], _ group: DirectoryVocabulary.Group) -> [String] {
        Array(Set(termCodes.filter { $0.hasPrefix(group.rawValue + ":") }.map { String($0.dropFirst(group.rawValue.count + 1)) })).sorted()
    }

    /// Lower case, accents removed, letters and digits only: the form both the index and the
    /// query use, so "Asesoría" is found by "asesoria" and nothing reaches a query syntax.
    public static func searchWords(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
            .split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    /// ISO 639 codes as two letters where a common three-letter code has one, so "spa" and "es" match.
    public static func languageCode(_ code: String) -> String {
        let lower = code.lowercased().trimmingCharacters(in: .whitespaces)
        return threeToTwo[lower] ?? String(lower.prefix { $0 != "-" && $0 != "_" })
    }

    static func languages(_ rows: [HSDSFields]) -> [String] {
        rows.compactMap { $0.text("code").map(languageCode) }
    }

    static let threeToTwo = [
        "eng": "en", "spa": "es", "fra": "fr", "fre": "fr", "por": "pt", "vie": "vi", "zho": "zh", "chi": "zh", "kor": "ko",
        "ara": "ar", "rus": "ru", "tgl": "tl", "hat": "ht", "pol": "pl", "urd": "ur", "hin": "hi", "deu": "de", "ger": "de",
        "ita": "it", "jpn": "ja", "som": "so", "amh": "am", "fas": "fa", "per": "fa", "ukr": "uk", "swa": "sw", "nep": "ne",
    ]

    static func mergedLength(_ ranges: [Range<Int>]) -> Int {
        var total = 0
        var end = Int.min
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let start = Swift.max(range.lowerBound, end)
            if range.upperBound > start { total += range.upperBound - start }
            end = Swift.max(end, range.upperBound)
        }
        return total
    }

    /// Whether the entry is open at `instant`, read in its own time zone.
    public func isOpen(at instant: Date) -> Bool {
        if alwaysOpen { return true }
        let (minute, date) = ScheduleRules.localWeekMinute(instant, timeZone: TimeZone(identifier: timeZone) ?? .gmt)
        return hours.contains { span in
            span.minutes.contains(minute) && (span.validFrom.map { date >= $0 } ?? true) && (span.validTo.map { date <= $0 } ?? true)
        }
    }
}

/// Great-circle distance, for radius filters and "how far" on screen.
public enum Geo {
    public static func kilometres(_ a: (lat: Double, lon: Double), _ b: (lat: Double, lon: Double)) -> Double {
        let radians = Double.pi / 180
        let dLat = (b.lat - a.lat) * radians
        let dLon = (b.lon - a.lon) * radians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * radians) * cos(b.lat * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371.0088 * 2 * atan2(sqrt(h), sqrt(1 - h))
    }

    /// A latitude/longitude box that contains the circle (for an index to narrow before the exact check).
    public static func box(around point: (lat: Double, lon: Double), kilometres: Double) -> (minLat: Double, maxLat: Double, minLon: Double, maxLon: Double) {
        let dLat = kilometres / 111.0
        let dLon = kilometres / (111.320 * max(cos(point.lat * Double.pi / 180), 0.01))
        return (point.lat - dLat, point.lat + dLat, point.lon - dLon, point.lon + dLon)
    }
}
