import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/courses` and `/api/v1/enrollments`: trainers import courses (the bundle as the body)
/// and read their answers; every member of staff enrolls and learns.
struct TrainingAPI {
    let store: Store
    let publicURL: String
    /// Plain http to a loopback learning record store (`WAYPOINT_LRS_ALLOW_LOOPBACK=1`, tests only).
    var lrsAllowLoopback = false

    struct Certificate: Encodable { let code: String, verifyUrl: String, status: String, badge: String }

    struct Summary: Encodable {
        let id: String, version: String, title: String, language: String, summary: String, minutes: Int, objectives: [String], modules: Int
        init(_ course: Course) {
            (id, version, title, language, summary, minutes, objectives, modules) =
                (course.id, course.version, course.title, course.language, course.summary, course.minutes, course.objectives, course.modules.count)
        }
    }
    struct Listing: Encodable { let courses: [Summary] }

    func register(on api: APIRoutes) {
        api.get("/courses", .permission(.learn), use: list)
        api.post("/courses", .permission(.authorCourses), use: importCourse)
        api.get("/courses/:id", .permission(.learn), scope: .organization, use: find)
        api.get("/courses/:id/scorm", .permission(.authorCourses), scope: .organization, use: scorm)
        api.post("/courses/:id/enrollments", .permission(.learn), scope: .organization, use: enroll)
        api.get("/enrollments/:id/next", .permission(.learn), scope: .person(owner: .clinician), use: next)
        api.post("/enrollments/:id/answers", .permission(.learn), scope: .person(owner: .clinician), use: answer)
        api.post("/enrollments/:id/evaluation", .permission(.learn), scope: .person(owner: .clinician), use: evaluate)
        api.get("/enrollments/:id/refresher", .permission(.learn), scope: .person(owner: .clinician), use: refresher)
        api.post("/enrollments/:id/refresher", .permission(.learn), scope: .person(owner: .clinician), use: answerRefresher)
        api.get("/enrollments/:id/certificate", .permission(.learn), scope: .person(owner: .clinician), use: certificate)
        api.post("/certificates/:id/revoke", .permission(.revokeCertificates), scope: .organization, use: revoke)
        api.get("/training/issuer", .permission(.learn), use: issuer)
        api.get("/training/compliance", .permission(.readCompliance), use: compliance)
        api.put("/training/profiles/:id", .permission(.learn), scope: .organization, use: setProfile)
        api.get("/training/statements", .permission(.exportStatements), use: statements)
        api.get("/settings/lrs", .permission(.configureLRS), use: lrsStatus)
        api.put("/settings/lrs", .permission(.configureLRS), use: setLRS)
        api.delete("/settings/lrs", .permission(.configureLRS), use: removeLRS)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(Listing(courses: try await store.courses.list(in: try context.tenant()).map(Summary.init)))
    }

    @Sendable func importCourse(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return try JSONBody.response(Summary(try await store.courses.importBundle(Data(buffer: body), in: tenant)), status: .created)
    }

    /// `?include=answers` for trainers.
    @Sendable func find(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let answers = request.uri.queryParameters["include"] == "answers"
        return try JSONBody.response(try await store.courses.find(try context.parameters.require("id"), includeAnswers: answers, in: tenant))
    }

    /// The course as a SCORM 1.2 zip for an LMS; its checks carry their answers, so trainers only.
    @Sendable func scorm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await Self.scorm(try context.parameters.require("id"), store: store, publicURL: publicURL, tenant: try context.tenant())
    }

    static func scorm(_ id: String, store: Store, publicURL: String, tenant: TenantContext) async throws -> Response {
        let course = try await store.courses.find(id, includeAnswers: true, in: tenant)
        let zip = try ScormPackage.zip(course, strings: Localizer(Language(rawValue: course.language) ?? .en), publicURL: publicURL)
        try await store.courses.recordExport(course, as: "scorm", in: tenant)
        return Download.file(zip, type: "application/zip", filename: "\(course.id)-\(course.version)-scorm12.zip")
    }

    @Sendable func enroll(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(try await store.enrollments.enroll(in: try context.parameters.require("id"), context: tenant), status: .created)
    }

    @Sendable func next(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.enrollments.next(try context.parameters.require("id"), in: try context.tenant()))
    }

    /// An answer's outcome: a check's score and explanations, or an exercise move's feedback and, at its end, the debrief.
    struct Answered: Encodable {
        struct Move: Encodable { let exercise: String, choice: Exercise.Choice?, state: ExerciseState }
        let score: CheckScore?
        let feedback: [ScoredAttempt.Feedback]
        let exercise: Move?
        let debrief: ExerciseDebrief?
        let next: TrainingNext
    }

    /// `{"lesson": "…"}` marks the lesson read; `{"answers": {"question": ["choice"]}}` answers the open attempt;
    /// `{"exercise": {"exercise": "…", "decision": "…", "choice": "…"}}` (or `entered`, or `actions`) is a move in an exercise.
    @Sendable func answer(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(TrainingSubmission.self, from: request, context: context)
        let scored = try await store.enrollments.submit(body, to: try context.parameters.require("id"), in: tenant)
        let debrief = try scored.exercise.flatMap { turn in
            try turn.finished.map { try ExerciseRules.debrief($0, turn.state, strings: Localizer(context.language), now: Date()) }
        }
        return try JSONBody.response(Answered(score: scored.score, feedback: scored.feedback,
                                              exercise: scored.exercise.map { Answered.Move(exercise: $0.exerciseId, choice: $0.choice, state: $0.state) },
                                              debrief: debrief, next: scored.next))
    }

    /// The refresher due on a completed enrollment (1, 3 and 6 months after completion): a few questions from the course's pools.
    @Sendable func refresher(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.enrollments.refresher(try context.parameters.require("id"), in: try context.tenant()))
    }

    /// `{"answers": {"question": ["choice"]}}`: scored with explanations; the certificate is not touched.
    @Sendable func answerRefresher(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(TrainingSubmission.self, from: request, context: context)
        let scored = try await store.enrollments.submitRefresher(body.answers ?? [:], to: try context.parameters.require("id"), in: tenant)
        return try JSONBody.response(Answered(score: scored.score, feedback: scored.feedback, exercise: nil, debrief: nil, next: scored.next))
    }

    @Sendable func evaluate(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(CourseEvaluation.self, from: request, context: context)
        return try JSONBody.response(try await store.enrollments.evaluate(body, for: try context.parameters.require("id"), in: tenant))
    }

    /// The completed enrollment's certificate: its code, the public verify URL and the signed Open Badges credential.
    @Sendable func certificate(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let certificate = try await store.certificates.certificate(for: id, in: tenant)
        let learner = try await store.users.find(tenant.userId, in: tenant).displayName
        let badge = try await store.certificates.badge(for: id, learnerName: learner, publicURL: publicURL, in: tenant)
        return try JSONBody.response(Certificate(code: certificate.code, verifyUrl: "\(publicURL)/verify/\(certificate.code)",
                                                 status: certificate.revokedAt == nil ? "valid" : "revoked", badge: badge))
    }

    /// A trainer revokes a certificate of the organization: /verify then answers "revoked".
    @Sendable func revoke(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await store.certificates.revoke(try context.parameters.require("id"), in: try context.tenant())
        return Response(status: .noContent)
    }

    /// The caller's organization as an Open Badges issuer, with its public key as a JWK.
    @Sendable func issuer(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.plain(try await store.certificates.issuerProfile(of: try context.tenant().orgId, publicURL: publicURL))
    }

    struct ComplianceReport: Encodable { let lines: [ComplianceLine] }

    /// Everyone's status on the requirements that apply to them; `?format=csv` for the spreadsheet, `pdf` for the audit binder.
    @Sendable func compliance(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let lines = try await store.compliance.report(in: tenant)
        if let download = try await Self.complianceDownload(lines, format: request.uri.queryParameters["format"].map(String.init), store: store,
                                                                       tenant: tenant, language: context.language) { return download }
        return try JSONBody.response(ComplianceReport(lines: lines))
    }

    /// `?format=csv` (the spreadsheet) or `pdf` (for the audit binder, stamped with when and by whom); nil for the page or JSON.
    static func complianceDownload(_ lines: [ComplianceLine], format: String?, store: Store, tenant: TenantContext,
                                   language: Language) async throws -> Response? {
        switch format {
        case "csv": return Download.csv(ComplianceRules.csv(lines), filename: "training-compliance.csv")
        case "pdf":
            let user = try await store.users.find(tenant.userId, in: tenant).displayName
            let pdf = TrainingViews(language).compliancePDF(lines, generatedBy: user, at: Date(millis: store.clock.millis()))
            return Download.file(pdf, type: "application/pdf", filename: "training-compliance.pdf")
        default: return nil
        }
    }

    /// A person's states, license, renewal and hire dates, department and facility roles.
    @Sendable func setProfile(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(TrainingProfile.self, from: request, context: context)
        try await store.compliance.setProfile(body, of: try context.parameters.require("id"), in: tenant)
        return Response(status: .noContent)
    }

    /// The organization's xAPI statements in the order stored, as an LRS's StatementResult: `more`
    /// is the next page's address while there is one. `?after=` continues; `?limit=` (1–500, default 100).
    @Sendable func statements(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let limit = try QueryParameters.int(request, "limit", default: 100, range: 1...500, refusal: TrainingError.invalid)
        let after = request.uri.queryParameters["after"].map(String.init)
        let page = try await store.statements.export(in: tenant, after: after, limit: limit)
        struct Result: Encodable { let statements: [XAPIStatement], more: String }
        let more = page.next.map { "/api/v1/training/statements?limit=\(limit)&after=\($0)" } ?? ""
        let body = try XAPIStatement.encoder.encode(Result(statements: page.statements.map { $0.resolved(base: publicURL) }, more: more))
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Where statements are forwarded and how that stands; never the password.
    @Sendable func lrsStatus(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.statements.lrsStatus(in: try context.tenant()))
    }

    /// `{"endpoint", "username", "password"}`: statements made from now on, and those waiting, go there.
    @Sendable func setLRS(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let settings = try await JSONBody.decode(LRSSettings.self, from: request, context: context).checked(allowLoopbackHTTP: lrsAllowLoopback)
        do {
            try LRSAddress.check(settings.endpoint, allowLoopback: lrsAllowLoopback, mustResolve: false)
        } catch {
            throw TrainingError.invalid(field: "endpoint", reason: LocalizedText("error_detail_lrs_endpoint"))
        }
        try await store.statements.setLRS(settings, allowLoopbackHTTP: lrsAllowLoopback, in: tenant)
        return Response(status: .noContent)
    }

    @Sendable func removeLRS(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await store.statements.setLRS(nil, in: try context.tenant())
        return Response(status: .noContent)
    }
}
