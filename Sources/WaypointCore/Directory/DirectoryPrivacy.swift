/// Confidential sites (a shelter, a safe house): their street address, exact coordinates and the
/// phones and contacts kept at them are shown only to the owning organization's directory editors.
/// Everyone else, and every export and API response, gets the front-door contact (the service's own
/// phones, its description) and no address.
///
/// Confidentiality belongs to the location itself: a flag on the location, on any site
/// (service_at_location) there, or on any service with a site there marks it on every path — through
/// any service, through its organization, in search, exports and cards. The store works the set out
/// over the whole directory; it is never inferred from the rows one response happens to hold.
public enum DirectoryPrivacy {
    /// Locations marked confidential within these rows (directly, or through a service or site).
    public static func confidentialLocations(_ records: HSDSRecordSet, vocabulary: DirectoryVocabulary = .bundled) -> Set<String> {
        guard let flag = flagTermId(vocabulary) else { return [] }
        let flagged = Set(records.rows("attribute").filter { $0.text("taxonomy_term_id") == flag }.compactMap { $0.text("link_id") })
        return locations(flagged: flagged, sites: records.rows("service_at_location").map {
            (id: $0.text("id") ?? "", serviceId: $0.text("service_id") ?? "", locationId: $0.text("location_id"))
        })
    }

    /// The id of our "confidential location" term.
    public static func flagTermId(_ vocabulary: DirectoryVocabulary = .bundled) -> String? {
        vocabulary.terms.first(where: { $0.code == DirectoryVocabulary.confidentialLocation })?.id
    }

    /// The rule, given the ids that carry the flag and the sites that might be affected.
    public static func locations(flagged: Set<String>, sites: [(id: String, serviceId: String, locationId: String?)]) -> Set<String> {
        var locations = flagged  // a flag on a location marks it (ids of other tables never match one)
        for site in sites where flagged.contains(site.id) || flagged.contains(site.serviceId) {
            if let location = site.locationId { locations.insert(location) }
        }
        return locations
    }

    /// The same rows without what would lead someone to the hidden locations: addresses,
    /// coordinates and directions, and the phones and contacts kept at them or at their sites.
    public static func redacted(_ records: HSDSRecordSet, hiding hidden: Set<String>) -> HSDSRecordSet {
        guard !hidden.isEmpty else { return records }
        var result = records
        let hiddenSites = Set(records.rows("service_at_location").filter { hidden.contains($0.text("location_id") ?? "") }.compactMap { $0.text("id") })
        func atHiddenPlace(_ row: HSDSFields) -> Bool {
            hidden.contains(row.text("location_id") ?? "") || hiddenSites.contains(row.text("service_at_location_id") ?? "")
        }
        for address in records.rows("address") where hidden.contains(address.text("location_id") ?? "") {
            result.remove("address", id: address.text("id")!)
        }
        for table in ["phone", "contact"] {
            for row in records.rows(table) where atHiddenPlace(row) { result.remove(table, id: row.text("id")!) }
        }
        // A contact's own phones go with it.
        let removedContacts = Set(records.rows("contact").filter(atHiddenPlace).compactMap { $0.text("id") })
        for phone in records.rows("phone") where removedContacts.contains(phone.text("contact_id") ?? "") {
            result.remove("phone", id: phone.text("id")!)
        }
        for id in hidden {
            guard var location = records.row("location", id) else { continue }
            for field in ["latitude", "longitude", "transportation", "external_identifier", "external_identifier_type", "url"] { location[field] = nil }
            result.remove("location", id: id)
            result.merge("location", location)
        }
        return result
    }

    /// Distances to confidential sites are given in whole 5 km steps (rounded up), from a point
    /// already blurred in the index: repeated searches from nearby points cannot triangulate them.
    public static func reportedDistance(_ kilometres: Double, confidential: Bool) -> Double {
        confidential ? max(5, (kilometres / 5).rounded(.up) * 5) : kilometres
    }
}
