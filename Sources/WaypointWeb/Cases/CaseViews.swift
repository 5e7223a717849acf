import Foundation
import WaypointCore

/// What the case templates show, worded in the reader's language. Templates see stored
/// properties only, so every flag a template tests is computed here.
struct CaseViews {
    let strings: Localizer
    let language: Language

    init(_ language: Language) {
        strings = Localizer(language)
        self.language = language
    }

    struct Item { let clientId: String; let alias: String; let detail: String; let date: String }
    struct Section { let id: String; let heading: String; let total: Int; let items: [Item]; let empty: Bool; let more: Bool }
    struct Row { let id: String; let alias: String; let phase: String; let flags: String; let updated: String }

    struct List { let sections: [Section]; let clients: [Row]; let noClients: Bool }

    /// The reporting fields (program, type of exploitation, age band at first exploitation), on the new-client form and the case page.
    struct ReportingFields { let programs: [Option], exploitations: [Option], firstAges: [Option] }

    /// One of the organization's entries, or none; a value recorded before its entry was retired stays shown.
    func listOptions(_ entries: [String], current: String) -> [Option] {
        let values = [""] + entries + (current.isEmpty || entries.contains(current) ? [] : [current])
        return values.map { Option(value: $0, label: $0.isEmpty ? strings["case_list_none"] : $0, selected: $0 == current) }
    }

    func reportingFields(_ reporting: ClientReporting, programs: [String]) -> ReportingFields {
        ReportingFields(programs: listOptions(programs, current: reporting.program),
                        exploitations: ExploitationType.allCases.map {
                            Option(value: $0.rawValue, label: strings["report_value_exploitation_" + $0.rawValue], selected: $0 == reporting.exploitation)
                        },
                        firstAges: AgeBand.firstExploitation.map {
                            Option(value: $0, label: strings["report_value_first_age_band_" + $0], selected: $0 == reporting.firstExploitedAge)
                        })
    }

    /// What the form sent; unknown values fall back to "not disclosed" (the store checks the rest).
    static func reporting(from form: [String: String]) -> ClientReporting {
        ClientReporting(program: form["program"] ?? "", exploitation: ExploitationType(rawValue: form["exploitation"] ?? "") ?? .notDisclosed,
                        firstExploitedAge: form["first_exploited_age"] ?? "not_disclosed")
    }

    struct New {
        let phases: [Option]
        let reporting: ReportingFields
        let alias: String, clientLanguages: String, legalName: String, dob: String, phone: String, email: String, address: String
        let minor: Bool, foreignNational: Bool, safetyConcern: Bool
        let error: String?
    }

    struct Channel { let name: String; let label: String; let safe: Bool; let unsafe: Bool; let unknown: Bool }
    struct ConsentRow {
        let id: String, purpose: String, recipient: String, categories: String, method: String, givenBy: String
        let period: String, state: String, stateLabel: String, canRevoke: Bool, revokedReason: String?
    }
    struct ReferralRow { let id: String; let service: String; let status: String; let statusLabel: String; let withdrawn: String? }
    struct GoalRow { let id: String; let domain: String; let text: String; let steps: String; let barriers: String; let target: String; let status: String; let statusLabel: String; let moves: [Option] }
    struct NoteRow { let id: String; let text: String; let label: String; let date: String; let cosigned: Bool; let canCosign: Bool }
    struct TaskRow { let id: String; let title: String; let due: String; let done: Bool; let overdue: Bool }
    struct ServiceRow { let date: String; let type: String; let units: Int; let funding: String }
    struct AssessmentRow { let date: String; let scores: String }
    struct ClosureRow { let reason: String; let outcome: String; let closed: String; let reopened: String? }
    struct ScreeningRow { let instrument: String; let result: String; let date: String }
    struct EligibilityRow {
        let id: String, kind: String, status: String, statusCode: String, dates: String
        let moves: [Option], hasMoves: Bool, canExtend: Bool, expiresOn: String, benefits: [Option]
    }
    struct Identity { let legalName: String; let dob: String; let phone: String; let email: String; let address: String }

    struct Detail {
        let id: String, clientId: String, alias: String, phase: String, phaseLabel: String, flags: String, clientLanguages: String
        let isOpen: Bool, isClosed: Bool, version: Int, isSupervisor: Bool, hasIdentity: Bool
        /// A supervisor's assignment form: the organization's case staff, those on the case ticked.
        let staffOptions: [Option], currentStaff: String
        let error: String?, errorSection: String?
        /// What the refused form had in it, by section: `typed.goals.text` in a template.
        let typed: [String: [String: String]]
        let identity: Identity?
        let channels: [Channel]
        let safeTimes: String, codeWord: String, whoMayAnswer: String, lastConfirmedOn: String
        let consents: [ConsentRow], categories: [Option], consentServiceId: String, consentServiceName: String?, consentExpires: String
        let referralConsents: [Option], hasReferralConsents: Bool, needs: [Option], contactMethods: [Option], referrals: [ReferralRow]
        let receiverLink: String?
        let assessments: [AssessmentRow], domains: [Option], goals: [GoalRow], services: [ServiceRow], serviceTypes: [Option], fundingSources: [Option]
        let notes: [NoteRow], noteLabels: [Option], tasks: [TaskRow], closures: [ClosureRow], hasClosures: Bool, closeReasons: [Option]
        let screenings: [ScreeningRow], phases: [Option], reporting: ReportingFields
        /// Foreign-national clients: eligibility requests and letters, and the kinds this client may start.
        let isForeignNational: Bool, eligibility: [EligibilityRow], eligibilityKinds: [Option], eligibilityStarts: [Option], eligibilityReceived: String
        /// Housing stays, transport vouchers and the funds they (and services) draw on.
        let shelter: ShelterSection
    }

    var dayFormatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.dateStyle = .medium
        formatter.timeStyle = .none
        formatter.locale = Locale(identifier: language.rawValue)
        return formatter
    }

    func phaseLabel(_ phase: CasePhase) -> String { strings["case_phase_" + phase.rawValue] }
    func domainLabel(_ domain: NeedDomain) -> String { strings["case_domain_" + domain.rawValue] }

    func flags(_ flags: ClientFlags) -> String {
        [flags.minor ? strings["case_flag_minor"] : nil, flags.foreignNational ? strings["case_flag_foreign_national"] : nil,
         flags.safetyConcern ? strings["case_flag_safety_concern"] : nil].compactMap { $0 }.joined(separator: " · ")
    }

    func list(_ board: Caseload, clients: [ClientSummary], supervisor: Bool) -> List {
        func section(_ id: String, _ items: [CaseloadItem], total: Int, detail: ((CaseloadItem) -> String)? = nil) -> Section {
            Section(id: id, heading: strings.label("case_board", id), total: total,
                    items: items.map { Item(clientId: $0.clientId, alias: $0.alias, detail: detail?($0) ?? $0.detail, date: $0.date) },
                    empty: items.isEmpty, more: total > items.count)
        }
        let totals = board.totals
        var sections = [
            section("overdue-tasks", board.overdueTasks, total: totals.overdueTasks), section("tasks-due", board.tasksDue, total: totals.tasksDue),
            section("expiring-consents", board.expiringConsents, total: totals.expiringConsents, detail: { _ in strings["case_consent"] }),
            section("overdue-referrals", board.overdueReferrals, total: totals.overdueReferrals),
            section("no-recent-contact", board.noRecentContact, total: totals.noRecentContact, detail: { _ in strings["case_board_no_contact_detail"] }),
            section("new-screenings", board.newScreenings, total: totals.newScreenings, detail: { strings["case_screening_" + $0.detail] }),
            section("eligibility-due", board.eligibilityDue, total: totals.eligibilityDue, detail: { _ in strings["case_board_eligibility_due_detail"] }),
            section("letters-ending", board.lettersEnding, total: totals.lettersEnding, detail: { _ in strings["case_board_letters_ending_detail"] }),
        ]
        if supervisor {
            sections.append(section("break-glass", board.breakGlassToReview, total: totals.breakGlassToReview,
                                    detail: { _ in strings["case_board_break_glass_detail"] }))
            sections.append(section("purge-proposals", board.purgeProposals, total: totals.purgeProposals,
                                    detail: { _ in strings["case_board_purge_detail"] }))
        }
        let formatter = dayFormatter
        return List(sections: sections, clients: clients.map {
            Row(id: $0.id, alias: $0.alias, phase: phaseLabel($0.phase), flags: flags($0.flags), updated: formatter.string(from: $0.updatedAt))
        }, noClients: clients.isEmpty)
    }

    func new(_ values: [String: String], programs: [String], error: String?) -> New {
        New(phases: CasePhase.allCases.map { Option(value: $0.rawValue, label: phaseLabel($0), selected: (values["phase"] ?? "survive") == $0.rawValue) },
            reporting: reportingFields(Self.reporting(from: values), programs: programs),
            alias: values["alias"] ?? "", clientLanguages: values["languages"] ?? "", legalName: values["legal_name"] ?? "", dob: values["dob"] ?? "",
            phone: values["phone"] ?? "", email: values["email"] ?? "", address: values["address"] ?? "",
            minor: values["minor"] != nil, foreignNational: values["foreign_national"] != nil, safetyConcern: values["safety_concern"] != nil,
            error: error)
    }
}
