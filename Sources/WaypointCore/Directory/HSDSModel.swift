/// The HSDS 3.0 tables as the tabular data package lists them: one table per object, its columns in
/// the package's order, which columns hold numbers, dates or times, which are required and which
/// hold a closed list of values. The field names, types, required lists and value lists are facts
/// of the standard (Open Referral HSDS 3.0, datapackage.json and schema/*.json at commit 279fd2e).
public struct HSDSTable: Sendable {
    public enum Kind: Sendable { case number, date, dateTime, time }

    public let name: String
    /// The file this table has in a tabular package.
    public let file: String
    public let fields: [String]
    public let kinds: [String: Kind]
    public let required: [String]
    public let allowed: [String: [String]]
}

public enum HSDSModel {
    public static let version = "3.0"

    public static let tables: [HSDSTable] = [
        HSDSTable(name: "organization", file: "organizations.csv",
                  fields: ["id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"],
                  kinds: ["year_incorporated": .number], required: ["id", "name", "description"], allowed: [:]),
        HSDSTable(name: "program", file: "programs.csv",
                  fields: ["id", "organization_id", "name", "alternate_name", "description"],
                  kinds: [:], required: ["id", "name", "description"], allowed: [:]),
        HSDSTable(name: "service", file: "services.csv",
                  fields: ["id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email", "status", "interpretation_services", "application_process", "fees_description", "wait_time", "fees", "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date", "assurer_email", "licenses", "alert", "last_modified"],
                  kinds: ["minimum_age": .number, "maximum_age": .number, "assured_date": .date, "last_modified": .dateTime], required: ["id", "name", "status"], allowed: ["status": ["active", "inactive", "defunct", "temporarily closed"]]),
        HSDSTable(name: "attribute", file: "attributes.csv",
                  fields: ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "service_at_location", file: "service_at_location.csv",
                  fields: ["id", "service_id", "location_id", "description"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "location", file: "locations.csv",
                  fields: ["id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation", "latitude", "longitude", "external_identifier", "external_identifier_type"],
                  kinds: ["latitude": .number, "longitude": .number], required: ["id", "location_type"], allowed: ["location_type": ["physical", "postal", "virtual"]]),
        HSDSTable(name: "phone", file: "phones.csv",
                  fields: ["id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number", "extension", "type", "description"],
                  kinds: ["extension": .number], required: ["id", "number"], allowed: [:]),
        HSDSTable(name: "contact", file: "contacts.csv",
                  fields: ["id", "organization_id", "service_id", "service_at_location_id", "location_id", "name", "title", "department", "email"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "address", file: "addresses.csv",
                  fields: ["id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province", "postal_code", "country", "address_type"],
                  kinds: [:], required: ["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"], allowed: ["address_type": ["physical", "postal", "virtual"]]),
        HSDSTable(name: "schedule", file: "schedules.csv",
                  fields: ["id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes"],
                  kinds: ["valid_from": .date, "valid_to": .date, "dtstart": .date, "until": .date, "timezone": .number, "count": .number, "interval": .number, "opens_at": .time, "closes_at": .time], required: ["id"], allowed: ["wkst": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], "freq": ["WEEKLY", "MONTHLY"]]),
        HSDSTable(name: "funding", file: "funding.csv",
                  fields: ["id", "organization_id", "service_id", "source"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "service_area", file: "service_areas.csv",
                  fields: ["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "required_document", file: "required_documents.csv",
                  fields: ["id", "service_id", "document", "uri"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "language", file: "languages.csv",
                  fields: ["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "accessibility", file: "accessibility.csv",
                  fields: ["id", "location_id", "description", "details", "url"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "taxonomy_term", file: "taxonomy_terms.csv",
                  fields: ["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"],
                  kinds: [:], required: ["id", "name", "description"], allowed: [:]),
        HSDSTable(name: "metadata", file: "metadata.csv",
                  fields: ["id", "resource_id", "resource_type", "last_action_date", "last_action_type", "field_name", "previous_value", "replacement_value", "updated_by"],
                  kinds: ["last_action_date": .date], required: ["id", "last_action_date", "last_action_type", "field_name", "previous_value", "replacement_value", "updated_by"], allowed: [:]),
        HSDSTable(name: "meta_table_description", file: "meta_table_descriptions.csv",
                  fields: ["id", "name", "language", "character_set"],
                  kinds: [:], required: ["id"], allowed: [:]),
        HSDSTable(name: "cost_option", file: "cost_options.csv",
                  fields: ["id", "service_id", "valid_from", "valid_to", "option", "currency", "amount", "amount_description"],
                  kinds: ["valid_from": .date, "valid_to": .date, "amount": .number], required: ["id"], allowed: [:]),
        HSDSTable(name: "organization_identifier", file: "organization_identifiers.csv",
                  fields: ["id", "organization_id", "identifier_scheme", "identifier_type", "identifier"],
                  kinds: [:], required: ["id", "identifier_type", "identifier"], allowed: [:]),
        HSDSTable(name: "taxonomy", file: "taxonomies.csv",
                  fields: ["id", "name", "description", "uri", "version"],
                  kinds: [:], required: ["id", "name", "description"], allowed: [:]),
    ]

    public static let tablesByName: [String: HSDSTable] = Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })

    public static func table(_ name: String) -> HSDSTable { tablesByName[name]! }

    /// How a nested JSON member maps to rows: either the child row points at its parent
    /// (`phones` of a service carry `service_id`), or the parent points at one child
    /// (`organization` of a service is `service.organization_id`).
    public enum Link: Sendable, Equatable {
        case childColumn(String)
        case parentColumn(String)
    }

    public struct Relation: Sendable {
        public let member: String
        public let child: String
        public let link: Link
        public var isList: Bool { if case .childColumn = link { true } else { false } }
    }

    /// Members every object may carry: free tags (attributes) and change history (metadata).
    static let commonRelations = [
        Relation(member: "attributes", child: "attribute", link: .childColumn("link_id")),
        Relation(member: "metadata", child: "metadata", link: .childColumn("resource_id")),
    ]

    /// The nesting of the API shapes (service_full, organization_full, location, taxonomy_term).
    public static let relations: [String: [Relation]] = {
        func children(_ column: String, _ pairs: [(String, String)]) -> [Relation] {
            pairs.map { Relation(member: $0.0, child: $0.1, link: .childColumn(column)) }
        }
        var map: [String: [Relation]] = [
            "organization": children("organization_id", [
                ("funding", "funding"), ("contacts", "contact"), ("phones", "phone"), ("locations", "location"),
                ("programs", "program"), ("organization_identifiers", "organization_identifier"), ("services", "service"),
            ]),
            "service": children("service_id", [
                ("phones", "phone"), ("schedules", "schedule"), ("service_areas", "service_area"),
                ("service_at_locations", "service_at_location"), ("languages", "language"), ("funding", "funding"),
                ("cost_options", "cost_option"), ("required_documents", "required_document"), ("contacts", "contact"),
            ]) + [
                Relation(member: "organization", child: "organization", link: .parentColumn("organization_id")),
                Relation(member: "program", child: "program", link: .parentColumn("program_id")),
            ],
            "service_at_location": children("service_at_location_id", [
                ("contacts", "contact"), ("phones", "phone"), ("schedules", "schedule"),
            ]) + [Relation(member: "location", child: "location", link: .parentColumn("location_id"))],
            "location": children("location_id", [
                ("languages", "language"), ("addresses", "address"), ("contacts", "contact"),
                ("accessibility", "accessibility"), ("phones", "phone"), ("schedules", "schedule"),
            ]),
            "contact": children("contact_id", [("phones", "phone")]),
            "phone": children("phone_id", [("languages", "language")]),
            "attribute": [Relation(member: "taxonomy_term", child: "taxonomy_term", link: .parentColumn("taxonomy_term_id"))],
            "taxonomy_term": [Relation(member: "taxonomy_detail", child: "taxonomy", link: .parentColumn("taxonomy_id"))],
        ]
        for table in tables.map(\.name) where !["attribute", "metadata", "taxonomy", "taxonomy_term", "meta_table_description"].contains(table) {
            map[table, default: []] += commonRelations
        }
        map["attribute", default: []].append(commonRelations[1])
        return map
    }()

    /// The same relations keyed by JSON member, for readers that meet members one at a time.
    public static let relationsByMember: [String: [String: Relation]] = relations.mapValues { list in
        Dictionary(uniqueKeysWithValues: list.map { ($0.member, $0) })
    }
}
