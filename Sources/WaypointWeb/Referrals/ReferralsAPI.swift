import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/referrals`: send, list, read (or export as FHIR), and the sender's moves.
struct ReferralsAPI {
    let store: Store

    struct CreateBody: Decodable {
        let serviceId: String
        let screeningId: String?
        let consent: ReferralConsent?
        let payload: ReferralPayload
    }

    struct MoveBody: Decodable {
        let status: ReferralStatus
        let reason: ReferralReason?
        let note: String?
    }

    struct Created: Encodable { let referral: ReferralRecord; let receiverLink: String }
    struct Listing: Encodable { let referrals: [ReferralSummary] }

    func register(on api: APIRoutes) {
        api.post("/referrals", .permission(.referFromScreening), outbound: .receiverLink, use: create)
        api.get("/referrals", .permission(.readInbox), use: list)
        api.get("/referrals/:id", .permission(.followReferral), scope: .person(owner: .clinician), outbound: .referralExport, use: read)
        api.post("/referrals/:id/events", .permission(.followReferral), scope: .person(owner: .clinician), use: move)
        api.post("/referrals/:id/link", .permission(.followReferral), scope: .person(owner: .clinician), outbound: .receiverLink, use: newLink)
    }

    struct IssuedLink: Encodable { let receiverLink: String }

    /// A new receiver link for the sender; every earlier link stops working.
    @Sendable func newLink(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let (_, link) = try await store.referrals.newLink(try context.parameters.require("id"), in: try context.tenant())
        return try JSONBody.response(IssuedLink(receiverLink: "/r/" + link), status: .created)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        // Roles that may not refer are refused before the body is read.
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(CreateBody.self, from: request, context: context)
        let (record, link) = try await store.referrals.create(
            NewReferral(serviceId: body.serviceId, screeningId: body.screeningId, consent: body.consent, payload: body.payload), in: tenant)
        return try JSONBody.response(Created(referral: record, receiverLink: "/r/" + link), status: .created)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let box = request.uri.queryParameters["box"].map(String.init) ?? "outbox"
        guard box == "outbox" || box == "inbox" else { throw DirectoryError.badQuery(field: "box", reason: LocalizedText("error_detail_one_of", ["name": "box", "values": "outbox, inbox"])) }
        var status: ReferralStatus?
        if let raw = request.uri.queryParameters["status"] {
            guard let parsed = ReferralStatus(rawValue: String(raw)) else {
                throw DirectoryError.badQuery(field: "status", reason: LocalizedText("error_detail_one_of", ["name": "status", "values": ReferralStatus.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            status = parsed
        }
        return try JSONBody.response(Listing(referrals: try await store.referrals.list(inbox: box == "inbox", status: status, in: tenant)))
    }

    @Sendable func read(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        if request.uri.queryParameters["format"] == "fhir" {
            return try JSONBody.document(try await store.referrals.fhirBundle(id, in: tenant), contentType: "application/fhir+json")
        }
        return try JSONBody.response(try await store.referrals.find(id, in: tenant))
    }

    @Sendable func move(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(MoveBody.self, from: request, context: context)
        let record = try await store.referrals.move(try context.parameters.require("id"), to: body.status, reason: body.reason,
                                                    note: body.note ?? "", in: tenant)
        return try JSONBody.response(record)
    }
}
