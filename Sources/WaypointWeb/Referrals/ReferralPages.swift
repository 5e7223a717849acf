import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// Referrals from the sender's side (new, outbox, inbox, detail with history) and the receiving
/// service's link page, which needs no account.
struct ReferralPages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/referrals", .permission(.readOutbox), use: outbox)
        router.get("/referrals/inbox", .permission(.readInbox), use: inbox)
        router.get("/referrals/new", .permission(.referFromScreening), use: newForm)
        router.post("/referrals", .permission(.referFromScreening), outbound: .receiverLink, use: create)
        router.get("/referrals/:id", .permission(.followReferral), scope: .person(owner: .clinician), use: detail)
        router.get("/referrals/:id/fhir", .permission(.followReferral), scope: .person(owner: .clinician), outbound: .referralExport, use: fhir)
        router.post("/referrals/:id/move", .permission(.followReferral), scope: .person(owner: .clinician), use: move)
        router.post("/referrals/:id/link", .permission(.followReferral), scope: .person(owner: .clinician), outbound: .receiverLink, use: newLink)
        router.get("/r/:token", .open, outbound: .receiverLink, use: receiver)
        router.post("/r/:token", .open, outbound: .receiverLink, use: receiverMove)
    }

    // MARK: Lists

    @Sendable func outbox(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await list(inbox: false, request: request, context: context)
    }

    @Sendable func inbox(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await list(inbox: true, request: request, context: context)
    }

    func list(inbox: Bool, request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let filter = request.uri.queryParameters["status"].flatMap { ReferralStatus(rawValue: String($0)) }
        let referrals = try await store.referrals.list(inbox: inbox, status: filter, in: tenant)
        return renderer.page("referral-list", titleKey: inbox ? "referral_inbox_title" : "referral_outbox_title",
                             view: ReferralViews(context.language).list(referrals, inbox: inbox, filter: filter), request: request, context: context)
    }

    // MARK: Sending

    @Sendable func newForm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        guard let serviceId = request.uri.queryParameters["service"].map(String.init),
              let service = try await store.directory.serviceDetails([serviceId], viewer: tenant).first else { throw AccessError.notFound }
        return formPage(service: service, values: [:], screening: request.uri.queryParameters["screening"].map(String.init) ?? "",
                        error: nil, request: request, context: context)
    }

    func formPage(service: ServiceDetails, values: [String: String], screening: String, error: (any UserFacingError)?,
                  request: Request, context: WaypointRequestContext) -> Response {
        let strings = Localizer(context.language)
        let views = DirectoryViews(strings: strings)
        let vocabulary = DirectoryVocabulary.bundled
        let offered = Set(service.serviceTypes)
        let defaultExpiry = store.referrals.policy.defaultConsentExpiry(at: store.clock.now())
        let chosenNeeds = values.isEmpty ? offered : Set(vocabulary.terms(in: .serviceType).map(\.shortCode).filter { values["need:" + $0] != nil })
        let view = ReferralViews.New(
            serviceId: service.id, serviceName: service.name, screening: screening,
            needs: vocabulary.terms(in: .serviceType).map { term in
                .init(name: "need:" + term.shortCode, id: "need-" + term.shortCode, label: views.termLabel(.serviceType, term.shortCode),
                      checked: chosenNeeds.contains(term.shortCode), value: term.shortCode)
            },
            languagesList: views.languageChoices(DirectoryPages.languageChoices, selected: values["language"].map { [$0] } ?? []),
            contactMethods: ReferralPayload.ContactMethod.allCases.map {
                .init(value: $0.rawValue, label: strings["referral_contact_" + $0.rawValue], selected: values["contact_method"] == $0.rawValue)
            },
            alias: values["alias"] ?? "", contactDetail: values["contact_detail"] ?? "", safeTimes: values["safe_times"] ?? "",
            note: values["note"] ?? "", doNotContact: values["do_not_contact"] != nil,
            recipient: values["consent_recipient"] ?? service.name, expiresOn: values["consent_expires_on"] ?? defaultExpiry,
            verbal: values["consent_method"] != "written", written: values["consent_method"] == "written",
            scopeContact: values.isEmpty || values["scope_contact"] != nil, scopeLanguage: values.isEmpty || values["scope_language"] != nil,
            consentGiven: values["consent_given"] != nil, error: error?.message(in: strings))
        return renderer.page("referral-new", titleKey: "referral_new_title", view: view, request: request, context: context,
                             status: error.map(\.httpStatus) ?? .ok)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let serviceId = form["service_id"] ?? ""
        var scope: [ReferralConsent.Item] = [.needs]
        if form["scope_contact"] != nil { scope.append(.contact) }
        if form["scope_language"] != nil { scope.append(.language) }
        // The box "the person agreed" must be ticked; without it there is no consent to record.
        let consent = form["consent_given"] == nil ? nil : ReferralConsent(
            method: form["consent_method"] == "written" ? .written : .verbal, scope: scope,
            recipient: form["consent_recipient"] ?? "", expiresOn: form["consent_expires_on"] ?? "")
        let payload = ReferralPayload(
            alias: form["alias"] ?? "", needs: DirectoryVocabulary.bundled.terms(in: .serviceType).map(\.shortCode).filter { form["need:" + $0] != nil },
            language: form["language"] ?? "", doNotContact: form["do_not_contact"] != nil,
            contactMethod: form["contact_method"].flatMap(ReferralPayload.ContactMethod.init(rawValue:)),
            contactDetail: form["contact_detail"] ?? "", safeTimes: form["safe_times"] ?? "", note: form["note"] ?? "")
        let screening = form["screening"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let (record, link) = try await store.referrals.create(
                NewReferral(serviceId: serviceId, screeningId: screening, consent: consent, payload: payload), in: tenant)
            return try await detailPage(record, link: link, request: request, context: context)
        } catch let error as ReferralError {
            // Shown again with everything typed, so nothing is lost.
            guard let service = try await store.directory.serviceDetails([serviceId], viewer: tenant).first else { throw AccessError.notFound }
            return formPage(service: service, values: form, screening: screening ?? "", error: error, request: request, context: context)
        }
    }

    // MARK: Sender's detail

    @Sendable func detail(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let record = try await store.referrals.find(try context.parameters.require("id"), in: try context.tenant())
        return try await detailPage(record, link: nil, request: request, context: context)
    }

    func detailPage(_ record: ReferralRecord, link: String?, request: Request, context: WaypointRequestContext) async throws -> Response {
        renderer.page("referral-detail", titleKey: "referral_detail_title", view: ReferralViews(context.language).detail(record, link: link),
                      request: request, context: context, status: link == nil ? .ok : .created)
    }

    @Sendable func move(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.decode(ReferralMoveForm.self, request, context: context)
        guard let status = form.status else { throw MalformedInput(detail: LocalizedText("error_detail_choose_status"), field: "status") }
        let record = try await store.referrals.move(try context.parameters.require("id"), to: status, reason: form.reason, note: form.note ?? "", in: tenant)
        return try await detailPage(record, link: nil, request: request, context: context)
    }

    @Sendable func newLink(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        _ = try await FormReader.read(request, context: context)
        let (record, link) = try await store.referrals.newLink(try context.parameters.require("id"), in: tenant)
        return try await detailPage(record, link: link, request: request, context: context)
    }

    @Sendable func fhir(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let bundle = try await store.referrals.fhirBundle(try context.parameters.require("id"), in: try context.tenant())
        return try JSONBody.document(bundle, contentType: "application/fhir+json")
    }

    // MARK: Receiving service

    @Sendable func receiver(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let view = try await store.referrals.receiverView(token: try context.parameters.require("token"), requestId: context.requestId)
        return receiverPage(view, request: request, context: context)
    }

    @Sendable func receiverMove(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let form = try await FormReader.decodeForLink(ReferralMoveForm.self, request, context: context)
        guard let status = form.status else { throw MalformedInput(detail: LocalizedText("error_detail_choose_status"), field: "status") }
        let view = try await store.referrals.receiverMove(token: token, to: status, reason: form.reason, note: form.note ?? "",
                                                          requestId: context.requestId)
        return receiverPage(view, request: request, context: context)
    }

    func receiverPage(_ view: ReceiverView, request: Request, context: WaypointRequestContext) -> Response {
        renderer.page("referral-receiver", titleKey: "referral_receiver_title",
                      view: ReferralViews(context.language).receiver(view, token: context.parameters.get("token") ?? ""),
                      request: request, context: context)
    }
}
