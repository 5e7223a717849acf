import Foundation

/// One step in a referral's history. Events are only ever appended.
public struct ReferralEvent: Codable, Sendable, Equatable {
    public let at: Date
    public let party: ReferralParty
    /// The staff member's id for the sender; "service link" for the receiver (who has no account).
    public let actor: String
    public let status: ReferralStatus
    public let reason: ReferralReason?
    public let note: String

    public init(at: Date, party: ReferralParty, actor: String, status: ReferralStatus, reason: ReferralReason?, note: String) {
        self.at = at
        self.party = party
        self.actor = actor
        self.status = status
        self.reason = reason
        self.note = note
    }
}

/// A referral as the sender sees it.
public struct ReferralRecord: Codable, Sendable, Equatable {
    public let id: String
    public let status: ReferralStatus
    public let createdAt: Date
    public let updatedAt: Date
    public let senderOrganization: String
    public let serviceId: String
    public let serviceName: String
    public let screeningId: String?
    public let consent: ReferralConsent
    public let payload: ReferralPayload
    public let events: [ReferralEvent]
    /// The case the referral was made from, if any.
    public let clientId: String?
    /// The consent record the referral was sent under.
    public let consentId: String?
    /// When the person withdrew that consent: the receiver's link died at that moment.
    public let consentWithdrawnAt: Date?

    public init(id: String, status: ReferralStatus, createdAt: Date, updatedAt: Date, senderOrganization: String,
                serviceId: String, serviceName: String, screeningId: String?, consent: ReferralConsent,
                payload: ReferralPayload, events: [ReferralEvent], clientId: String? = nil, consentId: String? = nil,
                consentWithdrawnAt: Date? = nil) {
        self.clientId = clientId
        self.consentId = consentId
        self.consentWithdrawnAt = consentWithdrawnAt
        self.id = id
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.senderOrganization = senderOrganization
        self.serviceId = serviceId
        self.serviceName = serviceName
        self.screeningId = screeningId
        self.consent = consent
        self.payload = payload
        self.events = events
    }

    /// The reason given with the latest move, if any (why declined, how it ended).
    public var latestReason: ReferralReason? { events.last(where: { $0.reason != nil })?.reason }

    /// Whether the receiving service's link still opens the referral. The person's details are shared
    /// only while the service can act on them and the consent covers it: once the referral has ended
    /// (cancelled, declined, failed, completed, closed) or the consent has lapsed, the link shows
    /// nothing at all — withdrawn consent must take effect at once.
    public func isOpenToReceiver(today: String) -> Bool {
        !status.isFinished && consent.isCurrent(today: today) && consentWithdrawnAt == nil
    }

    /// The last status the receiving service set, which the FHIR Task carries after the sender closes.
    public var receiverStatus: ReferralStatus { events.last(where: { $0.party == .receiver || $0.status == .cancelled })?.status ?? .sent }
}

/// A referral as FHIR R4: a ServiceRequest (the order) and a Task (its fulfilment), in a
/// collection Bundle, following the Gravity SDOH Clinical Care referral pattern. Only the minimum
/// is carried: the alias, needs and the contact-prohibited flag — never contact details.
public enum ReferralFHIR {
    static let temporaryCodes = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
    static let serviceTypeSystem = "urn:waypoint:taxonomy:service-type"

    /// FHIR ids allow letters, digits, "-" and "." only.
    static func fhirId(_ id: String) -> String { id.replacingOccurrences(of: "_", with: ".") }

    public static func bundle(_ referral: ReferralRecord, vocabulary: DirectoryVocabulary = .bundled) -> JSONValue {
        let timestamp = ISO8601DateFormatter()
        let id = fhirId(referral.id)
        let restricted: JSONValue = .object(["security": .array(ConsentRelease.securityLabels(referral.consent.part2 == true))])
        let subject: JSONValue = .object(["display": .string(referral.payload.alias)])
        let requester: JSONValue = .object(["display": .string(referral.senderOrganization)])
        let performer: JSONValue = .object(["display": .string(referral.serviceName)])
        let requestStatus: String = switch referral.status {
        case .closed: referral.receiverStatus == .completed ? "completed" : "revoked"
        case .cancelled, .declined, .failed: "revoked"
        case .completed: "completed"
        default: "active"
        }
        var serviceRequest: [String: JSONValue] = [
            "resourceType": "ServiceRequest", "id": .string(id), "meta": restricted, "status": .string(requestStatus),
            "intent": "order",
            "category": .array([.object(["coding": .array([.object(["system": .string(temporaryCodes), "code": "sdoh-category-unspecified"])])])]),
            "code": .object([
                "coding": .array(referral.payload.needs.map { need in
                    .object(["system": .string(serviceTypeSystem), "code": .string(need),
                             "display": .string(vocabulary.term(.serviceType, need)?.name ?? need)])
                }),
                "text": .string(referral.payload.needs.compactMap { vocabulary.term(.serviceType, $0)?.name }.joined(separator: ", ")),
            ]),
            "subject": subject, "authoredOn": .string(timestamp.string(from: referral.createdAt)),
            "requester": requester, "performer": .array([performer]),
            "supportingInfo": .array([.object(["display": .string(
                "Consent given \(referral.consent.method.rawValue), covers \(referral.consent.scope.map(\.rawValue).joined(separator: ", ")), until \(referral.consent.expiresOn)")])]),
        ]
        if referral.payload.doNotContact {
            // The guide's own code for "contacting the person could endanger them".
            serviceRequest["orderDetail"] = .array([.object([
                "coding": .array([.object(["system": .string(temporaryCodes), "code": "contacting-subject-prohibited"])]),
                "text": "Do not contact the person directly; reach them through the referrer.",
            ])])
        }
        let taskStatus = referral.status == .closed ? referral.receiverStatus.taskStatus : referral.status.taskStatus
        var task: [String: JSONValue] = [
            "resourceType": "Task", "id": .string(id + ".task"), "meta": restricted, "status": .string(taskStatus), "intent": "order",
            "code": .object(["coding": .array([.object(["system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"])])]),
            "focus": .object(["reference": .string("ServiceRequest/\(id)")]),
            "for": subject, "authoredOn": .string(timestamp.string(from: referral.createdAt)),
            "lastModified": .string(timestamp.string(from: referral.updatedAt)),
            "requester": requester, "owner": performer,
            "businessStatus": .object(["text": .string(referral.status.rawValue)]),
        ]
        if let reason = referral.latestReason {
            if ReferralReason.outcomes.contains(reason) {
                task["output"] = .array([.object([
                    "type": .object(["text": "outcome"]), "valueCodeableConcept": .object(["text": .string(reason.rawValue)]),
                ])])
            } else {
                task["statusReason"] = .object(["text": .string(reason.rawValue)])
            }
        }
        return .object([
            "resourceType": "Bundle", "type": "collection", "timestamp": .string(timestamp.string(from: referral.updatedAt)), "meta": restricted,
            "entry": .array([
                .object(["fullUrl": .string("urn:waypoint:ServiceRequest/\(id)"), "resource": .object(serviceRequest)]),
                .object(["fullUrl": .string("urn:waypoint:Task/\(id).task"), "resource": .object(task)]),
            ]),
        ])
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
