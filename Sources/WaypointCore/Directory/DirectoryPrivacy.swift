/// Confidential sites (a shelter, a safe house): their street address and exact coordinates are
/// shown only to the owning organization's directory editors. Everyone else, and every export and
/// API response, gets the front-door contact (phones, the service's description) and no address.
public enum DirectoryPrivacy {
    /// Locations marked confidential directly, or through a service or service-at-location marked so.
    public static func confidentialLocations(_ records: HSDSRecordSet, vocabulary: DirectoryVocabulary = .bundled) -> Set<String> {
        guard let flag = vocabulary.terms.first(where: { $0.code == DirectoryVocabulary.confidentialLocation })?.id else { return [] }
        let flagged = Set(records.rows("attribute").filter { $0.text("taxonomy_term_id") == flag }.compactMap { $0.text("link_id") })
        var locations = Set(records.rows("location").compactMap { $0.text("id") }.filter(flagged.contains))
        for site in records.rows("service_at_location") {
            guard let location = site.text("location_id") else { continue }
            if flagged.contains(site.text("id") ?? "") || flagged.contains(site.text("service_id") ?? "") { locations.insert(location) }
        }
        return locations
    }

    /// The same rows without the addresses and coordinates of confidential locations.
    public static func redacted(_ records: HSDSRecordSet, vocabulary: DirectoryVocabulary = .bundled) -> HSDSRecordSet {
        let hidden = confidentialLocations(records, vocabulary: vocabulary)
        guard !hidden.isEmpty else { return records }
        var result = records
        for address in records.rows("address") where hidden.contains(address.text("location_id") ?? "") {
            result.remove("address", id: address.text("id")!)
        }
        for id in hidden {
            guard var location = records.row("location", id) else { continue }
            for field in ["latitude", "longitude", "transportation", "external_identifier", "external_identifier_type"] { location[field] = nil }
            result.remove("location", id: id)
            result.merge("location", location)
        }
        return result
    }
}
