import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/partners`: the network with the agreements to renew first, a partner's page with its contacts
/// (each opening audited), and forms for admins and supervisors. The same store calls the API makes.
struct PartnerPages {
    let store: Store
    let renderer: PageRenderer

    struct AgreementRow { let partnerId: String, partner: String, kind: String, title: String, period: String, state: String, stateLabel: String }
    struct EventRow { let kind: String, title: String, heldOn: String }
    struct PartnerRow { let id: String, name: String, scope: String, directoryName: String?, agreements: Int, events: Int }
    /// Empty details are nil: an empty string would still open its Mustache section.
    struct ContactRow { let name: String, role: String?, phone: String?, email: String? }
    struct List {
        let partners: [PartnerRow], noPartners: Bool, ending: [AgreementRow], hasEnding: Bool, canManage: Bool, scopes: [Option]
        let form: [String: String], error: String?
    }
    struct Detail {
        let partnerId: String, name: String, scope: String, directoryName: String?, contacts: [ContactRow], noContacts: Bool
        let agreements: [AgreementRow], events: [EventRow], canManage: Bool, agreementKinds: [Option], eventKinds: [Option]
        let form: [String: String], formSection: String?, error: String?
    }

    func register(on router: PageRoutes) {
        router.get("/partners", .permission(.readPartners), use: list)
        router.post("/partners", .permission(.managePartners), use: create)
        router.get("/partners/:id", .permission(.readPartners), scope: .organization, use: detail)
        router.post("/partners/:id/:section", .permission(.managePartners), scope: .organization, use: add)
    }

    func agreementRow(_ agreement: PartnerAgreement, partner: String, strings: Localizer) -> AgreementRow {
        AgreementRow(partnerId: agreement.partnerId, partner: partner, kind: strings.label("partner_agreement", agreement.kind.rawValue),
                     title: agreement.title, period: "\(agreement.startsOn) – \(agreement.endsOn)", state: agreement.state.rawValue,
                     stateLabel: strings.label("partner_state", agreement.state.rawValue))
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await listPage(try context.tenant(), request: request, context: context)
    }

    func listPage(_ tenant: TenantContext, form: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok,
                  request: Request, context: WaypointRequestContext) async throws -> Response {
        let strings = Localizer(context.language)
        let network = try await store.partners.network(in: tenant)
        let names = Dictionary(network.partners.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let view = List(
            partners: network.partners.map {
                PartnerRow(id: $0.id, name: $0.name, scope: strings.label("partner_scope", $0.scope.rawValue), directoryName: $0.directoryOrganizationName,
                           agreements: $0.agreements.count, events: $0.events.count)
            },
            noPartners: network.partners.isEmpty,
            ending: network.agreementsEnding.map { agreementRow($0, partner: names[$0.partnerId] ?? "", strings: strings) },
            hasEnding: !network.agreementsEnding.isEmpty, canManage: Policy.allows(tenant.role, .managePartners),
            scopes: Partner.Scope.allCases.map { Option(value: $0.rawValue, label: strings.label("partner_scope", $0.rawValue),
                                                        selected: (form["scope"] ?? "local") == $0.rawValue) },
            form: form, error: error)
        return renderer.page("partners", titleKey: "partners_title", view: view, request: request, context: context, status: status)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let contactName = (form["contact_name"] ?? "").trimmingCharacters(in: .whitespaces)
        let new = NewPartner(name: form["name"] ?? "", scope: Partner.Scope(rawValue: form["scope"] ?? "") ?? .local,
                             directoryOrganizationId: form["directory_organization_id"],
                             contacts: contactName.isEmpty ? [] : [PartnerContact(name: contactName, role: form["contact_role"], phone: form["contact_phone"],
                                                                                  email: form["contact_email"])])
        do {
            let partner = try await store.partners.create(new, in: tenant)
            return PageRenderer.redirect(to: "/partners/\(partner.id)")
        } catch let error as PartnerError {
            return try await listPage(tenant, form: form, error: error.message(in: Localizer(context.language)), status: error.httpStatus,
                                      request: request, context: context)
        }
    }

    @Sendable func detail(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await detailPage(try context.parameters.require("id"), tenant: try context.tenant(), request: request, context: context)
    }

    func detailPage(_ id: String, tenant: TenantContext, form: [String: String] = [:], formSection: String? = nil, error: String? = nil,
                    status: HTTPResponse.Status = .ok, request: Request, context: WaypointRequestContext) async throws -> Response {
        let strings = Localizer(context.language)
        let partner = try await store.partners.find(id, in: tenant)
        let contacts = partner.contacts ?? []
        let view = Detail(
            partnerId: partner.id, name: partner.name, scope: strings.label("partner_scope", partner.scope.rawValue),
            directoryName: partner.directoryOrganizationName,
            contacts: contacts.map { contact in
                func present(_ value: String?) -> String? { (value ?? "").isEmpty ? nil : value }
                return ContactRow(name: contact.name, role: present(contact.role), phone: present(contact.phone), email: present(contact.email))
            },
            noContacts: contacts.isEmpty, agreements: partner.agreements.map { agreementRow($0, partner: partner.name, strings: strings) },
            events: partner.events.map { EventRow(kind: strings.label("partner_event", $0.kind.rawValue), title: $0.title, heldOn: $0.heldOn) },
            canManage: Policy.allows(tenant.role, .managePartners),
            agreementKinds: PartnerAgreement.Kind.allCases.map { Option(value: $0.rawValue, label: strings.label("partner_agreement", $0.rawValue),
                                                                        selected: form["kind"] == $0.rawValue) },
            eventKinds: PartnerEvent.Kind.allCases.map { Option(value: $0.rawValue, label: strings.label("partner_event", $0.rawValue),
                                                                selected: form["kind"] == $0.rawValue) },
            form: form, formSection: formSection, error: error)
        return renderer.page("partner-detail", titleKey: "partner_detail_title", view: view, request: request, context: context, status: status)
    }

    @Sendable func add(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let section = try context.parameters.require("section")
        let form = try await FormReader.read(request, context: context)
        do {
            switch section {
            case "agreements":
                _ = try await store.partners.addAgreement(
                    NewAgreement(kind: PartnerAgreement.Kind(rawValue: form["kind"] ?? "") ?? .other, title: form["title"] ?? "",
                                 startsOn: form["starts_on"] ?? "", endsOn: form["ends_on"] ?? ""), to: id, in: tenant)
            case "events":
                _ = try await store.partners.addEvent(
                    NewPartnerEvent(kind: PartnerEvent.Kind(rawValue: form["kind"] ?? "") ?? .meeting, title: form["title"] ?? "",
                                    heldOn: form["held_on"] ?? ""), to: id, in: tenant)
            default: throw AccessError.notFound
            }
            return PageRenderer.redirect(to: "/partners/\(id)#\(section)")
        } catch let error as PartnerError {
            return try await detailPage(id, tenant: tenant, form: form, formSection: section, error: error.message(in: Localizer(context.language)),
                                        status: error.httpStatus, request: request, context: context)
        }
    }
}
