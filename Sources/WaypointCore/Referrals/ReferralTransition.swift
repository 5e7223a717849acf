import Foundation

/// Where a referral stands. The receiving service moves it from `sent` to an outcome; the sender
/// closes the loop once it knows what happened. Mapped to the FHIR Task statuses of the Gravity
/// SDOH Clinical Care guide (research/directory.md §3).
public enum ReferralStatus: String, Codable, Sendable, CaseIterable {
    case sent, accepted, declined, inProgress = "in_progress", waitlisted, completed, failed, cancelled, closed

    /// No action by the receiver is possible any more.
    public var isFinished: Bool { [.declined, .completed, .failed, .cancelled, .closed].contains(self) }

    /// FHIR R4 Task.status.
    public var taskStatus: String {
        switch self {
        case .sent: "requested"
        case .accepted: "accepted"
        case .declined: "rejected"
        case .inProgress: "in-progress"
        case .waitlisted: "on-hold"
        case .completed: "completed"
        case .failed: "failed"
        case .cancelled: "cancelled"
        case .closed: "completed"
        }
    }
}

/// Who acts on a referral: the organization that sent it, or the service that received it (through
/// its link, with no account).
public enum ReferralParty: String, Codable, Sendable { case sender, receiver }

/// Why a service declined, why a referral was cancelled, or how it ended — a closed list, so the
/// sender's dashboard can count them.
public enum ReferralReason: String, Codable, Sendable, CaseIterable {
    // Declined by the service
    case noCapacity = "no_capacity", notEligible = "not_eligible", outOfArea = "out_of_area"
    case couldNotContact = "could_not_contact", clientDeclined = "client_declined"
    // Completed: the outcome
    case gotHelp = "got_help", partlyHelped = "partly_helped", referredElsewhere = "referred_elsewhere"
    // Cancelled
    case clientWithdrew = "client_withdrew", sentInError = "sent_in_error", consentWithdrawn = "consent_withdrawn"

    public static let declineReasons: [ReferralReason] = [.noCapacity, .notEligible, .outOfArea, .couldNotContact, .clientDeclined]
    public static let outcomes: [ReferralReason] = [.gotHelp, .partlyHelped, .referredElsewhere]
    public static let cancelReasons: [ReferralReason] = [.clientWithdrew, .sentInError, .consentWithdrawn]
}

public enum ReferralError: UserFacingError, Equatable {
    case transitionNotAllowed(from: ReferralStatus, to: ReferralStatus, by: ReferralParty)
    case reasonRequired(ReferralStatus, allowed: [ReferralReason])
    case consentMissing(LocalizedText)
    case invalidPayload(field: String, reason: LocalizedText)
    case linkInvalid
    case linkExpired
    case linkFinished
    /// The referral ended or its consent lapsed: the link answers with nothing about it.
    case linkGone

    public var messageKey: String {
        switch self {
        case .transitionNotAllowed: "error_referral_transition"
        case .reasonRequired: "error_referral_reason"
        case .consentMissing: "error_referral_consent"
        case .invalidPayload: "error_referral_payload"
        case .linkInvalid: "error_referral_link_invalid"
        case .linkExpired: "error_referral_link_expired"
        case .linkFinished: "error_referral_link_finished"
        case .linkGone: "error_referral_link_gone"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .transitionNotAllowed, .linkFinished: .conflict
        case .linkInvalid: .notFound
        case .linkExpired, .linkGone: .gone
        case .reasonRequired, .consentMissing, .invalidPayload: .invalid
        }
    }

    public var field: String? {
        switch self {
        case .reasonRequired: "reason"
        case .consentMissing: "consent"
        case .invalidPayload(let field, _): field
        default: nil
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .transitionNotAllowed(let from, let to, let by):
            LocalizedText("error_detail_referral_transition", ["party": by.rawValue, "from": from.rawValue, "to": to.rawValue])
        case .reasonRequired(let status, let allowed):
            LocalizedText("error_detail_referral_reason", ["status": status.rawValue, "reasons": allowed.map(\.rawValue).joined(separator: ", ")])
        case .consentMissing(let what): what
        case .invalidPayload(_, let reason): reason
        default: nil
        }
    }
}

/// The referral state machine: which party may move a referral from where to where, and which
/// reasons each move needs. Pure; the store records each allowed move as an event.
public enum ReferralTransition {
    static let receiverMoves: [ReferralStatus: Set<ReferralStatus>] = [
        .sent: [.accepted, .declined, .waitlisted],
        .accepted: [.inProgress, .waitlisted, .completed, .failed],
        .waitlisted: [.accepted, .inProgress, .declined],
        .inProgress: [.waitlisted, .completed, .failed],
    ]
    static let senderMoves: [ReferralStatus: Set<ReferralStatus>] = [
        .sent: [.cancelled], .accepted: [.cancelled], .waitlisted: [.cancelled], .inProgress: [.cancelled],
        // Closing the loop: the sender has seen how it ended.
        .declined: [.closed], .completed: [.closed], .failed: [.closed], .cancelled: [.closed],
    ]

    public static func allowedMoves(from status: ReferralStatus, by party: ReferralParty) -> [ReferralStatus] {
        let moves = (party == .receiver ? receiverMoves : senderMoves)[status] ?? []
        return ReferralStatus.allCases.filter(moves.contains)
    }

    /// The reasons a move to `status` accepts; empty when it needs none.
    public static func reasons(for status: ReferralStatus) -> [ReferralReason] {
        switch status {
        case .declined: ReferralReason.declineReasons
        case .completed: ReferralReason.outcomes
        case .cancelled: ReferralReason.cancelReasons
        default: []
        }
    }

    /// Checks a move; throws the error a person can act on when it is not allowed. A reason given
    /// for a move that takes none is ignored by the caller.
    public static func check(from: ReferralStatus, to: ReferralStatus, by party: ReferralParty, reason: ReferralReason?) throws {
        guard allowedMoves(from: from, by: party).contains(to) else {
            throw ReferralError.transitionNotAllowed(from: from, to: to, by: party)
        }
        let allowed = reasons(for: to)
        if !allowed.isEmpty, reason.map({ !allowed.contains($0) }) ?? true {
            throw ReferralError.reasonRequired(to, allowed: allowed)
        }
    }
}
