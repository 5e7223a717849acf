import Foundation

public enum EligibilityError: UserFacingError, Equatable {
    case invalid(field: String, reason: LocalizedText)
    case transition(from: EligibilityRecord.Status, to: EligibilityRecord.Status)

    public var messageKey: String {
        switch self {
        case .invalid: "error_eligibility_invalid"
        case .transition: "error_eligibility_transition"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .invalid: .invalid
        case .transition: .conflict
        }
    }

    public var field: String? {
        switch self {
        case .invalid(let field, _): field
        case .transition: "status"
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .invalid(_, let reason): reason
        case .transition(let from, let to): LocalizedText("error_detail_eligibility_transition", ["from": from.rawValue, "to": to.rawValue])
        }
    }
}

/// The windows and moves of eligibility requests and letters. Pure; sources in docs/sources.md.
public enum EligibilityRules {
    /// 22 U.S.C. 7105(b)(1)(G), added by the TVPRA of 2008 (Pub. L. 110-457, 122 Stat. 5064).
    public static let childRequestHours = 24.0
    /// 22 U.S.C. 7105(b)(1)(F)(iii): up to 90 days, extendable by 30.
    public static let interimDays = 90
    public static let interimExtensionDays = 30
    /// The dashboard lists letters ending within this many days.
    public static let expiryWarningDays = 30

    static let moves: [EligibilityRecord.Status: Set<EligibilityRecord.Status>] = [
        .planned: [.requested],
        .requested: [.interim, .granted, .denied],
        .interim: [.granted, .denied, .expired],
        .granted: [.expired],
        .denied: [.requested],  // a request for reconsideration
        .expired: [.requested],
    ]

    /// Where a request or letter may go from `status`, in the order a form offers them.
    public static func next(from status: EligibilityRecord.Status) -> [EligibilityRecord.Status] {
        EligibilityRecord.Status.allCases.filter { moves[status, default: []].contains($0) }
    }

    /// What a letter of each kind opens, as a checklist the case manager works through (benefits
    /// "to the same extent as a refugee" for HHS letters; work authorization for DHS statuses).
    public static func benefits(of kind: EligibilityRecord.Kind) -> [String] {
        switch kind {
        case .childEligibility, .interimAssistance, .adultCertification:
            ["case-management", "cash-assistance", "medical-assistance", "food-assistance", "social-security-number", "employment-services"]
        case .continuedPresence, .tVisa, .uVisa:
            ["work-authorization", "social-security-number"]
        }
    }

    /// A new request or letter for a client: these kinds are for foreign nationals only; a child's
    /// kinds for a client flagged as a minor, an adult's certification for one who is not; a
    /// child's request needs when the credible information was received (not in the future).
    public static func checked(_ new: NewEligibility, flags: ClientFlags, now: Date) throws -> NewEligibility {
        guard flags.foreignNational else {
            throw EligibilityError.invalid(field: "kind", reason: LocalizedText("error_detail_eligibility_foreign_national"))
        }
        if new.kind.isForChildren, !flags.minor {
            throw EligibilityError.invalid(field: "kind", reason: LocalizedText("error_detail_eligibility_minor"))
        }
        if new.kind == .adultCertification, flags.minor {
            throw EligibilityError.invalid(field: "kind", reason: LocalizedText("error_detail_eligibility_adult"))
        }
        var checked = new
        checked.status = new.status ?? .planned
        // Recorded as planned or sent, or as a letter already in hand when the person comes to us.
        let starts: Set<EligibilityRecord.Status> = new.kind.isForChildren ? [.planned, .requested, .interim, .granted] : [.planned, .requested, .granted]
        guard starts.contains(checked.status!) else {
            throw EligibilityError.invalid(field: "status", reason: LocalizedText("error_detail_eligibility_start"))
        }
        if new.kind == .childEligibility {
            guard let received = new.informationReceivedAt, received <= now.addingTimeInterval(60) else {
                throw EligibilityError.invalid(field: "information_received_at", reason: LocalizedText("error_detail_eligibility_received"))
            }
        }
        if let expires = new.expiresOn {
            guard HSDSRowRules.isDate(expires) else {
                throw EligibilityError.invalid(field: "expires_on", reason: LocalizedText("error_detail_date_field", ["name": "expires_on"]))
            }
        }
        return checked
    }

    /// The record a checked request starts as: dated as far as its status says, with its checklist.
    public static func start(_ new: NewEligibility, id: String, clientId: String, by actor: String, now: Date, timeZone: TimeZone) -> EligibilityRecord {
        let status = new.status ?? .planned
        return EligibilityRecord(
            id: id, clientId: clientId, kind: new.kind, status: status, informationReceivedAt: new.informationReceivedAt,
            requestedAt: status == .planned ? nil : now, decidedAt: [.interim, .granted].contains(status) ? now : nil,
            interimEndsOn: status == .interim ? CaseloadPolicy.day(now.calendarDay(in: timeZone), plus: interimDays) : nil,
            extended: false, expiresOn: new.expiresOn, benefits: benefits(of: new.kind).map { .init(code: $0, done: false) },
            history: [.init(status: status, at: now, by: actor)])
    }

    /// The record after `update` at `now`: only the moves the table allows; the interim window
    /// starts with the interim letter and is extended once; a letter's end date is a real date.
    public static func apply(_ update: EligibilityUpdate, to record: EligibilityRecord, by actor: String, now: Date, timeZone: TimeZone) throws -> EligibilityRecord {
        var next = record
        if let status = update.status, status != record.status {
            guard moves[record.status, default: []].contains(status) else { throw EligibilityError.transition(from: record.status, to: status) }
            next.status = status
            next.history.append(EligibilityRecord.Change(status: status, at: now, by: actor))
            switch status {
            case .requested: next.requestedAt = now
            case .interim:
                next.decidedAt = now
                next.interimEndsOn = CaseloadPolicy.day(now.calendarDay(in: timeZone), plus: interimDays)
            case .granted, .denied: next.decidedAt = now
            case .planned, .expired: break
            }
        }
        if update.extend == true {
            guard next.status == .interim, !next.extended, let ends = next.interimEndsOn else {
                throw EligibilityError.invalid(field: "extend", reason: LocalizedText("error_detail_eligibility_extend"))
            }
            next.extended = true
            next.interimEndsOn = CaseloadPolicy.day(ends, plus: interimExtensionDays)
        }
        if let expires = update.expiresOn {
            guard HSDSRowRules.isDate(expires) else {
                throw EligibilityError.invalid(field: "expires_on", reason: LocalizedText("error_detail_date_field", ["name": "expires_on"]))
            }
            next.expiresOn = expires
        }
        if let done = update.benefitsDone {
            let known = Set(next.benefits.map(\.code))
            guard Set(done).isSubset(of: known) else {
                throw EligibilityError.invalid(field: "benefits_done", reason: LocalizedText("error_detail_one_of", ["name": "benefits_done", "values": known.sorted().joined(separator: ", ")]))
            }
            next.benefits = next.benefits.map { EligibilityRecord.Benefit(code: $0.code, done: done.contains($0.code)) }
        }
        return next
    }

    /// The day the record stops opening anything: the interim window's end or the letter's own.
    public static func endsOn(_ record: EligibilityRecord) -> String? {
        record.status == .interim ? record.interimEndsOn : record.status == .granted ? record.expiresOn : nil
    }
}
