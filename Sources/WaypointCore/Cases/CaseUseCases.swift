import Foundation

public enum CaseError: UserFacingError, Equatable {
    case invalid(field: String, reason: LocalizedText)
    /// Someone changed the client since the form was loaded: nothing was overwritten.
    case stale
    /// Reaching the person this way could endanger them.
    case unsafeContact(ContactSafety.Channel)
    case closed

    public var messageKey: String {
        switch self {
        case .invalid: "error_case_invalid"
        case .stale: "error_case_stale"
        case .unsafeContact: "error_case_unsafe_contact"
        case .closed: "error_case_closed"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .invalid, .unsafeContact: .invalid
        case .stale, .closed: .conflict
        }
    }

    public var field: String? {
        switch self {
        case .invalid(let field, _): field
        case .unsafeContact: "contact_method"
        case .stale: "version"
        case .closed: nil
        }
    }

    public var detail: LocalizedText? {
        switch self {
        case .invalid(_, let reason): reason
        case .unsafeContact(let channel): LocalizedText("error_detail_unsafe_channel", ["channel": channel.rawValue])
        case .stale, .closed: nil
        }
    }
}

/// Who may see and change a case, and the rules a case's records follow. Pure.
public enum CaseUseCases {


    static func text(_ value: String, field: String, max: Int, required: Bool = false) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, trimmed.isEmpty { throw CaseError.invalid(field: field, reason: LocalizedText("error_detail_required_text")) }
        guard trimmed.count <= max else { throw CaseError.invalid(field: field, reason: LocalizedText("error_detail_too_long", ["max": String(max)])) }
        return trimmed
    }

    /// A new client: an alias the team will recognise (not a legal name, though nothing can check
    /// that), languages as BCP 47 tags, and an identity whose date of birth is a real date.
    public static func checked(_ new: NewClient, today: String) throws -> NewClient {
        var client = new
        client.alias = try text(new.alias, field: "alias", max: 60, required: true)
        client.flags = new.flags ?? ClientFlags()
        client.reporting = try (new.reporting ?? ClientReporting()).validated()
        client.languages = try (new.languages ?? []).map { tag in
            let trimmed = tag.trimmingCharacters(in: .whitespaces)
            guard (2...35).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw CaseError.invalid(field: "languages", reason: LocalizedText("error_detail_language_tag"))
            }
            return trimmed
        }
        guard client.languages!.count <= 10 else { throw CaseError.invalid(field: "languages", reason: LocalizedText("error_detail_too_many", ["max": "10"])) }
        if let identity = new.identity {
            var checked = ClientIdentity(
                legalName: try text(identity.legalName, field: "identity.legal_name", max: 200),
                dob: try text(identity.dob, field: "identity.dob", max: 10),
                phone: try text(identity.phone, field: "identity.phone", max: 40),
                email: try text(identity.email, field: "identity.email", max: 200),
                address: try text(identity.address, field: "identity.address", max: 500))
            if !checked.dob.isEmpty {
                guard HSDSRowRules.isDate(checked.dob), checked.dob <= today else {
                    throw CaseError.invalid(field: "identity.dob", reason: LocalizedText("error_detail_date_field", ["name": "dob"]))
                }
            }
            if checked.isEmpty { checked = ClientIdentity() }
            client.identity = checked.isEmpty ? nil : checked
        }
        return client
    }

    /// The contact profile as saved: free text trimmed and bounded, the confirmation date a real
    /// day no later than today.
    public static func checked(_ safety: ContactSafety, today: String) throws -> ContactSafety {
        var checked = safety
        checked.safeTimes = try text(safety.safeTimes, field: "safe_times", max: 200)
        checked.codeWord = try text(safety.codeWord, field: "code_word", max: 60)
        checked.whoMayAnswer = try text(safety.whoMayAnswer, field: "who_may_answer", max: 200)
        checked.lastConfirmedOn = try text(safety.lastConfirmedOn, field: "last_confirmed_on", max: 10)
        if !checked.lastConfirmedOn.isEmpty, !HSDSRowRules.isDate(checked.lastConfirmedOn) || checked.lastConfirmedOn > today {
            throw CaseError.invalid(field: "last_confirmed_on", reason: LocalizedText("error_detail_date_field", ["name": "last_confirmed_on"]))
        }
        return checked
    }


    /// The staff a case is assigned to, each named once, in the order given (the first takes over
    /// the open tasks of anyone removed).
    public static func checkedAssignment(_ staff: [String]) throws -> [String] {
        var seen = Set<String>()
        let unique = staff.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !unique.isEmpty else { throw CaseError.invalid(field: "case_managers", reason: LocalizedText("error_detail_assignment_empty")) }
        guard unique.count <= 10 else { throw CaseError.invalid(field: "case_managers", reason: LocalizedText("error_detail_too_many", ["max": "10"])) }
        return unique
    }

    /// A form or API call names the version it was loaded at; any other version means someone
    /// else saved in between.
    public static func checkVersion(expected: Int?, current: Int) throws {
        if let expected, expected != current { throw CaseError.stale }
    }

    /// Revealing the legal identity needs a reason a reviewer can read later.
    public static func checkedReason(_ reason: String) throws -> String {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...500).contains(trimmed.count) else {
            throw CaseError.invalid(field: "reason", reason: LocalizedText("error_detail_reason_required"))
        }
        return trimmed
    }

    /// The channel a referral's contact method would use, which the profile must mark safe.
    public static func channel(for method: ReferralPayload.ContactMethod) -> ContactSafety.Channel? {
        switch method {
        case .phone: .call
        case .text: .text
        case .email: .email
        case .throughReferrer: nil
        }
    }

    /// A referral from a case: the consent must be active and cover the recipient and everything
    /// the payload carries, and any direct contact must use a channel the person marked safe. The
    /// payload's contact details are the sender's to give; the identity vault is never read for it.
    public static func checkReferral(payload: ReferralPayload, client: ClientRecord, consent: ConsentRecord?, target: ReferralTarget,
                                     serviceId: String, organizationName: String?, today: String) throws {
        guard client.status == .open else { throw CaseError.closed }
        var categories: Set<DataCategory> = [.needs]
        if !payload.doNotContact, let method = payload.contactMethod, method != .throughReferrer {
            categories.insert(.contact)
            if let channel = channel(for: method), !client.contactSafety.isSafe(channel) { throw CaseError.unsafeContact(channel) }
        }
        try ConsentUseCases.checkCovers(consent, serviceId: serviceId, serviceName: target.name, organizationName: organizationName,
                                        categories: categories, today: today)
    }
}
