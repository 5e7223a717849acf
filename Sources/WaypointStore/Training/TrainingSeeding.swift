import Foundation
import SQLKit
import WaypointCore

/// Synthetic staff for the compliance benchmark: users with sealed names, training profiles across
/// the shipped states, and completions of one course for some of them, written many rows per
/// statement. Not used by the product itself.
public struct TrainingSeeding: Repository {
    let shared: StoreContext

    /// `staff` people in `departments` departments; every third has completed `course`, every fifth is part way through it.
    /// Each works in several of the shipped states, or with `everyState` in all of them (every requirement their license allows applies).
    public func seed(orgId: String, staff: Int, departments: Int = 20, course: Course, everyState: Bool = false, batch: Int = 500) async throws {
        let now = clock.millis()
        let sealer = try await keys.sealer(for: orgId, in: database, now: now)
        let today = Date(millis: now).calendarDay()
        let licenses = ["nurse", "physician", "pharmacist", "social_worker", "dentist", "other_licensed"]
        var start = 0
        while start < staff {
            let range = start..<min(start + batch, staff)
            try await database.transaction(alone: true) { db in
                var users: [SQLQueryString] = [], profiles: [SQLQueryString] = [], enrollments: [SQLQueryString] = [], certificates: [SQLQueryString] = []
                for number in range {
                    let id = Tokens.opaqueId()
                    let row = sealer.row(id, in: "users", of: orgId)
                    users.append("""
                        (\(bind: id), \(bind: orgId), \(bind: "staff-\(number)-\(id.prefix(6))"), 'clinician', \(bind: try row.seal("Staff \(number)", column: "display_name")),
                         \(bind: try row.seal("", column: "email")), 'not-a-password', 1, '', \(bind: now), \(bind: now))
                        """)
                    // Everyone works in several of the shipped states, with a license and facility roles.
                    let states = ["TX", "FL", "MI", "NJ", "CT", "LA", "NY"].enumerated().filter { everyState || ($0.offset + number) % 3 != 0 }.map(\.element)
                    profiles.append("""
                        (\(bind: id), \(bind: orgId), \(bind: states.joined(separator: ",")), \(bind: licenses[number % licenses.count]),
                         \(bind: CaseloadPolicy.day(today, plus: number % 700 - 200)), \(bind: CaseloadPolicy.day(today, plus: -(number % 400))),
                         \(bind: "Department \(number % departments)"), 'facility_staff,hospital_staff,outpatient_abortion_facility_staff', \(bind: now))
                        """)
                    if number % 3 == 0 || number % 5 == 0 {
                        let enrollment = Tokens.opaqueId()
                        let done = number % 3 == 0
                        let completed = now - Int64(number % 500) * 86_400_000
                        enrollments.append("""
                            (\(bind: enrollment), \(bind: orgId), \(bind: id), \(bind: course.id), \(bind: course.version), '{}', \(bind: completed), \(bind: completed),
                             \(bind: done ? completed : nil))
                            """)
                        if done {
                            var generator = SystemRandomNumberGenerator()
                            certificates.append("""
                                (\(bind: CertificateRules.code(using: &generator)), \(bind: orgId), \(bind: enrollment), \(bind: id), \(bind: course.id), \(bind: course.version),
                                 \(bind: course.title), \(bind: Int64(course.minutes)), \(bind: completed), \(bind: "urn:uuid:" + UUID().uuidString.lowercased()))
                                """)
                        }
                    }
                }
                let statements: [(String, String, [SQLQueryString])] = [
                    ("users", "id, org_id, username, role, display_name_sealed, email_sealed, password_hash, active, team, created_at, updated_at", users),
                    ("training_profiles", "user_id, org_id, states, license_type, license_renewal_on, hired_on, department, facility_roles, updated_at", profiles),
                    ("enrollments", "id, org_id, user_id, course_id, course_version, progress, started_at, updated_at, completed_at", enrollments),
                    ("training_certificates", "code, org_id, enrollment_id, user_id, course_id, course_version, course_title, minutes, completed_at, badge_id",
                     certificates),
                ]
                for (table, columns, values) in statements {
                    for chunk in stride(from: 0, to: values.count, by: 100) {
                        let part = Array(values[chunk..<min(chunk + 100, values.count)])
                        try await db.raw("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns)) VALUES " + part.joined(separator: ", ")).run()
                    }
                }
            }
            start = range.upperBound
        }
    }
}
