import Foundation
import WaypointCore
import WaypointStore

/// Turns one client-page form into the use case it stands for: the same store calls the API makes.
struct CaseFormActions {
    let store: Store
    let tenant: TenantContext

    enum Outcome {
        /// Saved: back to the page at this section.
        case back(String)
        /// The identity vault, opened for this one page.
        case identity(ClientIdentity)
        /// A referral sent: its receiver link, shown once.
        case link(String)
        /// Purged: the client no longer exists.
        case gone
    }

    /// The page section a form belongs to, where its error is shown.
    static func section(of action: String) -> String {
        switch action {
        case "contact-safety": "contact"
        case "reveal": "identity"
        case "close", "reopen", "phase", "purge": "status"
        case "stays", "vouchers": "shelter"
        default: action
        }
    }

    func perform(_ action: String, on id: String, form: [String: String]) async throws -> Outcome {
        let version = form["version"].flatMap { Int($0) }
        switch action {
        case "contact-safety":
            var safety = ContactSafety(safeTimes: form["safe_times"] ?? "", codeWord: form["code_word"] ?? "",
                                       whoMayAnswer: form["who_may_answer"] ?? "", lastConfirmedOn: form["last_confirmed_on"] ?? "")
            func marking(_ channel: ContactSafety.Channel) -> Bool? {
                switch form["channel_" + channel.rawValue] { case "safe": true; case "unsafe": false; default: nil }
            }
            (safety.call, safety.text, safety.voicemail, safety.email, safety.mail) = (marking(.call), marking(.text), marking(.voicemail), marking(.email), marking(.mail))
            _ = try await store.clients.updateContactSafety(id, safety, expectedVersion: version, in: tenant)
            return .back("contact")
        case "reveal":
            return .identity(try await store.clients.revealIdentity(id, reason: form["reason"] ?? "", in: tenant))
        case "consents":
            let service = (form["recipient_service_id"] ?? "").trimmingCharacters(in: .whitespaces)
            let consent = NewConsent(
                purpose: form["purpose"] ?? "", recipientServiceId: service.isEmpty ? nil : service, recipientOrg: form["recipient_org"],
                categories: DataCategory.allCases.filter { form["category_" + $0.rawValue] != nil },
                method: ConsentRecord.Method(rawValue: form["method"] ?? "") ?? .verbal,
                givenBy: ConsentRecord.GivenBy(rawValue: form["given_by"] ?? "") ?? .client,
                guardianNotSuspected: form["guardian_not_suspected"] != nil, expiresOn: form["expires_on"] ?? "", evidence: form["evidence"])
            _ = try await store.consents.create(consent, for: id, in: tenant)
            return .back("consents")
        case "referrals":
            let consentId = form["consent_id"] ?? ""
            let consents = try await store.consents.list(for: id, in: tenant)
            guard let serviceId = consents.first(where: { $0.id == consentId })?.recipient.serviceId else {
                throw ConsentError.required(LocalizedText("error_detail_consent_none"))
            }
            let payload = ReferralPayload(
                alias: "", needs: DirectoryVocabulary.bundled.terms(in: .serviceType).map(\.shortCode).filter { form["need:" + $0] != nil },
                language: "", doNotContact: form["do_not_contact"] != nil,
                contactMethod: form["contact_method"].flatMap(ReferralPayload.ContactMethod.init(rawValue:)),
                contactDetail: form["contact_detail"] ?? "", note: form["note"] ?? "")
            let (_, link) = try await store.referrals.createFromCase(id, serviceId: serviceId, consentId: consentId, payload: payload, in: tenant)
            return .link(link)
        case "assessments":
            var levels: [String: Int] = [:]
            for domain in NeedDomain.allCases { if let level = form["level_" + domain.rawValue].flatMap({ Int($0) }) { levels[domain.rawValue] = level } }
            _ = try await store.cases.addAssessment(NewAssessment(levels: levels, note: form["note"]), to: id, in: tenant)
            return .back("assessments")
        case "goals":
            let goal = NewGoal(domain: NeedDomain(rawValue: form["domain"] ?? "") ?? .safety, text: form["text"] ?? "",
                               steps: (form["steps"] ?? "").split(whereSeparator: \.isNewline).map(String.init), barriers: form["barriers"],
                               targetDate: form["target_date"])
            _ = try await store.cases.addGoal(goal, to: id, in: tenant)
            return .back("goals")
        case "services":
            let service = NewService(type: ServiceType(rawValue: form["type"] ?? "") ?? .caseManagement, deliveredOn: form["delivered_on"],
                                     units: form["units"].flatMap { $0.isEmpty ? nil : Int($0) ?? 0 }, fundingSource: form["funding_source"], note: form["note"],
                                     fundId: form["fund_id"].flatMap { $0.isEmpty ? nil : $0 }, overrideReason: form["override_reason"])
            _ = try await store.cases.addService(service, to: id, in: tenant)
            return .back("services")
        case "notes":
            _ = try await store.cases.addNote(NewNote(text: form["text"] ?? "", sensitivity: form["sensitivity"].flatMap(NoteSensitivity.init(rawValue:))),
                                              to: id, in: tenant)
            return .back("notes")
        case "tasks":
            _ = try await store.cases.addTask(NewTask(title: form["title"] ?? "", due: form["due"] ?? ""), to: id, in: tenant)
            return .back("tasks")
        case "screenings":
            try await store.cases.attachScreening((form["screening_id"] ?? "").trimmingCharacters(in: .whitespaces), to: id, in: tenant)
            return .back("screenings")
        case "reporting":
            _ = try await store.clients.updateReporting(id, CaseViews.reporting(from: form), expectedVersion: version, in: tenant)
            return .back("reporting")
        case "phase":
            try await store.cases.setPhase(CasePhase(rawValue: form["phase"] ?? "") ?? .survive, of: id, expectedVersion: version, in: tenant)
            return .back("status")
        case "close":
            _ = try await store.cases.close(id, reason: ClosureReason(rawValue: form["reason"] ?? "") ?? .other, outcome: form["outcome"] ?? "",
                                            expectedVersion: version, in: tenant)
            return .back("status")
        case "reopen":
            try await store.cases.reopen(id, in: tenant)
            return .back("status")
        case "eligibility":
            var received: Date?
            if let text = form["information_received"], !text.isEmpty {
                guard let parsed = FormReader.localTime(text, in: store.clients.policy.timeZone) else {
                    throw EligibilityError.invalid(field: "information_received_at", reason: LocalizedText("error_detail_eligibility_received"))
                }
                received = parsed
            }
            guard let kind = form["kind"].flatMap(EligibilityRecord.Kind.init(rawValue:)) else {
                throw EligibilityError.invalid(field: "kind", reason: LocalizedText("error_detail_one_of", [
                    "name": "kind", "values": EligibilityRecord.Kind.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            _ = try await store.eligibility.create(NewEligibility(kind: kind, status: form["status"].flatMap(EligibilityRecord.Status.init(rawValue:)),
                                                                  informationReceivedAt: received), for: id, in: tenant)
            return .back("eligibility")
        case "stays":
            _ = try await store.housing.checkIn(NewStay(siteId: form["site_id"] ?? "", fundId: form["fund_id"] ?? "", checkIn: form["check_in"],
                                                        overrideReason: form["override_reason"]), for: id, in: tenant)
            return .back("shelter")
        case "vouchers":
            _ = try await store.housing.issueVoucher(NewVoucher(fundId: form["fund_id"] ?? "", trips: form["trips"].flatMap { $0.isEmpty ? nil : Int($0) ?? 0 },
                                                                overrideReason: form["override_reason"]), for: id, in: tenant)
            return .back("shelter")
        case "staff":
            // Those already on the case first: the first named takes over a removed colleague's open tasks.
            let current = (form["current"] ?? "").split(separator: ",").map(String.init)
            let chosen = form.keys.filter { $0.hasPrefix("staff_") }.map { String($0.dropFirst(6)) }
            let ordered = current.filter(chosen.contains) + chosen.filter { !current.contains($0) }.sorted()
            _ = try await store.clients.assign(id, to: ordered, expectedVersion: version, in: tenant)
            return .back("staff")
        case "purge":
            _ = try await store.oversight.purge(id, reason: form["reason"] ?? "", in: tenant)
            return .gone
        default:
            throw AccessError.notFound
        }
    }
}
