import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/clients`: the case record, its identity vault, safe-contact profile, consents and the
/// referrals made from it. Case managers and supervisors only; everyone else is refused before a
/// body is read.
struct ClientsAPI {
    let store: Store


    struct Listing: Encodable { let clients: [ClientSummary] }
    struct ConsentListing: Encodable { let consents: [ConsentRecord] }
    struct Reason: Decodable { let reason: String }
    struct StaffBody: Decodable { let caseManagers: [String]; let version: Int? }
    struct StaffListing: Encodable { let staff: [CaseStaffMember] }

    struct ContactSafetyBody: Decodable {
        let version: Int?
        let safety: ContactSafety

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            version = try container.decodeIfPresent(Int.self, forKey: .version)
            safety = try ContactSafety(from: decoder)
        }

        enum CodingKeys: String, CodingKey { case version }
    }

    struct ReferralBody: Decodable {
        let serviceId: String
        let consentId: String?
        let needs: [String]
        let alias: String?
        let language: String?
        let doNotContact: Bool?
        let contactMethod: ReferralPayload.ContactMethod?
        let contactDetail: String?
        let safeTimes: String?
        let note: String?

        var payload: ReferralPayload {
            ReferralPayload(alias: alias ?? "", needs: needs, language: language ?? "", doNotContact: doNotContact ?? false,
                            contactMethod: contactMethod, contactDetail: contactDetail ?? "", safeTimes: safeTimes ?? "", note: note ?? "")
        }
    }

    func register(on api: APIRoutes) {
        api.post("/clients", .permission(.createClient), use: create)
        api.get("/clients", .permission(.readCaseload), use: list)
        api.get("/clients/:id", .permission(.readClient), scope: .organization, outbound: .clientExport, use: read)
        api.put("/clients/:id/contact-safety", .permission(.writeCase), scope: .organization, use: contactSafety)
        api.put("/clients/:id/staff", .permission(.assignCaseStaff), scope: .organization, use: assign)
        api.get("/case-staff", .permission(.assignCaseStaff), use: caseStaff)
        api.post("/clients/:id/identity/reveal", .permission(.revealIdentity), scope: .organization, use: reveal)
        api.post("/clients/:id/consents", .permission(.manageConsent), scope: .organization, use: createConsent)
        api.get("/clients/:id/consents", .permission(.readClient), scope: .organization, use: consents)
        api.post("/clients/:id/consents/:cid/revoke", .permission(.manageConsent), scope: .organization, use: revokeConsent)
        api.post("/clients/:id/referrals", .permission(.referFromCase), scope: .organization, outbound: .receiverLink, use: refer)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewClient.self, from: request, context: context)
        return try JSONBody.response(try await store.clients.create(body, in: tenant), status: .created)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        var status: ClientRecord.Status? = .open
        if let raw = request.uri.queryParameters["status"] {
            guard raw == "all" || ClientRecord.Status(rawValue: String(raw)) != nil else {
                throw DirectoryError.badQuery(field: "status", reason: LocalizedText("error_detail_one_of", ["name": "status", "values": "open, closed, all"]))
            }
            status = ClientRecord.Status(rawValue: String(raw))
        }
        return try JSONBody.response(Listing(clients: try await store.clients.list(status: status, in: tenant)))
    }

    @Sendable func read(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        if request.uri.queryParameters["format"] == "fhir" {
            let consent = request.uri.queryParameters["consent_id"].map(String.init)
            return try JSONBody.document(try await store.cases.fhirExport(id, consentId: consent, in: tenant), contentType: "application/fhir+json")
        }
        return try JSONBody.response(try await store.cases.caseFile(id, in: tenant))
    }

    @Sendable func contactSafety(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(ContactSafetyBody.self, from: request, context: context)
        return try JSONBody.response(try await store.clients.updateContactSafety(
            try context.parameters.require("id"), body.safety, expectedVersion: body.version, in: tenant))
    }

    @Sendable func assign(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(StaffBody.self, from: request, context: context)
        return try JSONBody.response(try await store.clients.assign(try context.parameters.require("id"), to: body.caseManagers,
                                                                    expectedVersion: body.version, in: tenant))
    }

    @Sendable func caseStaff(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(StaffListing(staff: try await store.clients.caseStaff(in: tenant)))
    }

    @Sendable func reveal(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(Reason.self, from: request, context: context)
        return try JSONBody.response(try await store.clients.revealIdentity(try context.parameters.require("id"), reason: body.reason, in: tenant))
    }

    @Sendable func createConsent(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewConsent.self, from: request, context: context)
        return try JSONBody.response(try await store.consents.create(body, for: try context.parameters.require("id"), in: tenant), status: .created)
    }

    @Sendable func consents(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(ConsentListing(consents: try await store.consents.list(for: try context.parameters.require("id"), in: tenant)))
    }

    @Sendable func revokeConsent(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(Reason.self, from: request, context: context)
        return try JSONBody.response(try await store.consents.revoke(try context.parameters.require("cid"), of: try context.parameters.require("id"),
                                                                     reason: body.reason, in: tenant))
    }

    @Sendable func refer(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(ReferralBody.self, from: request, context: context)
        let (record, link) = try await store.referrals.createFromCase(try context.parameters.require("id"), serviceId: body.serviceId,
                                                                      consentId: body.consentId, payload: body.payload, in: tenant)
        return try JSONBody.response(ReferralsAPI.Created(referral: record, receiverLink: "/r/" + link), status: .created)
    }
}
