@preconcurrency import Crypto
import Foundation

/// The person's agreement to this referral: what may be shared, with whom, until when, and how it
/// was given. No referral leaves without one that covers it.
public struct ReferralConsent: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable, CaseIterable { case verbal, written }
    /// What may be shared: always the needs; contact details only when "contact" is in scope.
    public enum Item: String, Codable, Sendable, CaseIterable { case needs, contact, language }

    public var method: Method
    public var scope: [Item]
    /// The service the person agreed to, by name, as they were told it.
    public var recipient: String
    /// Last day the consent covers (YYYY-MM-DD).
    public var expiresOn: String
    /// The consent covers substance-use records (42 CFR Part 2): whatever is released under it
    /// carries the redisclosure notice. Absent in referrals made before it was kept.
    public var part2: Bool?

    public init(method: Method, scope: [Item], recipient: String, expiresOn: String, part2: Bool? = nil) {
        self.method = method
        self.scope = scope
        self.recipient = recipient
        self.expiresOn = expiresOn
        self.part2 = part2
    }

    /// Whether the consent still covers sharing on `today` (YYYY-MM-DD).
    public func isCurrent(today: String) -> Bool { today <= expiresOn }
}

/// The minimum the receiving service needs to help: how to address the person, a safe way and
/// time to reach them (or an instruction not to), the language and the needs. No full name, date
/// of birth, address or record number is asked for.
public struct ReferralPayload: Codable, Sendable, Equatable {
    public enum ContactMethod: String, Codable, Sendable, CaseIterable { case phone, text, email, throughReferrer = "through_referrer" }

    public var alias: String
    public var needs: [String]
    public var language: String
    public var doNotContact: Bool
    public var contactMethod: ContactMethod?
    public var contactDetail: String
    public var safeTimes: String
    public var note: String
    /// From the person's safe-contact profile: a call is safe but a voicemail is not. Absent in
    /// referrals made before profiles existed.
    public var noVoicemail: Bool?

    public init(alias: String, needs: [String], language: String, doNotContact: Bool, contactMethod: ContactMethod?,
                contactDetail: String = "", safeTimes: String = "", note: String = "") {
        self.alias = alias
        self.needs = needs
        self.language = language
        self.doNotContact = doNotContact
        self.contactMethod = contactMethod
        self.contactDetail = contactDetail
        self.safeTimes = safeTimes
        self.note = note
    }

    /// What the consent releases of a stored payload, read again each time it goes out: a payload
    /// stored before a rule existed is held to it all the same.
    public func released(under consent: ReferralConsent) -> ReferralPayload {
        let covered = ConsentRelease.categories(consent)
        var payload = self
        if !ConsentRelease.releases(.language, under: covered) { payload.language = "" }
        if !ConsentRelease.releases(.contactDetail, under: covered) { payload.contactDetail = "" }
        if !ConsentRelease.releases(.safeTimes, under: covered) { payload.safeTimes = "" }
        return payload
    }

    /// Checks the payload against the consent and the referral's own rules, trimming what it keeps.
    public func checked(consent: ReferralConsent?, recipient: String, today: String,
                        vocabulary: DirectoryVocabulary = .bundled) throws -> ReferralPayload {
        guard let consent else { throw ReferralError.consentMissing(LocalizedText("error_detail_consent_record")) }
        guard !consent.recipient.trimmingCharacters(in: .whitespaces).isEmpty,
              consent.recipient.caseInsensitiveCompare(recipient) == .orderedSame else {
            throw ReferralError.consentMissing(LocalizedText("error_detail_consent_recipient", ["recipient": consent.recipient]))
        }
        guard HSDSRowRules.isDate(consent.expiresOn) else {
            throw ReferralError.consentMissing(LocalizedText("error_detail_consent_expiry"))
        }
        guard consent.isCurrent(today: today) else { throw ReferralError.consentMissing(LocalizedText("error_detail_consent_expired", ["date": consent.expiresOn])) }
        // The same limit as every consent: at most a year from today (a screening's as a case's).
        try ConsentUseCases.checkLength(startsOn: today, expiresOn: consent.expiresOn)
        let covered = ConsentRelease.categories(consent)
        guard ConsentRelease.releases(.needs, under: covered) else { throw ReferralError.consentMissing(LocalizedText("error_detail_consent_needs")) }
        var payload = self
        payload.alias = alias.trimmingCharacters(in: .whitespacesAndNewlines)
        payload.contactDetail = contactDetail.trimmingCharacters(in: .whitespacesAndNewlines)
        payload.safeTimes = safeTimes.trimmingCharacters(in: .whitespacesAndNewlines)
        payload.note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(payload.alias.count) else {
            throw ReferralError.invalidPayload(field: "alias", reason: LocalizedText("error_detail_alias"))
        }
        guard !needs.isEmpty else { throw ReferralError.invalidPayload(field: "needs", reason: LocalizedText("error_detail_needs_missing")) }
        let known = Set(vocabulary.terms(in: .serviceType).map(\.shortCode))
        if let unknown = needs.first(where: { !known.contains($0) }) {
            throw ReferralError.invalidPayload(field: "needs", reason: LocalizedText("error_detail_needs_unknown", ["value": String(unknown.prefix(40))]))
        }
        guard payload.note.count <= 1000, payload.safeTimes.count <= 200, payload.contactDetail.count <= 200 else {
            throw ReferralError.invalidPayload(field: "note", reason: LocalizedText("error_detail_payload_lengths"))
        }
        if doNotContact {
            // Contacting the person could endanger them: nothing that would let the service try.
            guard payload.contactDetail.isEmpty, contactMethod == nil || contactMethod == .throughReferrer else {
                throw ReferralError.invalidPayload(field: "contact_detail",
                                                   reason: LocalizedText("error_detail_do_not_contact"))
            }
            payload.contactMethod = .throughReferrer
        } else if let method = contactMethod, method != .throughReferrer {
            guard ConsentRelease.releases(.contactDetail, under: covered) else {
                throw ReferralError.consentMissing(LocalizedText("error_detail_consent_contact"))
            }
            guard !payload.contactDetail.isEmpty else {
                throw ReferralError.invalidPayload(field: "contact_detail", reason: LocalizedText("error_detail_contact_missing"))
            }
        } else {
            payload.contactMethod = .throughReferrer
            payload.contactDetail = ""
        }
        // What the consent does not cover is left out (when to reach the person is contact information).
        return payload.released(under: consent)
    }
}

/// The link a receiving service uses without an account: the referral id, an expiry, a nonce and an
/// HMAC over all three. A forged or altered link fails the MAC; an old one fails the expiry; one
/// issued before the latest fails the nonce, which is random per issue and stored with the referral.
public struct ReceiverLink: Sendable, Equatable {
    public let referralId: String
    public let expiresAt: Int64
    public let nonce: String

    public init(referralId: String, expiresAt: Int64, nonce: String) {
        self.referralId = referralId
        self.expiresAt = expiresAt
        self.nonce = nonce
    }

    public func token(key: SymmetricKey) -> String {
        let payload = "\(referralId).\(expiresAt).\(nonce)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return payload + "." + Tokens.base64URL(Data(mac))
    }

    /// Reads a token; `now` in milliseconds.
    public static func verify(_ token: String, key: SymmetricKey, now: Int64) throws -> ReceiverLink {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let expiresAt = Int64(parts[1]), !parts[0].isEmpty, !parts[2].isEmpty else { throw ReferralError.linkInvalid }
        let link = ReceiverLink(referralId: String(parts[0]), expiresAt: expiresAt, nonce: String(parts[2]))
        guard Tokens.constantTimeEqual(link.token(key: key), token) else { throw ReferralError.linkInvalid }
        guard now < expiresAt else { throw ReferralError.linkExpired }
        return link
    }
}

/// Working hours between two instants (Monday to Friday, 09:00–17:00 in one time zone): how long a
/// referral has waited for an answer, not counting nights and weekends.
public enum BusinessHours {
    /// Stops counting once `limit` hours are reached: a referral sent two years ago is overdue after
    /// its first working day, without walking the seven hundred days since.
    public static func elapsed(from start: Date, to end: Date, timeZone: TimeZone, limit: Double = .infinity) -> Double {
        guard end > start else { return 0 }
        // Every seven whole days hold five working days (40 hours): no need to walk them.
        if limit.isFinite, end.timeIntervalSince(start) >= (limit / 40).rounded(.up) * 7 * 86_400 { return limit }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var total: TimeInterval = 0
        var day = calendar.startOfDay(for: start)
        while day < end {
            let weekday = calendar.component(.weekday, from: day)
            if (2...6).contains(weekday),
               let open = calendar.date(bySettingHour: 9, minute: 0, second: 0, of: day),
               let close = calendar.date(bySettingHour: 17, minute: 0, second: 0, of: day) {
                let from = max(open, start), to = min(close, end)
                if to > from { total += to.timeIntervalSince(from) }
                if total / 3600 >= limit { return total / 3600 }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return total / 3600
    }

    /// The latest start from which `hours` working hours have passed by `end`: walks back from
    /// `end` through working windows. `elapsed(from: start, to: end) >= hours` exactly when
    /// `start <= latestStart(withElapsed: hours, before: end)`.
    public static func latestStart(withElapsed hours: Double, before end: Date, timeZone: TimeZone) -> Date {
        guard hours > 0 else { return end }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var remaining = hours * 3600
        var day = calendar.startOfDay(for: end)
        while true {
            let weekday = calendar.component(.weekday, from: day)
            if (2...6).contains(weekday),
               let open = calendar.date(bySettingHour: 9, minute: 0, second: 0, of: day),
               let close = calendar.date(bySettingHour: 17, minute: 0, second: 0, of: day) {
                let to = min(close, end)
                if to > open {
                    let span = to.timeIntervalSince(open)
                    if span >= remaining { return to.addingTimeInterval(-remaining) }
                    remaining -= span
                }
            }
            guard let previous = calendar.date(byAdding: .day, value: -1, to: day) else { return .distantPast }
            day = previous
        }
    }
}
