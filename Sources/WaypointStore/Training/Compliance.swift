import Foundation
import SQLKit
import WaypointCore

/// Staff training profiles and the organization's compliance with the requirements that apply to
/// each person: read in a handful of queries and decided in memory by `ComplianceRules`.
public struct Compliance: Repository {
    let shared: StoreContext
    let clients: Clients
    let requirements: [TrainingRequirement]

    /// A profile is set by the person, or by a trainer or administrator of the organization.
    public func setProfile(_ profile: TrainingProfile, of userId: String, in context: TenantContext) async throws {
        guard ComplianceRules.maySetProfile(of: userId, by: context) else { throw AccessError.forbidden }
        let checked = try ComplianceRules.checked(profile)
        let now = clock.millis()
        try await database.transaction { db in
            guard try await db.raw("SELECT id FROM users WHERE id = \(bind: userId) AND org_id = \(bind: context.orgId)").first() != nil else {
                throw AccessError.notFound
            }
            try await db.raw("DELETE FROM training_profiles WHERE user_id = \(bind: userId)").run()
            try await db.raw("""
                INSERT INTO training_profiles (user_id, org_id, states, license_type, license_renewal_on, hired_on, department, facility_roles, updated_at)
                VALUES (\(bind: userId), \(bind: context.orgId), \(bind: checked.states.joined(separator: ",")), \(bind: checked.licenseType),
                        \(bind: checked.licenseRenewalOn), \(bind: checked.hiredOn), \(bind: checked.department),
                        \(bind: checked.facilityRoles.joined(separator: ",")), \(bind: now))
                """).run()
            try await audit.append(AuditEvent(context, action: "training.profile", objectType: "user", objectId: userId), on: db)
        }
    }

    /// Everyone's status on every requirement that applies to them, by department and name.
    public func report(in context: TenantContext) async throws -> [ComplianceLine] {
        guard Policy.allows(context.role, .readCompliance) else { throw AccessError.forbidden }
        let lines = try await lines(in: context, only: nil)
        try await audit.record(AuditEvent(context, action: "training.compliance-report", objectType: "organization", objectId: context.orgId))
        return lines
    }

    /// The caller's own status on the requirements that apply to them (their home page's reminders).
    public func mine(in context: TenantContext) async throws -> [ComplianceLine] {
        try await lines(in: context, only: context.userId)
    }

    /// Everyone's lines, or one person's.
    func lines(in context: TenantContext, only userId: String?) async throws -> [ComplianceLine] {
        let today = clients.today()
        let zone = clients.policy.timeZone
        let person: SQLQueryString = userId.map { id -> SQLQueryString in "AND user_id = \(bind: id)" } ?? ""
        let sealer = try await keys.sealer(for: context.orgId, in: database, now: clock.millis())
        let (completions, started, rows) = try await database.withConnection { db in
            // What each course version covers, parsed once per version.
            var courses: [String: (topics: [String], minutes: Int)] = [:]
            // One person's lines need only the versions they took (every certificate comes from an enrollment).
            let taken: SQLQueryString = userId.map { id -> SQLQueryString in
                """
                AND EXISTS (SELECT 1 FROM enrollments e WHERE e.org_id = courses.org_id AND e.course_id = courses.id
                            AND e.course_version = courses.version AND e.user_id = \(bind: id))
                """
            } ?? ""
            for row in try await db.raw("SELECT id, version, bundle FROM courses WHERE org_id = \(bind: context.orgId) \(taken)").all() {
                let course = try Courses.course(row)
                courses[course.id + "@" + course.version] = (course.topics, course.minutes)
            }
            var completions: [String: [TrainingCompletion]] = [:]
            for row in try await db.raw("""
                SELECT user_id, code, course_id, course_version, completed_at FROM training_certificates
                WHERE org_id = \(bind: context.orgId) AND revoked_at IS NULL \(person)
                """).all() {
                let key = try row.decode(column: "course_id", as: String.self) + "@" + (try row.decode(column: "course_version", as: String.self))
                guard let course = courses[key] else { continue }
                completions[try row.decode(column: "user_id", as: String.self), default: []].append(TrainingCompletion(
                    certificateCode: try row.decode(column: "code", as: String.self), topics: course.topics, minutes: course.minutes,
                    completedOn: Date(millis: try row.decode(column: "completed_at", as: Int64.self)).calendarDay(in: zone)))
            }
            var started: [String: [(topics: [String], minutes: Int)]] = [:]
            for row in try await db.raw("""
                SELECT user_id, course_id, course_version FROM enrollments WHERE org_id = \(bind: context.orgId) AND completed_at IS NULL \(person)
                """).all() {
                let key = try row.decode(column: "course_id", as: String.self) + "@" + (try row.decode(column: "course_version", as: String.self))
                if let course = courses[key] { started[try row.decode(column: "user_id", as: String.self), default: []].append(course) }
            }
            let rows = try await db.raw("""
                SELECT u.id, u.display_name_sealed, p.states, p.license_type, p.license_renewal_on, p.hired_on, p.department, p.facility_roles
                FROM users u JOIN training_profiles p ON p.user_id = u.id WHERE u.org_id = \(bind: context.orgId) AND u.active = 1
                \(userId.map { id -> SQLQueryString in "AND u.id = \(bind: id)" } ?? "")
                """).all()
            return (completions, started, rows)
        }
        let requirements = self.requirements
        let orgId = context.orgId
        /// One part of the staff: each row decoded, the name unsealed, the status worked out per requirement.
        @Sendable func people(_ part: ArraySlice<any SQLRow>) throws -> [(department: String, name: String, lines: [ComplianceLine])] {
            var lists: [String: [String]] = [:]
            return try part.compactMap { row in
                let id = try row.decode(column: "id", as: String.self)
                func list(_ column: String) throws -> [String] {
                    // Few distinct values (state sets, facility roles): each split once.
                    let raw = try row.decode(column: column, as: String.self)
                    if let known = lists[raw] { return known }
                    let parsed = raw.utf8.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
                    lists[raw] = parsed
                    return parsed
                }
                let profile = TrainingProfile(states: try list("states"), licenseType: try row.decode(column: "license_type", as: String?.self),
                                              licenseRenewalOn: try row.decode(column: "license_renewal_on", as: String?.self),
                                              hiredOn: try row.decode(column: "hired_on", as: String?.self),
                                              department: try row.decode(column: "department", as: String.self), facilityRoles: try list("facility_roles"))
                let applying = requirements.filter { ComplianceRules.applies($0, to: profile) }
                if applying.isEmpty { return nil }
                let name = try sealer.row(id, in: "users", of: orgId).open("display_name", from: row)
                return (profile.department, name, applying.map { requirement in
                    let underWay = (started[id] ?? []).contains { ComplianceRules.counts($0.topics, minutes: $0.minutes, for: requirement) }
                    return ComplianceLine(userId: id, name: name, department: profile.department, requirement: requirement.id, jurisdiction: requirement.jurisdiction,
                                          verified: requirement.verified,
                                          status: ComplianceRules.status(requirement, profile: profile, completions: completions[id] ?? [], started: underWay, today: today))
                }.sorted { $0.requirement < $1.requirement })
            }
        }
        // Decoding, unsealing and the rules are most of the report's time: a part per core.
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 2_000))
        let size = (rows.count + parts - 1) / max(parts, 1)
        let computed = try await withThrowingTaskGroup(of: (Int, [(department: String, name: String, lines: [ComplianceLine])]).self) { group in
            for (index, start) in stride(from: 0, to: rows.count, by: max(size, 1)).enumerated() {
                let part = rows[start..<min(start + size, rows.count)]
                group.addTask { (index, try people(part)) }
            }
            var results: [(Int, [(department: String, name: String, lines: [ComplianceLine])])] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
        // People sorted, not lines: a fifth as many comparisons of strings.
        return computed.sorted { ($0.department, $0.name) < ($1.department, $1.name) }.flatMap(\.lines)
    }
}
