import Foundation
import WaypointCore
import WaypointStore

/// Turns directory data into what templates show, in the reader's language. Shared by the search,
/// detail, card, editor and referral pages.
struct DirectoryViews {
    let strings: Localizer
    let vocabulary = DirectoryVocabulary.bundled

    func termLabel(_ group: DirectoryVocabulary.Group, _ shortCode: String) -> String {
        strings["term_" + group.rawValue.replacingOccurrences(of: "-", with: "_") + "_" + shortCode.replacingOccurrences(of: "-", with: "_")]
    }

    /// Checkbox rows for one group of terms, ticking those in `chosen`.
    func choices(_ group: DirectoryVocabulary.Group, chosen: [String], prefix: String) -> [[String: Any]] {
        vocabulary.terms(in: group).map { term in
            ["name": prefix + term.shortCode, "id": prefix.replacingOccurrences(of: ":", with: "-") + term.shortCode,
             "label": termLabel(group, term.shortCode), "checked": chosen.contains(term.shortCode), "value": term.shortCode]
        }
    }

    func languageName(_ code: String) -> String {
        let key = "language_" + code
        let name = strings[key]
        return name == key ? code : name
    }

    func hit(_ hit: DirectoryHit) -> [String: Any] {
        [
            "serviceId": hit.serviceId, "name": hit.serviceName,
            "distance": hit.distanceKm.map { String(format: "%.1f km", $0) } ?? strings["directory_remote"],
            "approximate": hit.confidential,
            "openNow": hit.openNow, "alwaysOpen": hit.alwaysOpen,
            "languages": hit.languages.map(languageName).joined(separator: ", "),
            "serves": hit.populations.map { termLabel(.population, $0) }.joined(separator: ", "),
            "types": hit.serviceTypes.map { termLabel(.serviceType, $0) }.joined(separator: ", "),
            "verified": hit.verifiedOn ?? strings["directory_not_verified"],
        ]
    }

    /// A service in its nested HSDS shape, as the detail page and the card show it.
    func service(_ service: JSONValue, at instant: Date) -> [String: Any] {
        var records = HSDSReadResult()
        if case .object(let object) = service { HSDSReader.flatten(object, as: "service", path: "$", file: "", into: &records) }
        let graph = HSDSGraph(records.records)
        let id = service["id"]?.string ?? ""
        // Hours and languages only: what is confidential was removed before the service got here.
        let entries = DirectoryEntry.entries(forService: id, in: graph, confidentialLocations: [], vocabulary: vocabulary)
        let codes = Set(graph.records.rows("attribute").compactMap { $0.text("taxonomy_term_id").flatMap { vocabulary.term(id: $0) } }.map(\.code))
        let phones = records.records.rows("phone").map { phone -> [String: Any] in
            ["number": phone.text("number") ?? "", "type": strings["phone_type_" + (phone.text("type") ?? "voice")] ,
             "description": phone.text("description") ?? ""]
        }
        let addresses = records.records.rows("address").map { address in
            [address.text("address_1"), address.text("address_2"), address.text("city"), address.text("state_province"), address.text("postal_code")]
                .compactMap { $0 }.joined(separator: ", ")
        }
        let hours = records.records.rows("schedule").map { schedule -> String in
            if let text = schedule.text("description") { return text }
            return [schedule.text("byday"), schedule.text("opens_at"), schedule.text("closes_at")].compactMap { $0 }.joined(separator: " ")
        }
        let source = records.records.rows("metadata").first { $0.text("last_action_type") == "verified" }?.text("replacement_value")
        return [
            "id": id, "name": service["name"]?.string ?? "", "organization": service["organization"]?["name"]?.string ?? "",
            "description": service["description"]?.string ?? "", "eligibility": service["eligibility_description"]?.string ?? "",
            "url": service["url"]?.string ?? "", "phones": phones, "addresses": addresses,
            "confidential": codes.contains(DirectoryVocabulary.confidentialLocation) && addresses.isEmpty,
            "hours": hours, "alwaysOpen": entries.contains(where: \.alwaysOpen),
            "openNow": entries.contains { $0.isOpen(at: instant) },
            "languages": Array(Set(entries.flatMap(\.languages))).sorted().map(languageName).joined(separator: ", "),
            "serves": vocabulary.terms(in: .population).filter { codes.contains($0.code) }.map { termLabel(.population, $0.shortCode) },
            "types": vocabulary.terms(in: .serviceType).filter { codes.contains($0.code) }.map { termLabel(.serviceType, $0.shortCode) },
            "verified": service["assured_date"]?.string ?? strings["directory_not_verified"],
            "source": source ?? "",
            "active": service["status"]?.string == "active",
        ]
    }
}
