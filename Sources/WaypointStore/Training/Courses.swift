import Crypto
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import WaypointCore

/// Courses and learners' progress through them. A course version, once imported, never changes:
/// enrollments and completions point at the version taken, and are kept (no delete path) for the
/// six years and more accreditors ask.
public struct Courses: Repository {
    let shared: StoreContext

    func audit(_ context: TenantContext, _ action: String, _ type: String, _ id: String) -> AuditEvent {
        AuditEvent(context, action: action, objectType: type, objectId: id)
    }

    // MARK: Courses

    /// A trainer imports a bundle: refused whole, with every problem's path, or stored as a new version.
    public func importBundle(_ data: Data, in context: TenantContext) async throws -> Course {
        guard Policy.allows(context.role, .authorCourses) else { throw AccessError.forbidden }
        let course = try CourseBundle.read(data)
        let now = clock.millis()
        try await database.transaction { db in
            let existing = try await db.raw("""
                SELECT version FROM courses WHERE org_id = \(bind: context.orgId) AND id = \(bind: course.id) AND version = \(bind: course.version)
                """).first()
            guard existing == nil else {
                throw CourseImportError(problems: [CourseProblem(path: "$.version", message: "\(course.version) of \(course.id) is already imported; give the revision a new version")])
            }
            try await Self.store(course, importedBy: context.userId, in: context, at: now, on: db)
            try await audit.append(audit(context, "course.import", "course", "\(course.id)@\(course.version)"), on: db)
        }
        return course
    }

    /// The organization's courses, the latest version of each, with the built-in ones it has not replaced.
    public func list(in context: TenantContext) async throws -> [Course] {
        let stored = try await database.withConnection { db in
            try await db.raw("""
                SELECT bundle, imported_by FROM courses c WHERE c.org_id = \(bind: context.orgId)
                  AND c.revision = (SELECT MAX(revision) FROM courses l WHERE l.org_id = c.org_id AND l.id = c.id)
                """).all()
        }
        var courses: [String: Course] = [:]
        for row in stored {
            let course = try Self.course(row)
            courses[course.id] = try row.decode(column: "imported_by", as: String.self) == BuiltInCourses.importer
                ? BuiltInCourses.course(course.id) ?? course : course
        }
        for builtIn in BuiltInCourses.all where courses[builtIn.id] == nil { courses[builtIn.id] = builtIn }
        return courses.values.sorted { $0.id < $1.id }
    }

    /// A trainer took the course out of Waypoint (a SCORM package): recorded in the audit log.
    public func recordExport(_ course: Course, as format: String, in context: TenantContext) async throws {
        try await database.transaction { db in
            try await audit.append(audit(context, "course.export.\(format)", "course", "\(course.id)@\(course.version)"), on: db)
        }
    }

    /// The latest version of a course (or the one named); learners get it without answers.
    public func find(_ id: String, version: String? = nil, includeAnswers: Bool = false, in context: TenantContext) async throws -> Course {
        guard !includeAnswers || Policy.allows(context.role, .authorCourses) else { throw AccessError.forbidden }
        let course = try await database.withConnection { db in try await Self.course(id, version: version, in: context, on: db) }
        return includeAnswers ? course : course.withoutAnswers
    }

    /// The version named, or the latest: the organization's own import, else the built-in course
    /// this server ships (which replaces the stored copy of an older built-in version).
    static func course(_ id: String, version: String?, in context: TenantContext, on db: any SQLDatabase) async throws -> Course {
        let pinned: SQLQueryString = version.map { "AND version = \(bind: $0)" } ?? ""
        let row = try await db.raw("""
            SELECT bundle, imported_by FROM courses WHERE org_id = \(bind: context.orgId) AND id = \(bind: id) \(pinned) ORDER BY revision DESC LIMIT 1
            """).first()
        let builtIn = BuiltInCourses.course(id).flatMap { version == nil || $0.version == version ? $0 : nil }
        if let row {
            let ownImport = try row.decode(column: "imported_by", as: String.self) != BuiltInCourses.importer
            if version != nil || builtIn == nil || ownImport { return try course(row) }
        }
        guard let builtIn else { throw AccessError.notFound }
        return builtIn
    }

    /// Keeps a copy of a built-in course version the first time someone in the organization takes it:
    /// a version `course(_:version:)` found without a stored row is the built-in one.
    static func keep(_ course: Course, in context: TenantContext, at now: Int64, on db: any SQLDatabase) async throws {
        let stored = try await db.raw("""
            SELECT 1 AS present FROM courses WHERE org_id = \(bind: context.orgId) AND id = \(bind: course.id) AND version = \(bind: course.version)
            """).first()
        guard stored == nil else { return }
        try await store(course, importedBy: BuiltInCourses.importer, in: context, at: now, on: db)
    }

    /// Stores a course version as the course's next revision.
    static func store(_ course: Course, importedBy: String, in context: TenantContext, at now: Int64, on db: any SQLDatabase) async throws {
        let revision = try await db.raw("""
            SELECT CAST(COALESCE(MAX(revision), 0) + 1 AS BIGINT) AS next FROM courses WHERE org_id = \(bind: context.orgId) AND id = \(bind: course.id)
            """).first()!.decode(column: "next", as: Int64.self)
        try await db.raw("""
            INSERT INTO courses (org_id, id, version, title, revision, bundle, imported_by, created_at)
            VALUES (\(bind: context.orgId), \(bind: course.id), \(bind: course.version), \(bind: course.title), \(bind: revision),
                    \(bind: String(decoding: try CourseBundle.write(course), as: UTF8.self)), \(bind: importedBy), \(bind: now))
            """).run()
    }

    /// Decoded versions by their bundle's digest. A stored version never changes, and one built-in
    /// version kept by many organizations is one entry: every training step reads its course, and
    /// decoding the built-in bundle each time was most of a step's work. Bounded: cleared when full.
    static let decoded = NIOLockedValueBox<[SHA256Digest: Course]>([:])

    static func course(_ row: any SQLRow) throws -> Course {
        let bundle = Data(try row.decode(column: "bundle", as: String.self).utf8)
        let digest = SHA256.hash(data: bundle)
        if let known = decoded.withLockedValue({ $0[digest] }) { return known }
        let course = try CourseBundle.stored(bundle)
        decoded.withLockedValue { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[digest] = course
        }
        return course
    }
}
