import Foundation
import SQLKit
import WaypointCore

/// The partner network: organizations, their contacts (sealed with the organization's key, read
/// one partner at a time and audited), agreements with their end dates, joint events.
public struct Partners: Repository {
    let shared: StoreContext
    let clients: Clients

    private func today() -> String { clients.today() }

    func audit(_ context: TenantContext, _ action: String, partner id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: "partner", objectId: id)
    }

    public func create(_ new: NewPartner, in context: TenantContext) async throws -> Partner {
        guard Policy.allows(context.role, .managePartners) else { throw AccessError.forbidden }
        let partner = try PartnerRules.checked(new)
        let now = clock.millis()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: now)
        let id = Tokens.opaqueId()
        let contacts = try sealer.row(id, in: "partners", of: context.orgId).seal(try Clients.json(partner.contacts ?? []), column: "contacts")
        let linkedName = try await database.transaction { db -> String? in
            var linkedName: String?
            if let link = partner.directoryOrganizationId {
                linkedName = try await Self.directoryName(link, on: db)
                guard linkedName != nil else {
                    throw PartnerError.invalid(field: "directory_organization_id", reason: LocalizedText("error_detail_partner_directory"))
                }
            }
            try await db.raw("""
                INSERT INTO partners (id, org_id, name, scope, directory_org_id, contacts_sealed, created_at, updated_at)
                VALUES (\(bind: id), \(bind: context.orgId), \(bind: partner.name), \(bind: partner.scope.rawValue),
                        \(bind: partner.directoryOrganizationId), \(bind: contacts), \(bind: now), \(bind: now))
                """).run()
            try await audit.append(audit(context, "partner.create", partner: id), on: db)
            return linkedName
        }
        return Partner(id: id, name: partner.name, scope: partner.scope, directoryOrganizationId: partner.directoryOrganizationId,
                       directoryOrganizationName: linkedName, contacts: partner.contacts, agreements: [], events: [])
    }

    /// The organization's partners without their contacts, and the agreements needing renewal.
    public func network(in context: TenantContext) async throws -> PartnerNetwork {
        guard Policy.allows(context.role, .readPartners) else { throw AccessError.forbidden }
        let today = today()
        return try await database.withConnection { db in
            let agreements = try await Self.agreements(where: "a.org_id = \(bind: context.orgId)", today: today, on: db)
            let events = try await Self.events(where: "org_id = \(bind: context.orgId)", on: db)
            let partners = try await db.raw("\(Self.withDirectoryName) WHERE p.org_id = \(bind: context.orgId) ORDER BY p.name").all().map { row in
                try Self.partner(row, contacts: nil, agreements: agreements, events: events)
            }
            // An ended agreement stops needing attention once another of the same partner and kind runs on.
            let ending = agreements.filter { agreement in
                agreement.state == .ending || (agreement.state == .ended && !agreements.contains {
                    $0.partnerId == agreement.partnerId && $0.kind == agreement.kind && $0.endsOn > agreement.endsOn
                })
            }.sorted { $0.endsOn < $1.endsOn }
            return PartnerNetwork(partners: partners, agreementsEnding: ending)
        }
    }

    /// One partner with its contacts opened: audited.
    public func find(_ id: String, in context: TenantContext) async throws -> Partner {
        guard Policy.allows(context.role, .readPartners) else { throw AccessError.forbidden }
        let today = today()
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let partner = try await database.withConnection { db in
            guard let row = try await db.raw("\(Self.withDirectoryName) WHERE p.id = \(bind: id) AND p.org_id = \(bind: context.orgId)").first() else {
                throw AccessError.notFound
            }
            let contacts = try JSONDecoder().decode([PartnerContact].self, from: Data(try sealer.row(id, in: "partners", of: context.orgId)
                .open("contacts", from: row).utf8))
            return try Self.partner(row, contacts: contacts, agreements: try await Self.agreements(where: "a.partner_id = \(bind: id)", today: today, on: db),
                                    events: try await Self.events(where: "partner_id = \(bind: id)", on: db))
        }
        try await audit.record(audit(context, "partner.read", partner: id))
        return partner
    }

    public func addAgreement(_ new: NewAgreement, to partnerId: String, in context: TenantContext) async throws -> PartnerAgreement {
        guard Policy.allows(context.role, .managePartners) else { throw AccessError.forbidden }
        let id = Tokens.opaqueId()
        let agreement = try await insert(into: partnerId, context: context, action: "partner.agreement") { db, now in
            let agreement = try PartnerRules.checked(new)
            try await db.raw("""
                INSERT INTO partner_agreements (id, partner_id, org_id, kind, title, starts_on, ends_on, created_at)
                VALUES (\(bind: id), \(bind: partnerId), \(bind: context.orgId), \(bind: agreement.kind.rawValue), \(bind: agreement.title),
                        \(bind: agreement.startsOn), \(bind: agreement.endsOn), \(bind: now))
                """).run()
            return agreement
        }
        return PartnerAgreement(id: id, partnerId: partnerId, kind: agreement.kind, title: agreement.title, startsOn: agreement.startsOn,
                                endsOn: agreement.endsOn, state: PartnerRules.state(startsOn: agreement.startsOn, endsOn: agreement.endsOn, today: today()))
    }

    public func addEvent(_ new: NewPartnerEvent, to partnerId: String, in context: TenantContext) async throws -> PartnerEvent {
        guard Policy.allows(context.role, .managePartners) else { throw AccessError.forbidden }
        let id = Tokens.opaqueId()
        let event = try await insert(into: partnerId, context: context, action: "partner.event") { db, now in
            let event = try PartnerRules.checked(new)
            try await db.raw("""
                INSERT INTO partner_events (id, partner_id, org_id, kind, title, held_on, created_at)
                VALUES (\(bind: id), \(bind: partnerId), \(bind: context.orgId), \(bind: event.kind.rawValue), \(bind: event.title),
                        \(bind: event.heldOn), \(bind: now))
                """).run()
            return event
        }
        return PartnerEvent(id: id, kind: event.kind, title: event.title, heldOn: event.heldOn)
    }

    /// A write under one of the organization's partners, audited against it. Another organization's
    /// partner is not found before anything about the request is checked.
    private func insert<T: Sendable>(into partnerId: String, context: TenantContext, action: String,
                                     _ body: @escaping @Sendable (any SQLDatabase, Int64) async throws -> T) async throws -> T {
        let now = clock.millis()
        return try await database.transaction { db in
            guard try await db.raw("SELECT id FROM partners WHERE id = \(bind: partnerId) AND org_id = \(bind: context.orgId)").first() != nil else {
                throw AccessError.notFound
            }
            let result = try await body(db, now)
            try await db.raw("UPDATE partners SET updated_at = \(bind: now) WHERE id = \(bind: partnerId)").run()
            try await audit.append(audit(context, action, partner: partnerId), on: db)
            return result
        }
    }

    /// Partners with their directory organization's row, in the same query (not one lookup per partner).
    static let withDirectoryName: SQLQueryString = """
        SELECT p.*, h.fields AS directory_fields FROM partners p
        LEFT JOIN hsds_rows h ON h.table_name = 'organization' AND h.id = p.directory_org_id
        """

    static func directoryName(_ organizationId: String, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT fields FROM hsds_rows WHERE table_name = 'organization' AND id = \(bind: organizationId)").first()
            .map { try name(fields: try $0.decode(column: "fields", as: String.self)) }
    }

    static func name(fields: String) throws -> String {
        let fields = try JSONDecoder().decode(JSONValue.self, from: Data(fields.utf8))
        if case .object(let object) = fields, case .string(let name)? = object["name"] { return name }
        return ""
    }

    static func agreements(where condition: SQLQueryString, today: String, on db: any SQLDatabase) async throws -> [PartnerAgreement] {
        try await db.raw("SELECT a.* FROM partner_agreements a WHERE \(condition) ORDER BY a.ends_on DESC").all().map { row in
            let startsOn = try row.decode(column: "starts_on", as: String.self), endsOn = try row.decode(column: "ends_on", as: String.self)
            return PartnerAgreement(id: try row.decode(column: "id", as: String.self), partnerId: try row.decode(column: "partner_id", as: String.self),
                                    kind: PartnerAgreement.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .other,
                                    title: try row.decode(column: "title", as: String.self), startsOn: startsOn, endsOn: endsOn,
                                    state: PartnerRules.state(startsOn: startsOn, endsOn: endsOn, today: today))
        }
    }

    static func events(where condition: SQLQueryString, on db: any SQLDatabase) async throws -> [(partnerId: String, event: PartnerEvent)] {
        try await db.raw("SELECT * FROM partner_events WHERE \(condition) ORDER BY held_on DESC").all().map { row in
            (try row.decode(column: "partner_id", as: String.self),
             PartnerEvent(id: try row.decode(column: "id", as: String.self), kind: PartnerEvent.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .meeting,
                          title: try row.decode(column: "title", as: String.self), heldOn: try row.decode(column: "held_on", as: String.self)))
        }
    }

    /// A partner from a `withDirectoryName` row.
    static func partner(_ row: any SQLRow, contacts: [PartnerContact]?, agreements: [PartnerAgreement],
                        events: [(partnerId: String, event: PartnerEvent)]) throws -> Partner {
        let id = try row.decode(column: "id", as: String.self)
        return Partner(id: id, name: try row.decode(column: "name", as: String.self),
                       scope: Partner.Scope(rawValue: try row.decode(column: "scope", as: String.self)) ?? .local,
                       directoryOrganizationId: try row.decode(column: "directory_org_id", as: String?.self),
                       directoryOrganizationName: try row.decode(column: "directory_fields", as: String?.self).map(name(fields:)), contacts: contacts,
                       agreements: agreements.filter { $0.partnerId == id }, events: events.filter { $0.partnerId == id }.map(\.event))
    }
}
