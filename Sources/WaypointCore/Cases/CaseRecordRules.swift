import Foundation

/// The rules each part of a case follows before it is stored. Pure: today and the stored facts
/// they depend on are passed in.
extension CaseUseCases {
    static func date(_ value: String?, field: String, default today: String, notAfter limit: String? = nil) throws -> String {
        let day = (value ?? "").trimmingCharacters(in: .whitespaces)
        if day.isEmpty { return today }
        guard HSDSRowRules.isDate(day), limit.map({ day <= $0 }) ?? true else {
            throw CaseError.invalid(field: field, reason: LocalizedText("error_detail_date_field", ["name": field]))
        }
        return day
    }

    /// Levels 1…5 for known domains, at least one; each compared with the domain's previous level.
    public static func assessment(_ new: NewAssessment, id: String, by userId: String, previous: [NeedDomain: Int],
                                  today: String) throws -> Assessment {
        guard !new.levels.isEmpty else { throw CaseError.invalid(field: "levels", reason: LocalizedText("error_detail_levels_missing")) }
        let scores = try new.levels.sorted { $0.key < $1.key }.map { key, level in
            guard let domain = NeedDomain(rawValue: key) else {
                throw CaseError.invalid(field: "levels", reason: LocalizedText("error_detail_one_of", [
                    "name": "levels", "values": NeedDomain.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            guard (1...5).contains(level) else { throw CaseError.invalid(field: "levels", reason: LocalizedText("error_detail_level_range")) }
            return AssessmentScore(domain: domain, level: level, change: previous[domain].map { level - $0 })
        }
        return Assessment(id: id, assessedOn: try date(new.assessedOn, field: "assessed_on", default: today, notAfter: today),
                          assessorId: userId, scores: scores, note: try text(new.note ?? "", field: "note", max: 2000))
    }

    public static func goal(_ new: NewGoal, id: String, today: String, now: Date) throws -> Goal {
        let steps = try (new.steps ?? []).map { try text($0, field: "steps", max: 300) }.filter { !$0.isEmpty }
        guard steps.count <= 20 else { throw CaseError.invalid(field: "steps", reason: LocalizedText("error_detail_too_many", ["max": "20"])) }
        let target = try date(new.targetDate, field: "target_date", default: "")
        return Goal(id: id, domain: new.domain, text: try text(new.text, field: "text", max: 1000, required: true), steps: steps,
                    barriers: try text(new.barriers ?? "", field: "barriers", max: 1000), targetDate: target, status: .active,
                    createdAt: now, updatedAt: now)
    }

    /// Delivered today or earlier, 1 to 1,000 units (hours, nights, trips or dollars, by type).
    public static func service(_ new: NewService, id: String, by userId: String, today: String) throws -> ServiceDelivered {
        let units = new.units ?? 1
        guard (1...1000).contains(units) else { throw CaseError.invalid(field: "units", reason: LocalizedText("error_detail_units")) }
        return ServiceDelivered(id: id, type: new.type, deliveredOn: try date(new.deliveredOn, field: "delivered_on", default: today, notAfter: today),
                                units: units, staffId: userId, fundingSource: try text(new.fundingSource ?? "", field: "funding_source", max: 100),
                                note: try text(new.note ?? "", field: "note", max: 2000))
    }

    /// A note's label must be one the writer's role may use.
    public static func note(_ new: NewNote, id: String, by context: TenantContext, now: Date) throws -> CaseNote {
        let sensitivity = new.sensitivity ?? .general
        guard sensitivity.mayWrite(context.role) else {
            throw CaseError.invalid(field: "sensitivity", reason: LocalizedText("error_detail_note_label", ["label": sensitivity.rawValue]))
        }
        return CaseNote(id: id, authorId: context.userId, sensitivity: sensitivity,
                        text: try text(new.text, field: "text", max: 10_000, required: true), createdAt: now, cosignedBy: nil, cosignedAt: nil)
    }

    /// Co-signing is a supervisor's, of a note someone else wrote, once.
    public static func checkCosign(_ note: CaseNote, by context: TenantContext) throws {
        guard Policy.allows(context, .cosignNote) else { throw AccessError.forbidden }
        guard note.authorId != context.userId else { throw CaseError.invalid(field: "note", reason: LocalizedText("error_detail_cosign_own")) }
        guard note.cosignedBy == nil else { throw CaseError.invalid(field: "note", reason: LocalizedText("error_detail_cosign_twice")) }
    }

    /// A task is owned by someone on the case.
    public static func task(_ new: NewTask, id: String, by userId: String, staff: [String], now: Date) throws -> CaseTask {
        let owner = new.ownerId ?? userId
        guard staff.contains(owner) else { throw CaseError.invalid(field: "owner_id", reason: LocalizedText("error_detail_task_owner")) }
        guard HSDSRowRules.isDate(new.due) else { throw CaseError.invalid(field: "due", reason: LocalizedText("error_detail_date_field", ["name": "due"])) }
        return CaseTask(id: id, title: try text(new.title, field: "title", max: 200, required: true), due: new.due, ownerId: owner,
                        status: .open, createdAt: now)
    }

    public static func closure(reason: ClosureReason, outcome: String, client: ClientRecord, by userId: String, now: Date) throws -> Closure {
        guard client.status == .open else { throw CaseError.closed }
        return Closure(reason: reason, outcome: try text(outcome, field: "outcome", max: 2000), closedAt: now, closedBy: userId, reopenedAt: nil)
    }
}
