import Foundation

/// A crisis-line record refused as given: which field and why.
public enum CrisisError: UserFacingError, Equatable {
    case invalid(field: String, reason: LocalizedText)
    /// A callback without an explicit "safe to call" and a safe time would put the caller at risk.
    case unsafeCallback
    case closed

    public var messageKey: String {
        switch self {
        case .invalid: "error_crisis_invalid"
        case .unsafeCallback: "error_crisis_unsafe_callback"
        case .closed: "error_crisis_closed"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .invalid, .unsafeCallback: .invalid
        case .closed: .conflict
        }
    }

    public var field: String? {
        switch self {
        case .invalid(let field, _): field
        case .unsafeCallback: "callback.safe"
        case .closed: nil
        }
    }

    public var detail: LocalizedText? {
        if case .invalid(_, let reason) = self { return reason }
        return nil
    }
}

/// The crisis line's rules. Pure.
public enum CrisisUseCases {

    /// Callbacks due within this many hours are on the shift view (late ones always are).
    public static let callbackHorizonHours = 4

    static func text(_ value: String?, field: String, max: Int) throws -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= max else { throw CrisisError.invalid(field: field, reason: LocalizedText("error_detail_too_long", ["max": String(max)])) }
        return trimmed
    }

    /// A contact as it will be kept: anonymous unless said otherwise, the start no later than now
    /// and not before a week ago, concerns and outcomes each named once, a callback only when the
    /// caller said it is safe and when, a number only inside that callback.
    public static func checked(_ new: NewCrisisContact, now: Date) throws -> NewCrisisContact {
        var contact = new
        contact.anonymous = new.anonymous ?? true
        let started = new.startedAt ?? now
        guard started <= now.addingTimeInterval(60), started >= now.addingTimeInterval(-7 * 86_400) else {
            throw CrisisError.invalid(field: "started_at", reason: LocalizedText("error_detail_crisis_start"))
        }
        contact.startedAt = started
        if let minutes = new.durationMinutes, !(0...1_440).contains(minutes) {
            throw CrisisError.invalid(field: "duration_minutes", reason: LocalizedText("error_detail_whole_number", ["name": "duration_minutes", "min": "0", "max": "1440"]))
        }
        contact.concerns = unique(new.concerns)
        contact.outcome = unique(new.outcome)
        let language = try text(new.language, field: "language", max: 35)
        guard language.isEmpty || language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw CrisisError.invalid(field: "language", reason: LocalizedText("error_detail_language_tag"))
        }
        contact.language = language
        contact.note = try text(new.note, field: "note", max: 4_000)
        let codeWord = try text(new.codeWord, field: "code_word", max: 60)
        contact.codeWord = codeWord.isEmpty ? nil : codeWord
        if let callback = new.callback {
            guard callback.safe == true else { throw CrisisError.unsafeCallback }
            let safeTimes = try text(callback.safeTimes, field: "callback.safe_times", max: 200)
            guard !safeTimes.isEmpty else { throw CrisisError.unsafeCallback }
            let number = try text(callback.number, field: "callback.number", max: 40)
            guard number.allSatisfy({ $0.isNumber || " +-().".contains($0) }) else {
                throw CrisisError.invalid(field: "callback.number", reason: LocalizedText("error_detail_phone"))
            }
            if let due = callback.dueAt, due < now.addingTimeInterval(-3_600) || due > now.addingTimeInterval(30 * 86_400) {
                throw CrisisError.invalid(field: "callback.due_at", reason: LocalizedText("error_detail_crisis_callback_due"))
            }
            let word = try text(callback.codeWord, field: "callback.code_word", max: 60)
            contact.callback = Callback(safe: true, number: number.isEmpty ? nil : number, safeTimes: safeTimes,
                                        codeWord: word.isEmpty ? nil : word, dueAt: callback.dueAt)
            if !contact.outcome.contains(.callbackAgreed) { contact.outcome.append(.callbackAgreed) }
        } else if contact.outcome.contains(.callbackAgreed) {
            throw CrisisError.unsafeCallback
        }
        return contact
    }

    /// The caller's code word as compared: case, spacing and accents do not matter, a typo does.
    public static func normalizedCodeWord(_ word: String) -> String {
        word.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// What a new client starts with, taken from the contact so nothing is typed twice: the alias the
    /// caller agreed to, their language, a safety concern when they were in danger, and the callback
    /// answers as the contact profile (calls safe at the safe times, with the code word).
    public static func client(from contact: CrisisContact, conversion: CrisisConversion, today: String) throws -> (NewClient, ContactSafety) {
        guard conversion.consent else {
            throw CrisisError.invalid(field: "consent", reason: LocalizedText("error_detail_crisis_consent"))
        }
        guard contact.clientId == nil else {
            throw CrisisError.invalid(field: "id", reason: LocalizedText("error_detail_crisis_converted"))
        }
        let client = NewClient(alias: conversion.alias, phase: .survive, flags: ClientFlags(minor: conversion.minor ?? false, foreignNational: conversion.foreignNational ?? false,
                                                                              safetyConcern: contact.danger),
                               languages: contact.language.isEmpty ? [] : [contact.language])
        var safety = ContactSafety()
        if let callback = contact.callback, callback.safe == true {
            safety.call = true
            safety.safeTimes = callback.safeTimes
            safety.codeWord = callback.codeWord ?? ""
            safety.lastConfirmedOn = today
        }
        return (client, safety)
    }

    private static func unique<T: Equatable>(_ values: [T]) -> [T] {
        values.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}
