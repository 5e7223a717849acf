import Foundation

/// An organization the program works with: a national hotline, a local shelter, legal aid, a
/// clinic, law enforcement's victim services. Its contacts are people at that organization —
/// sealed at rest all the same — and its agreements (MOUs, data-sharing, referral agreements) end
/// on a date someone must be reminded of.
public struct Partner: Codable, Sendable, Equatable {
    public enum Scope: String, Codable, Sendable, CaseIterable { case national, state, local }

    public let id: String
    public let name: String
    public let scope: Scope
    /// The directory (HSDS) organization this partner is, when it is listed there.
    public let directoryOrganizationId: String?
    public let directoryOrganizationName: String?
    /// Only in a partner's own record (read on purpose, audited), never in the list.
    public let contacts: [PartnerContact]?
    public let agreements: [PartnerAgreement]
    public let events: [PartnerEvent]

    public init(id: String, name: String, scope: Scope, directoryOrganizationId: String?, directoryOrganizationName: String?,
                contacts: [PartnerContact]?, agreements: [PartnerAgreement], events: [PartnerEvent]) {
        self.id = id
        self.name = name
        self.scope = scope
        self.directoryOrganizationId = directoryOrganizationId
        self.directoryOrganizationName = directoryOrganizationName
        self.contacts = contacts
        self.agreements = agreements
        self.events = events
    }
}

public struct PartnerContact: Codable, Sendable, Equatable {
    public var name: String
    public var role: String?
    public var phone: String?
    public var email: String?

    public init(name: String, role: String? = nil, phone: String? = nil, email: String? = nil) {
        self.name = name
        self.role = role
        self.phone = phone
        self.email = email
    }
}

public struct PartnerAgreement: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case mou
        case dataSharing = "data_sharing"
        case referral
        case businessAssociate = "business_associate"
        case other
    }

    public enum State: String, Codable, Sendable { case upcoming, active, ending, ended }

    public let id: String
    public let partnerId: String
    public let kind: Kind
    public let title: String
    public let startsOn: String
    public let endsOn: String
    /// Where it stands on the day it was read: ending means within the reminder window.
    public let state: State

    public init(id: String, partnerId: String, kind: Kind, title: String, startsOn: String, endsOn: String, state: State) {
        self.id = id
        self.partnerId = partnerId
        self.kind = kind
        self.title = title
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.state = state
    }
}

public struct PartnerEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case jointEvent = "joint_event"
        case training, meeting
    }

    public let id: String
    public let kind: Kind
    public let title: String
    public let heldOn: String

    public init(id: String, kind: Kind, title: String, heldOn: String) {
        self.id = id
        self.kind = kind
        self.title = title
        self.heldOn = heldOn
    }
}

public struct NewPartner: Codable, Sendable, Equatable {
    public var name: String
    public var scope: Partner.Scope
    public var directoryOrganizationId: String?
    public var contacts: [PartnerContact]?

    public init(name: String, scope: Partner.Scope, directoryOrganizationId: String? = nil, contacts: [PartnerContact]? = nil) {
        self.name = name
        self.scope = scope
        self.directoryOrganizationId = directoryOrganizationId
        self.contacts = contacts
    }
}

public struct NewAgreement: Codable, Sendable, Equatable {
    public var kind: PartnerAgreement.Kind
    public var title: String
    public var startsOn: String
    public var endsOn: String

    public init(kind: PartnerAgreement.Kind, title: String, startsOn: String, endsOn: String) {
        self.kind = kind
        self.title = title
        self.startsOn = startsOn
        self.endsOn = endsOn
    }
}

public struct NewPartnerEvent: Codable, Sendable, Equatable {
    public var kind: PartnerEvent.Kind
    public var title: String
    public var heldOn: String

    public init(kind: PartnerEvent.Kind, title: String, heldOn: String) {
        self.kind = kind
        self.title = title
        self.heldOn = heldOn
    }
}

/// The partner list with the agreements that need someone's attention first.
public struct PartnerNetwork: Codable, Sendable, Equatable {
    public let partners: [Partner]
    /// Agreements ending within `PartnerRules.reminderDays`, or ended with nothing after them, soonest first.
    public let agreementsEnding: [PartnerAgreement]

    public init(partners: [Partner], agreementsEnding: [PartnerAgreement]) {
        self.partners = partners
        self.agreementsEnding = agreementsEnding
    }
}

public enum PartnerError: UserFacingError, Equatable {
    case invalid(field: String, reason: LocalizedText)

    public var messageKey: String { "error_partner_invalid" }
    public var kind: FailureKind { .invalid }
    public var field: String? { if case .invalid(let field, _) = self { field } else { nil } }
    public var detail: LocalizedText? { if case .invalid(_, let reason) = self { reason } else { nil } }
}

/// The partner network's rules. Pure.
public enum PartnerRules {
    /// Renewing an MOU takes signatures on both sides: two months' notice.
    public static let reminderDays = 60

    public static func state(startsOn: String, endsOn: String, today: String) -> PartnerAgreement.State {
        if today < startsOn { return .upcoming }
        if endsOn < today { return .ended }
        return endsOn <= CaseloadPolicy.day(today, plus: reminderDays) ? .ending : .active
    }

    static func text(_ value: String?, field: String, max: Int, required: Bool = false) throws -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if required, trimmed.isEmpty { throw PartnerError.invalid(field: field, reason: LocalizedText("error_detail_required_text")) }
        guard trimmed.count <= max else { throw PartnerError.invalid(field: field, reason: LocalizedText("error_detail_too_long", ["max": String(max)])) }
        return trimmed
    }

    static func day(_ value: String, field: String) throws -> String {
        let day = value.trimmingCharacters(in: .whitespaces)
        guard HSDSRowRules.isDate(day) else { throw PartnerError.invalid(field: field, reason: LocalizedText("error_detail_date_field", ["name": field])) }
        return day
    }

    public static func checked(_ new: NewPartner) throws -> NewPartner {
        var partner = new
        partner.name = try text(new.name, field: "name", max: 200, required: true)
        let link = try text(new.directoryOrganizationId, field: "directory_organization_id", max: 100)
        partner.directoryOrganizationId = link.isEmpty ? nil : link
        let contacts = try (new.contacts ?? []).map { contact in
            func optional(_ value: String?, field: String, max: Int) throws -> String? {
                let checked = try text(value, field: field, max: max)
                return checked.isEmpty ? nil : checked
            }
            return PartnerContact(name: try text(contact.name, field: "contacts.name", max: 200, required: true),
                                  role: try optional(contact.role, field: "contacts.role", max: 200),
                                  phone: try optional(contact.phone, field: "contacts.phone", max: 40),
                                  email: try optional(contact.email, field: "contacts.email", max: 200))
        }
        guard contacts.count <= 20 else { throw PartnerError.invalid(field: "contacts", reason: LocalizedText("error_detail_too_many", ["max": "20"])) }
        partner.contacts = contacts
        return partner
    }

    public static func checked(_ new: NewAgreement) throws -> NewAgreement {
        let agreement = NewAgreement(kind: new.kind, title: try text(new.title, field: "title", max: 200, required: true),
                                     startsOn: try day(new.startsOn, field: "starts_on"), endsOn: try day(new.endsOn, field: "ends_on"))
        guard agreement.startsOn <= agreement.endsOn else {
            throw PartnerError.invalid(field: "ends_on", reason: LocalizedText("error_detail_end_before_start"))
        }
        return agreement
    }

    public static func checked(_ new: NewPartnerEvent) throws -> NewPartnerEvent {
        NewPartnerEvent(kind: new.kind, title: try text(new.title, field: "title", max: 200, required: true), heldOn: try day(new.heldOn, field: "held_on"))
    }
}
