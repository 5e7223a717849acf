import Foundation

/// One service as a person reads it (the detail page, the printed card, the referral form, the
/// editor): plain values taken from its HSDS rows. What is confidential was removed before the rows
/// got here.
public struct ServiceDetails: Sendable, Equatable {
    public struct Phone: Sendable, Equatable { public let number: String; public let type: String; public let description: String }
    public struct Address: Sendable, Equatable {
        public let street: String, city: String, state: String, postalCode: String
        /// The address on one line, as printed.
        public let line: String
    }
    /// A weekly schedule: its own description when it has one, else the days and times.
    public struct Hours: Sendable, Equatable { public let text: String; public let days: [String]; public let opensAt: String; public let closesAt: String }

    public let id: String
    public let name: String
    public let organization: String
    public let description: String
    public let eligibility: String
    public let url: String
    public let status: String
    public let phones: [Phone]
    public let addresses: [Address]
    public let hours: [Hours]
    /// Language codes the service declares, and those its search entries resolve to.
    public let declaredLanguages: [String]
    public let languages: [String]
    /// Short codes ("minors", "legal-immigration") of the terms attached to it.
    public let populations: [String]
    public let serviceTypes: [String]
    public let alwaysOpen: Bool
    public let openNow: Bool
    public let flaggedConfidential: Bool
    /// Marked open around the clock (the editor's tick box), apart from what its schedules say.
    public let flaggedAlwaysOpen: Bool
    public let assuredDate: String?
    /// Where the last verification says the facts were checked.
    public let verificationSource: String?

    public var isActive: Bool { status == "active" }
    /// A confidential site whose address was withheld: reach the service by phone.
    public var addressWithheld: Bool { flaggedConfidential && addresses.isEmpty }

    /// From a service in its nested HSDS shape (what the store reads for one service).
    public init?(nested service: JSONValue, vocabulary: DirectoryVocabulary, at instant: Date) {
        guard case .object(let object) = service, let id = service["id"]?.string else { return nil }
        var read = HSDSReadResult()
        HSDSReader.flatten(object, as: "service", path: "$", file: "", into: &read)
        let records = read.records
        let graph = HSDSGraph(records)
        let entries = DirectoryEntry.entries(forService: id, in: graph, confidentialLocations: [], vocabulary: vocabulary)
        let terms = records.rows("attribute").compactMap { $0.text("taxonomy_term_id").flatMap { vocabulary.term(id: $0) } }
        self.id = id
        name = service["name"]?.string ?? ""
        organization = service["organization"]?["name"]?.string ?? ""
        description = service["description"]?.string ?? ""
        eligibility = service["eligibility_description"]?.string ?? ""
        url = service["url"]?.string ?? ""
        status = service["status"]?.string ?? ""
        phones = records.rows("phone").map {
            Phone(number: $0.text("number") ?? "", type: $0.text("type") ?? "voice", description: $0.text("description") ?? "")
        }
        addresses = records.rows("address").map { address in
            Address(street: address.text("address_1") ?? "", city: address.text("city") ?? "", state: address.text("state_province") ?? "",
                    postalCode: address.text("postal_code") ?? "",
                    line: [address.text("address_1"), address.text("address_2"), address.text("city"), address.text("state_province"),
                           address.text("postal_code")].compactMap { $0 }.joined(separator: ", "))
        }
        hours = records.rows("schedule").map { schedule in
            let days = schedule.text("byday")?.split(separator: ",").map(String.init) ?? []
            let (opens, closes) = (schedule.text("opens_at") ?? "", schedule.text("closes_at") ?? "")
            return Hours(text: schedule.text("description")
                            ?? [schedule.text("byday"), schedule.text("opens_at"), schedule.text("closes_at")].compactMap { $0 }.joined(separator: " "),
                         days: days, opensAt: opens, closesAt: closes)
        }
        declaredLanguages = records.rows("language").compactMap { $0.text("code") }
        languages = Array(Set(entries.flatMap(\.languages))).sorted()
        populations = terms.filter { $0.group == .population }.map(\.shortCode)
        serviceTypes = terms.filter { $0.group == .serviceType }.map(\.shortCode)
        alwaysOpen = entries.contains(where: \.alwaysOpen)
        openNow = entries.contains { $0.isOpen(at: instant) }
        flaggedConfidential = terms.contains { $0.code == DirectoryVocabulary.confidentialLocation }
        flaggedAlwaysOpen = terms.contains { $0.code == DirectoryVocabulary.twentyFourSeven }
        assuredDate = service["assured_date"]?.string
        verificationSource = records.rows("metadata").first { $0.text("last_action_type") == "verified" }?.text("replacement_value")
    }
}

extension LocalServiceDraft {
    /// The editor's form for a stored local service.
    public init(editing service: ServiceDetails, vocabulary: DirectoryVocabulary = .bundled) {
        self.init()
        serviceId = service.id
        name = service.name
        description = service.description
        status = service.status.isEmpty ? "active" : service.status
        url = service.url
        phone = service.phones.first?.number ?? ""
        let address = service.addresses.first
        street = address?.street ?? ""
        city = address?.city ?? ""
        state = address?.state ?? ""
        postalCode = address?.postalCode ?? ""
        languages = service.declaredLanguages
        populations = service.populations
        serviceTypes = service.serviceTypes
        twentyFourSeven = service.flaggedAlwaysOpen
        confidential = service.flaggedConfidential
        days = service.hours.first?.days ?? []
        opensAt = service.hours.first?.opensAt ?? ""
        closesAt = service.hours.first?.closesAt ?? ""
        verifiedOn = service.assuredDate ?? ""
    }
}
