import Foundation
import WaypointCore

/// What the referral templates show, one type per page, worded in the reader's language.
struct ReferralViews {
    let strings: Localizer
    let language: Language

    init(_ language: Language) {
        self.strings = Localizer(language)
        self.language = language
    }

    struct Filter { let value: String?; let label: String; let current: Bool }
    struct Row { let id: String; let service: String; let status: String; let statusLabel: String; let overdue: Bool; let updated: String; let linkable: Bool }
    struct List {
        let heading: String
        let inbox: Bool
        let base: String
        let filters: [Filter]
        let referrals: [Row]
        /// nil when nothing is overdue: the warning is not shown at all.
        let overdueCount: Int?
    }

    /// The sending form, with what was typed when it is shown again after an error.
    struct New {
        let serviceId: String, serviceName: String, screening: String
        let needs: [DirectoryViews.Choice]
        let languagesList: [DirectoryViews.LanguageChoice]
        let contactMethods: [Option]
        let alias: String, contactDetail: String, safeTimes: String, note: String
        let doNotContact: Bool
        let recipient: String, expiresOn: String
        let verbal: Bool, written: Bool, scopeContact: Bool, scopeLanguage: Bool, consentGiven: Bool
        let error: String?
    }

    struct Event { let at: String; let status: String; let statusCode: String; let party: String; let reason: String?; let note: String? }
    struct Reason { let value: String; let label: String }
    struct Move { let status: String; let label: String; let hasReasons: Bool; let reasons: [Reason] }

    struct Detail {
        let id: String
        let service: String
        let status: String
        let statusCode: String
        let alias: String
        let needs: String
        let doNotContact: Bool
        let consent: String
        let history: [Event]
        let moves: [Move]
        let canRelink: Bool
        /// Shown once, right after the referral is sent or a new link is made.
        let link: String?
    }

    struct Payload {
        let alias: String, needs: String, language: String?, doNotContact: Bool, contactMethod: String
        let contactDetail: String, safeTimes: String?, note: String?, noVoicemail: Bool
    }

    struct Receiver {
        let service: String
        let sender: String
        let status: String
        let statusCode: String
        let finished: Bool
        let history: [Event]
        let moves: [Move]
        let action: String
        let payload: Payload?
        let part2Notice: Bool
    }

    /// Dates and times in the reader's language.
    var timeFormatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        formatter.locale = Locale(identifier: language.rawValue)
        return formatter
    }

    func statusLabel(_ status: ReferralStatus) -> String { strings["referral_status_" + status.rawValue] }
    func reasonLabel(_ reason: ReferralReason) -> String { strings["referral_reason_" + reason.rawValue] }

    func list(_ referrals: [ReferralSummary], inbox: Bool, filter: ReferralStatus?) -> List {
        let formatter = timeFormatter
        let heading = strings[inbox ? "referral_inbox_title" : "referral_outbox_title"]
        let overdue = referrals.filter(\.overdue).count
        return List(
            heading: heading, inbox: inbox, base: inbox ? "/referrals/inbox" : "/referrals",
            filters: [Filter(value: nil, label: strings["referral_all"], current: filter == nil)]
                + ReferralStatus.allCases.map { Filter(value: $0.rawValue, label: statusLabel($0), current: $0 == filter) },
            referrals: referrals.map {
                Row(id: $0.id, service: $0.serviceName, status: $0.status.rawValue, statusLabel: statusLabel($0.status), overdue: $0.overdue,
                    updated: formatter.string(from: $0.updatedAt), linkable: !inbox)
            },
            overdueCount: overdue == 0 ? nil : overdue)
    }

    func history(_ events: [ReferralEvent]) -> [Event] {
        let formatter = timeFormatter
        return events.map { event in
            Event(at: formatter.string(from: event.at), status: statusLabel(event.status), statusCode: event.status.rawValue,
                  party: strings["referral_party_" + event.party.rawValue], reason: event.reason.map(reasonLabel),
                  note: event.note.isEmpty ? nil : event.note)
        }
    }

    func moves(_ moves: [ReferralStatus]) -> [Move] {
        moves.map { status in
            let reasons = ReferralTransition.reasons(for: status)
            return Move(status: status.rawValue, label: statusLabel(status), hasReasons: !reasons.isEmpty,
                        reasons: reasons.map { Reason(value: $0.rawValue, label: reasonLabel($0)) })
        }
    }

    func detail(_ record: ReferralRecord, link: String?) -> Detail {
        let terms = DirectoryViews(strings: strings)
        return Detail(
            id: record.id, service: record.serviceName, status: statusLabel(record.status), statusCode: record.status.rawValue,
            alias: record.payload.alias, needs: record.payload.needs.map { terms.termLabel(.serviceType, $0) }.joined(separator: ", "),
            doNotContact: record.payload.doNotContact,
            consent: strings["referral_consent"] + ": " + strings["referral_consent_" + record.consent.method.rawValue] + ", "
                + strings["referral_consent_until"] + " " + record.consent.expiresOn,
            history: history(record.events), moves: moves(ReferralTransition.allowedMoves(from: record.status, by: .sender)),
            canRelink: !record.status.isFinished, link: link.map { "/r/" + $0 })
    }

    func receiver(_ view: ReceiverView, token: String) -> Receiver {
        let terms = DirectoryViews(strings: strings)
        return Receiver(
            service: view.serviceName, sender: view.senderOrganization, status: statusLabel(view.status), statusCode: view.status.rawValue,
            finished: view.status.isFinished, history: history(view.events), moves: moves(view.allowedMoves), action: "/r/" + token,
            payload: view.payload.map { payload in
                Payload(alias: payload.alias, needs: payload.needs.map { terms.termLabel(.serviceType, $0) }.joined(separator: ", "),
                        language: payload.language.isEmpty ? nil : terms.languageName(payload.language), doNotContact: payload.doNotContact,
                        contactMethod: payload.contactMethod.map { strings["referral_contact_" + $0.rawValue] } ?? "",
                        contactDetail: payload.contactDetail, safeTimes: payload.safeTimes.isEmpty ? nil : payload.safeTimes,
                        note: payload.note.isEmpty ? nil : payload.note, noVoicemail: payload.noVoicemail == true)
            }, part2Notice: view.part2Notice)
    }
}
