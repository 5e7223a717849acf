import Foundation
import WaypointCore

/// What the line's templates show, in the reader's language and the organization's time zone.
struct CrisisViews {
    let strings: Localizer
    let language: Language
    let timeZone: TimeZone

    init(_ language: Language, timeZone: TimeZone) {
        strings = Localizer(language)
        self.language = language
        self.timeZone = timeZone
    }

    struct Line { let id: String; let channel: String; let started: String; let danger: Bool; let due: String? }
    struct Shift { let open: [Line]; let callbacks: [Line]; let noOpen: Bool; let noCallbacks: Bool; let last24h: Int; let last7d: Int; let danger24h: Int }

    struct New {
        let channels: [Option], callerRoles: [Option], concerns: [Option], outcomes: [Option]
        let anonymous: Bool, danger: Bool, callbackAgreed: Bool, callbackSafe: Bool
        let language: String, duration: String, codeWord: String, number: String, safeTimes: String, callbackCodeWord: String, due: String, note: String
        let error: String?, errorField: String?
    }

    struct Detail {
        let id: String, channel: String, started: String, duration: String?, callerRole: String, concerns: String, language: String
        let danger: Bool, anonymous: Bool, outcomes: String, note: String, isOpen: Bool
        let hasCallback: Bool, safeTimes: String, number: String?, callbackCodeWord: String?, due: String?, done: String?, canMarkDone: Bool
        let earlier: [String], hasEarlier: Bool, handedOver: Bool, caseManagers: [Option], alias: String
        let error: String?
    }

    var formatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        formatter.timeZone = timeZone
        formatter.locale = Locale(identifier: language.rawValue)
        return formatter
    }

    func label<T: RawRepresentable>(_ prefix: String, _ value: T) -> String where T.RawValue == String {
        strings.label("crisis_" + prefix, value.rawValue)
    }

    func shift(_ shift: CrisisShift) -> Shift {
        let formatter = formatter
        func line(_ line: CrisisShift.Line) -> Line {
            Line(id: line.id, channel: label("channel", line.channel), started: formatter.string(from: line.startedAt), danger: line.danger,
                 due: line.callbackDueAt.map(formatter.string(from:)))
        }
        return Shift(open: shift.open.map(line), callbacks: shift.callbacksDue.map(line), noOpen: shift.open.isEmpty,
                     noCallbacks: shift.callbacksDue.isEmpty, last24h: shift.counts.last24h, last7d: shift.counts.last7d, danger24h: shift.counts.danger24h)
    }

    func new(_ values: [String: String], error: String? = nil, errorField: String? = nil) -> New {
        let fresh = values.isEmpty
        func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ prefix: String, field: String, default first: String) -> [Option] where T.RawValue == String {
            T.allCases.map { Option(value: $0.rawValue, label: label(prefix, $0), selected: (values[field] ?? first) == $0.rawValue) }
        }
        func checks<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ prefix: String) -> [Option] where T.RawValue == String {
            T.allCases.map { Option(value: $0.rawValue, label: label(prefix, $0), selected: values["\(prefix)_\($0.rawValue)"] != nil) }
        }
        return New(channels: options(CrisisContact.Channel.self, "channel", field: "channel", default: "call"),
                   callerRoles: options(CrisisContact.CallerRole.self, "caller", field: "caller_role", default: "person"),
                   concerns: checks(CrisisContact.Concern.self, "concern"), outcomes: checks(CrisisContact.Outcome.self, "outcome"),
                   anonymous: fresh || values["anonymous"] != nil, danger: values["danger"] != nil,
                   callbackAgreed: values["callback"] != nil, callbackSafe: values["callback_safe"] == "yes",
                   language: values["language"] ?? "", duration: values["duration_minutes"] ?? "", codeWord: values["code_word"] ?? "",
                   number: values["callback_number"] ?? "", safeTimes: values["callback_safe_times"] ?? "",
                   callbackCodeWord: values["callback_code_word"] ?? "", due: values["callback_due"] ?? "", note: values["note"] ?? "",
                   error: error, errorField: errorField)
    }

    /// The contact a form describes. The callback exists only when ticked; "safe to call" only
    /// when answered yes, so an unanswered question is refused, never assumed.
    func contact(from form: [String: String]) throws -> NewCrisisContact {
        func many<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ prefix: String) -> [T] where T.RawValue == String {
            T.allCases.filter { form["\(prefix)_\($0.rawValue)"] != nil }
        }
        var callback: Callback?
        if form["callback"] != nil {
            var due: Date?
            if let text = form["callback_due"], !text.isEmpty {
                guard let parsed = FormReader.localTime(text, in: timeZone) else {
                    throw CrisisError.invalid(field: "callback.due_at", reason: LocalizedText("error_detail_crisis_callback_due"))
                }
                due = parsed
            }
            callback = Callback(safe: form["callback_safe"] == "yes" ? true : form["callback_safe"] == "no" ? false : nil,
                                number: form["callback_number"], safeTimes: form["callback_safe_times"] ?? "",
                                codeWord: form["callback_code_word"], dueAt: due)
        }
        let duration = (form["duration_minutes"] ?? "").trimmingCharacters(in: .whitespaces)
        guard duration.isEmpty || Int(duration) != nil else {
            throw CrisisError.invalid(field: "duration_minutes", reason: LocalizedText("error_detail_whole_number", ["name": "duration_minutes", "min": "0", "max": "1440"]))
        }
        return NewCrisisContact(
            channel: CrisisContact.Channel(rawValue: form["channel"] ?? "") ?? .call, anonymous: form["anonymous"] != nil,
            durationMinutes: Int(duration), callerRole: CrisisContact.CallerRole(rawValue: form["caller_role"] ?? "") ?? .person,
            concerns: many(CrisisContact.Concern.self, "concern"), language: form["language"], danger: form["danger"] != nil,
            outcome: many(CrisisContact.Outcome.self, "outcome"), callback: callback, codeWord: form["code_word"], note: form["note"])
    }

    func detail(_ contact: CrisisContact, staff: [CaseStaffMember], form: [String: String] = [:], error: String? = nil) -> Detail {
        let formatter = formatter
        let callback = contact.callback
        return Detail(
            id: contact.id, channel: label("channel", contact.channel), started: formatter.string(from: contact.startedAt),
            duration: contact.durationMinutes.map { strings.format("crisis_minutes", ["count": String($0)]) },
            callerRole: label("caller", contact.callerRole), concerns: contact.concerns.map { label("concern", $0) }.joined(separator: ", "),
            language: contact.language, danger: contact.danger, anonymous: contact.anonymous,
            outcomes: contact.outcome.map { label("outcome", $0) }.joined(separator: ", "), note: contact.note, isOpen: contact.status == .open,
            hasCallback: callback != nil, safeTimes: callback?.safeTimes ?? "", number: callback?.number, callbackCodeWord: callback?.codeWord,
            due: callback?.dueAt.map(formatter.string(from:)), done: callback?.doneAt.map(formatter.string(from:)),
            canMarkDone: contact.status == .open && callback != nil && callback?.doneAt == nil,
            earlier: contact.earlierContacts, hasEarlier: !contact.earlierContacts.isEmpty, handedOver: contact.clientId != nil,
            caseManagers: staff.map { Option(value: $0.id, label: "\($0.displayName) (\(strings["role_" + $0.role.rawValue]))",
                                             selected: form["case_manager_id"] == $0.id) },
            alias: form["alias"] ?? "", error: error)
    }
}
