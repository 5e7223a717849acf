import Foundation

/// A case as FHIR R4 for another system, shaped after the HL7 SDOH Clinical Care guide: a
/// pseudonymous Patient, the Consent it is shared under, Conditions (health concerns) from the
/// latest assessment's domains in crisis or at risk, Goals, and a ServiceRequest + Task per
/// referral. Only what the consent's categories cover goes in; notes and the identity never do.
public enum ClientFHIR {
    static let sdohCodes = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
    static let profiles = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/"

    /// The guide's SDOH category for a domain; the rest are "unspecified" in its terms.
    static func category(_ domain: NeedDomain) -> String {
        switch domain {
        case .housing: "housing-instability"
        case .food: "food-insecurity"
        case .transportation: "transportation-insecurity"
        case .income: "financial-insecurity"
        case .education: "educational-attainment"
        default: "sdoh-category-unspecified"
        }
    }

    static func lifecycle(_ status: Goal.Status) -> String {
        switch status {
        case .active: "active"
        case .achieved: "completed"
        case .paused: "on-hold"
        case .dropped: "cancelled"
        }
    }

    /// Refuses unless the consent belongs to this client and is active today.
    public static func checkExport(consent: ConsentRecord?, clientId: String, today: String) throws -> ConsentRecord {
        guard let consent, consent.clientId == clientId else { throw ConsentError.required(LocalizedText("error_detail_consent_none")) }
        switch consent.state(today: today) {
        case .active: return consent
        case .revoked: throw ConsentError.required(LocalizedText("error_detail_consent_withdrawn"))
        case .expired: throw ConsentError.required(LocalizedText("error_detail_consent_expired", ["date": consent.expiresOn]))
        case .pending: throw ConsentError.required(LocalizedText("error_detail_consent_not_started", ["date": consent.startsOn]))
        }
    }

    public static func bundle(_ file: CaseFile, consent: ConsentRecord, now: Date) -> JSONValue {
        let stamp = ISO8601DateFormatter()
        let patientId = ReferralFHIR.fhirId(file.client.id)
        let patient: JSONValue = .object(["reference": .string("Patient/\(patientId)")])
        let restricted: JSONValue = .object(["security": .array(ConsentRelease.securityLabels(consent.part2))])
        func meta(_ profile: String) -> JSONValue {
            .object(["profile": .array([.string(profiles + profile)]), "security": restricted["security"]!])
        }
        func sdoh(_ domain: NeedDomain) -> JSONValue {
            .object(["coding": .array([.object(["system": .string(sdohCodes), "code": .string(category(domain))])])])
        }
        let covers = Set(consent.categories)
        var patientResource: [String: JSONValue] = ["resourceType": "Patient", "id": .string(patientId), "meta": restricted]
        // How to address the person goes with their needs; a consent to share goals alone does not name them.
        if ConsentRelease.releases(.alias, under: covers) {
            patientResource["name"] = .array([.object(["use": "anonymous", "text": .string(file.client.alias)])])
        }
        var resources: [JSONValue] = [
            .object(patientResource),
            .object([
                "resourceType": "Consent", "id": .string(ReferralFHIR.fhirId(consent.id)), "meta": meta("SDOHCC-Consent"),
                "status": "active",
                "scope": .object(["coding": .array([.object(["system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"])])]),
                "category": .array([.object(["coding": .array([.object(["system": "http://loinc.org", "code": "59284-0"])])])]),
                "patient": patient, "dateTime": .string(stamp.string(from: consent.createdAt)),
                "policyRule": .object(["coding": .array([.object(["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"])])]),
                "provision": .object([
                    "type": "permit",
                    "period": .object(["start": .string(consent.startsOn), "end": .string(consent.expiresOn)]),
                    "actor": .array([.object([
                        "role": .object(["coding": .array([.object(["system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"])])]),
                        "reference": .object(["display": .string(consent.recipient.name)]),
                    ])]),
                    "action": .array([.object(["coding": .array([.object(["system": "http://terminology.hl7.org/CodeSystem/consentaction", "code": "disclose"])])])]),
                    // Coordination of care: the purpose in words stays with the record, not in the export.
                    "purpose": .array([.object(["system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "COC"])]),
                ]),
            ]),
        ]
        if ConsentRelease.releases(.assessments, under: covers), let latest = file.assessments.last {
            for score in latest.scores where score.level <= 2 {
                resources.append(.object([
                    "resourceType": "Condition", "id": .string(ReferralFHIR.fhirId(latest.id) + "." + score.domain.rawValue), "meta": meta("SDOHCC-Condition"),
                    "clinicalStatus": .object(["coding": .array([.object(["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"])])]),
                    "verificationStatus": .object(["coding": .array([.object(["system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "unconfirmed"])])]),
                    "category": .array([
                        .object(["coding": .array([.object(["system": "http://hl7.org/fhir/us/core/CodeSystem/condition-category", "code": "health-concern"])])]),
                        sdoh(score.domain),
                    ]),
                    "code": .object(["text": .string("\(score.domain.rawValue.replacingOccurrences(of: "_", with: " ")) need, level \(score.level) of 5")]),
                    "subject": patient, "recordedDate": .string(latest.assessedOn),
                ]))
            }
        }
        if ConsentRelease.releases(.goals, under: covers) {
            for goal in file.goals {
                var resource: [String: JSONValue] = [
                    "resourceType": "Goal", "id": .string(ReferralFHIR.fhirId(goal.id)), "meta": meta("SDOHCC-Goal"),
                    "lifecycleStatus": .string(lifecycle(goal.status)),
                    "category": .array([sdoh(goal.domain)]),
                    "description": .object(["text": .string(goal.text)]), "subject": patient,
                ]
                if !goal.targetDate.isEmpty { resource["target"] = .array([.object(["dueDate": .string(goal.targetDate)])]) }
                resources.append(.object(resource))
            }
        }
        if ConsentRelease.releases(.referralsToRecipient, under: covers) {
            // Only the referrals to the recipient the consent names: the others say where else the person went.
            for referral in file.referrals
            where consent.recipient.covers(serviceId: referral.serviceId ?? "", serviceName: referral.serviceName, organizationName: nil) {
                let id = ReferralFHIR.fhirId(referral.id)
                let performer: JSONValue = .object(["display": .string(referral.serviceName)])
                resources.append(.object([
                    "resourceType": "ServiceRequest", "id": .string(id), "meta": meta("SDOHCC-ServiceRequest"),
                    "status": .string(referral.status.isFinished ? "completed" : "active"), "intent": "order",
                    "category": .array([.object(["coding": .array([.object(["system": .string(sdohCodes), "code": "sdoh-category-unspecified"])])])]),
                    "code": .object(["text": .string("Referral to \(referral.serviceName)")]),
                    "subject": patient, "authoredOn": .string(stamp.string(from: referral.createdAt)), "performer": .array([performer]),
                ]))
                resources.append(.object([
                    "resourceType": "Task", "id": .string(id + ".task"), "meta": meta("SDOHCC-TaskForReferralManagement"),
                    "status": .string(referral.status.taskStatus), "intent": "order",
                    "code": .object(["coding": .array([.object(["system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"])])]),
                    "focus": .object(["reference": .string("ServiceRequest/\(id)")]), "for": patient,
                    "authoredOn": .string(stamp.string(from: referral.createdAt)), "owner": performer,
                ]))
            }
        }
        return .object([
            "resourceType": "Bundle", "type": "collection", "timestamp": .string(stamp.string(from: now)), "meta": restricted,
            "entry": .array(resources.map { resource in
                .object(["fullUrl": .string("urn:waypoint:\(resource["resourceType"]?.string ?? "")/\(resource["id"]?.string ?? "")"), "resource": resource])
            }),
        ])
    }
}
