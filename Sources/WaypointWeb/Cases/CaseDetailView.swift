import Foundation
import WaypointCore

extension CaseViews {
    /// What a form had typed into it when it comes back with an error, and which section it was.
    struct Typed {
        var section: String?
        var values: [String: String] = [:]
        var error: String?
        subscript(_ name: String) -> String? { values[name] }
    }

    /// The client page: every section, and each form with what was typed when it comes back.
    func detail(_ file: CaseFile, viewer: TenantContext, today: String, identity: ClientIdentity?, consentService: (id: String, name: String)?,
                receiverLink: String?, typed: Typed, staff: [CaseStaffMember] = [], funds: [Fund] = [], sites: [HousingSite] = [],
                programs: [String] = [], fundingSources: [String] = [], timeZone: TimeZone = .current) -> Detail {
        let client = file.client
        let formatter = dayFormatter
        let typedHere = { (section: String) in typed.section == section ? typed.values : [:] }
        let contact = typedHere("contact")
        let channels = ContactSafety.Channel.allCases.map { channel -> Channel in
            let marking = contact.isEmpty ? client.contactSafety.marking(channel).map { $0 ? "safe" : "unsafe" } ?? "unknown"
                : contact["channel_" + channel.rawValue] ?? "unknown"
            return Channel(name: "channel_" + channel.rawValue, label: strings["case_channel_" + channel.rawValue],
                           safe: marking == "safe", unsafe: marking == "unsafe", unknown: marking == "unknown")
        }
        let consentForm = typedHere("consents")
        let chosenCategories = Set(consentForm.keys.filter { $0.hasPrefix("category_") }.map { String($0.dropFirst(9)) })
        let active = file.consents.filter { $0.isActive(today: today) && $0.recipient.serviceId != nil }
        let referralForm = typedHere("referrals")
        let vocabulary = DirectoryVocabulary.bundled
        let directoryViews = DirectoryViews(strings: strings)
        let noteLabels = NoteSensitivity.allCases.filter { $0.mayWrite(viewer.role) }
        return Detail(
            id: client.id, clientId: client.id, alias: client.alias, phase: client.phase.rawValue, phaseLabel: phaseLabel(client.phase), flags: flags(client.flags),
            clientLanguages: client.languages.joined(separator: ", "), isOpen: client.status == .open, isClosed: client.status == .closed,
            version: client.version, isSupervisor: Policy.allows(viewer, .purgeClient), hasIdentity: client.hasIdentity,
            staffOptions: staff.map { Option(value: $0.id, label: "\($0.displayName) (\(strings["role_" + $0.role.rawValue]))",
                                             selected: client.caseManagers.contains($0.id)) },
            currentStaff: client.caseManagers.joined(separator: ","),
            error: typed.error, errorSection: typed.section, typed: typed.section.map { [$0: typed.values] } ?? [:],
            identity: identity.map { Identity(legalName: $0.legalName, dob: $0.dob, phone: $0.phone, email: $0.email, address: $0.address) },
            channels: channels,
            safeTimes: contact["safe_times"] ?? client.contactSafety.safeTimes, codeWord: contact["code_word"] ?? client.contactSafety.codeWord,
            whoMayAnswer: contact["who_may_answer"] ?? client.contactSafety.whoMayAnswer,
            lastConfirmedOn: contact["last_confirmed_on"] ?? client.contactSafety.lastConfirmedOn,
            consents: file.consents.map { consent in
                let state = consent.state(today: today)
                return ConsentRow(id: consent.id, purpose: consent.purpose, recipient: consent.recipient.name,
                                  categories: consent.categories.map { strings["case_category_" + $0.rawValue] }.joined(separator: ", "),
                                  method: strings["case_consent_method_" + consent.method.rawValue],
                                  givenBy: strings["case_consent_given_by_" + consent.givenBy.rawValue],
                                  period: "\(consent.startsOn) – \(consent.expiresOn)", state: state.rawValue,
                                  stateLabel: strings["case_consent_state_" + state.rawValue], canRevoke: state != .revoked && state != .expired,
                                  revokedReason: consent.revocation?.reason)
            },
            categories: DataCategory.allCases.map { Option(value: $0.rawValue, label: strings["case_category_" + $0.rawValue],
                                                           selected: consentForm.isEmpty ? $0 == .needs : chosenCategories.contains($0.rawValue)) },
            consentServiceId: consentForm["recipient_service_id"] ?? consentService?.id ?? "", consentServiceName: consentService?.name,
            consentExpires: consentForm["expires_on"] ?? CaseloadPolicy.day(today, plus: 90),
            referralConsents: active.map { Option(value: $0.id, label: "\($0.recipient.name) (\($0.expiresOn))", selected: referralForm["consent_id"] == $0.id) },
            hasReferralConsents: !active.isEmpty,
            needs: vocabulary.terms(in: .serviceType).map { term in
                Option(value: term.shortCode, label: directoryViews.termLabel(.serviceType, term.shortCode), selected: referralForm["need:" + term.shortCode] != nil)
            },
            contactMethods: ReferralPayload.ContactMethod.allCases.map {
                Option(value: $0.rawValue, label: strings["referral_contact_" + $0.rawValue], selected: (referralForm["contact_method"] ?? "through_referrer") == $0.rawValue)
            },
            referrals: file.referrals.map { referral in
                ReferralRow(id: referral.id, service: referral.serviceName, status: referral.status.rawValue, statusLabel: strings["referral_status_" + referral.status.rawValue],
                            withdrawn: referral.consentWithdrawnAt.map { strings.format("case_referral_withdrawn", ["date": formatter.string(from: $0)]) })
            },
            receiverLink: receiverLink,
            assessments: file.assessments.reversed().map { assessment in
                AssessmentRow(date: assessment.assessedOn, scores: assessment.scores.map { score in
                    let change = score.change.map { $0 == 0 ? " (=)" : $0 > 0 ? " (+\($0))" : " (\($0))" } ?? ""
                    return "\(domainLabel(score.domain)) \(score.level)\(change)"
                }.joined(separator: " · "))
            },
            domains: NeedDomain.allCases.map { Option(value: $0.rawValue, label: domainLabel($0), selected: false) },
            goals: file.goals.map { goal in
                GoalRow(id: goal.id, domain: domainLabel(goal.domain), text: goal.text, steps: goal.steps.joined(separator: "; "), barriers: goal.barriers,
                        target: goal.targetDate, status: goal.status.rawValue, statusLabel: strings["case_goal_" + goal.status.rawValue],
                        moves: Goal.Status.allCases.filter { $0 != goal.status }.map { Option(value: $0.rawValue, label: strings["case_goal_" + $0.rawValue], selected: false) })
            },
            services: file.services.map {
                ServiceRow(date: $0.deliveredOn, type: strings["case_service_" + $0.type.rawValue], units: $0.units, funding: $0.fundingSource)
            },
            serviceTypes: ServiceType.allCases.map { Option(value: $0.rawValue, label: strings["case_service_" + $0.rawValue], selected: false) },
            fundingSources: listOptions(fundingSources, current: typedHere("services")["funding_source"] ?? ""),
            notes: file.notes.map { note in
                NoteRow(id: note.id, text: note.text, label: strings["case_note_" + note.sensitivity.rawValue], date: formatter.string(from: note.createdAt),
                        cosigned: note.cosignedBy != nil,
                        canCosign: Policy.allows(viewer, .cosignNote) && note.cosignedBy == nil && note.authorId != viewer.userId)
            },
            noteLabels: noteLabels.map { Option(value: $0.rawValue, label: strings["case_note_" + $0.rawValue], selected: $0 == .general) },
            tasks: file.tasks.map { TaskRow(id: $0.id, title: $0.title, due: $0.due, done: $0.status == .done, overdue: $0.status == .open && $0.due < today) },
            closures: file.closures.map {
                ClosureRow(reason: strings["case_close_" + $0.reason.rawValue], outcome: $0.outcome, closed: formatter.string(from: $0.closedAt),
                           reopened: $0.reopenedAt.map { formatter.string(from: $0) })
            },
            hasClosures: !file.closures.isEmpty,
            closeReasons: ClosureReason.allCases.map { Option(value: $0.rawValue, label: strings["case_close_" + $0.rawValue], selected: false) },
            screenings: file.screenings.map {
                ScreeningRow(instrument: $0.instrument.uppercased(), result: strings["case_screening_" + $0.result], date: formatter.string(from: $0.screenedAt))
            },
            phases: CasePhase.allCases.map { Option(value: $0.rawValue, label: phaseLabel($0), selected: $0 == client.phase) },
            reporting: reportingFields(typed.section == "reporting" ? Self.reporting(from: typed.values) : client.reporting, programs: programs),
            isForeignNational: client.flags.foreignNational, eligibility: file.eligibility.map { eligibilityRow($0, timeZone: timeZone) },
            eligibilityKinds: EligibilityRecord.Kind.allCases.filter { client.flags.minor ? $0 != .adultCertification : !$0.isForChildren }
                .map { Option(value: $0.rawValue, label: label("kind", $0), selected: typedHere("eligibility")["kind"] == $0.rawValue) },
            eligibilityStarts: [EligibilityRecord.Status.planned, .requested, .granted]
                .map { Option(value: $0.rawValue, label: label("status", $0), selected: (typedHere("eligibility")["status"] ?? "planned") == $0.rawValue) },
            eligibilityReceived: typedHere("eligibility")["information_received"] ?? "",
            shelter: ShelterSection(file: file, funds: funds, sites: sites, viewer: viewer,
                                    typed: ["services", "shelter"].contains(typed.section ?? "") ? typed.values : [:],
                                    strings: strings))
    }

    func label<T: RawRepresentable>(_ group: String, _ value: T) -> String where T.RawValue == String {
        strings.label("eligibility_" + group, value.rawValue)
    }

    /// One request or letter: where it stands, its dates, the moves it may make and its checklist.
    func eligibilityRow(_ record: EligibilityRecord, timeZone: TimeZone) -> EligibilityRow {
        var dates: [String] = []
        if let due = record.requestDueAt { dates.append(strings.format("eligibility_due_by", ["time": due.calendarMinute(in: timeZone)])) }
        if let requested = record.requestedAt { dates.append(strings.format("eligibility_requested_on", ["date": requested.calendarDay(in: timeZone)])) }
        if record.status == .interim, let ends = record.interimEndsOn { dates.append(strings.format("eligibility_interim_until", ["date": ends])) }
        if let expires = record.expiresOn { dates.append(strings.format("eligibility_ends", ["date": expires])) }
        let moves = EligibilityRules.next(from: record.status)
        return EligibilityRow(id: record.id, kind: label("kind", record.kind), status: label("status", record.status), statusCode: record.status.rawValue,
                              dates: dates.joined(separator: " · "), moves: moves.map { Option(value: $0.rawValue, label: label("status", $0), selected: false) },
                              hasMoves: !moves.isEmpty, canExtend: record.status == .interim && !record.extended, expiresOn: record.expiresOn ?? "",
                              benefits: record.benefits.map { Option(value: $0.code, label: strings.label("eligibility_benefit", $0.code), selected: $0.done) })
    }
}
