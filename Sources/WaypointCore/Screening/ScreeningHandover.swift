import Foundation

/// A clinician hands the person screened over to a case manager of the same organization, with the
/// person's agreement: a client opens under an alias with the screening attached, flagged as the
/// screening recorded (under 18, not a citizen or resident), and — when the plan has the
/// eligibility-request step — the child's request starts with its 24-hour clock running from the
/// screening, since that is when the credible information reached the organization.
public struct ScreeningHandover: Codable, Sendable, Equatable {
    public var consent: Bool
    public var alias: String
    public var caseManagerId: String

    public init(consent: Bool, alias: String, caseManagerId: String) {
        self.consent = consent
        self.alias = alias
        self.caseManagerId = caseManagerId
    }
}

public struct HandedOver: Codable, Sendable, Equatable {
    public let clientId: String
    /// The child's eligibility request started with it, if the plan called for one.
    public let eligibilityId: String?

    public init(clientId: String, eligibilityId: String?) {
        self.clientId = clientId
        self.eligibilityId = eligibilityId
    }
}

public enum ScreeningHandoverRules {

    public static func client(from record: ScreeningRecord, _ handover: ScreeningHandover) throws -> NewClient {
        guard handover.consent else { throw CaseError.invalid(field: "consent", reason: LocalizedText("error_detail_handover_consent")) }
        return NewClient(alias: handover.alias, phase: .survive,
                         flags: ClientFlags(minor: record.request.age < 18, foreignNational: record.request.foreignNational))
    }

    /// The child's request, when the plan made has the eligibility-request step.
    public static func eligibility(for record: ScreeningRecord) -> NewEligibility? {
        guard record.actions.contains(where: { $0.kind == .eligibilityRequest }) else { return nil }
        return NewEligibility(kind: .childEligibility, informationReceivedAt: record.createdAt)
    }
}
