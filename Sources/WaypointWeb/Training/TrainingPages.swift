import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/training`: every member of staff takes courses here; trainers import them. The same store
/// calls the API makes; a refused answer comes back on the same draw with the reason.
struct TrainingPages {
    let store: Store
    let renderer: PageRenderer
    let publicURL: String

    struct Import { let bundle: String, problems: [String], hasProblems: Bool, imported: String? }

    func register(on router: PageRoutes) {
        router.get("/training", .permission(.learn), use: list)
        router.post("/training/courses/:id/enroll", .permission(.learn), scope: .organization, use: enroll)
        router.get("/training/courses/:id/scorm", .permission(.authorCourses), scope: .organization, use: scorm)
        router.get("/training/enrollments/:id", .permission(.learn), scope: .person(owner: .clinician), use: step)
        router.post("/training/enrollments/:id", .permission(.learn), scope: .person(owner: .clinician), use: submit)
        router.post("/training/enrollments/:id/evaluation", .permission(.learn), scope: .person(owner: .clinician), use: evaluate)
        router.get("/training/enrollments/:id/refresher", .permission(.learn), scope: .person(owner: .clinician), use: refresher)
        router.post("/training/enrollments/:id/refresher", .permission(.learn), scope: .person(owner: .clinician), use: answerRefresher)
        router.get("/training/compliance", .permission(.readCompliance), use: compliance)
        router.get("/training/import", .permission(.authorCourses), use: importForm)
        router.post("/training/import", .permission(.authorCourses), use: importBundle)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let view = TrainingViews(context.language).list(try await store.courses.list(in: tenant), enrollments: try await store.enrollments.mine(in: tenant),
                                                        isTrainer: Policy.allows(tenant.role, .authorCourses),
                                                        refreshers: try await store.enrollments.refreshersDue(in: tenant))
        return renderer.page("training", titleKey: "training_title", view: view, request: request, context: context)
    }

    @Sendable func enroll(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        _ = try await FormReader.read(request, context: context)
        let enrollment = try await store.enrollments.enroll(in: try context.parameters.require("id"), context: tenant)
        return PageRenderer.redirect(to: "/training/enrollments/\(enrollment.id)")
    }

    /// The SCORM 1.2 package, for a trainer signed in to the pages.
    @Sendable func scorm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await TrainingAPI.scorm(try context.parameters.require("id"), store: store, publicURL: publicURL, tenant: try context.tenant())
    }

    @Sendable func step(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        return try await page(id, next: try await store.enrollments.next(id, in: tenant), tenant: tenant, request: request, context: context)
    }

    func page(_ id: String, next: TrainingNext, scored: ScoredAttempt? = nil, error: String? = nil, status: HTTPResponse.Status = .ok,
              tenant: TenantContext, request: Request, context: WaypointRequestContext) async throws -> Response {
        let course = try await store.enrollments.course(of: id, in: tenant)
        let view = TrainingViews(context.language).step(next, course: course, scored: scored, error: error)
        return renderer.page("training-step", titleKey: "training_title", view: view, request: request, context: context, status: status)
    }

    /// A lesson marked read goes straight on; answers show their score and explanations first.
    @Sendable func submit(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let form = try await FormReader.read(request, context: context)
        let submission = if let move = ExerciseViews.move(from: form) { TrainingSubmission(exercise: move) } else {
            form["lesson"].map { TrainingSubmission(lesson: $0) } ?? TrainingSubmission(answers: TrainingViews.answers(from: form))
        }
        do {
            let scored = try await store.enrollments.submit(submission, to: id, in: tenant)
            if scored.score == nil && scored.exercise?.choice == nil && scored.exercise?.finished == nil {
                return PageRenderer.redirect(to: "/training/enrollments/\(id)")
            }
            return try await page(id, next: scored.next, scored: scored, tenant: tenant, request: request, context: context)
        } catch let error as TrainingError {
            return try await page(id, next: try await store.enrollments.next(id, in: tenant), error: error.message(in: Localizer(context.language)),
                                  status: error.httpStatus, tenant: tenant, request: request, context: context)
        }
    }

    @Sendable func evaluate(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let form = try await FormReader.read(request, context: context)
        var answers: [String: String] = [:]
        for (key, value) in form where key.hasPrefix("e:") && !value.trimmingCharacters(in: .whitespaces).isEmpty { answers[String(key.dropFirst(2))] = value }
        let minutes = (form["attested_minutes"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            _ = try await store.enrollments.evaluate(CourseEvaluation(answers: answers, attestedMinutes: minutes.isEmpty ? nil : Int(minutes) ?? 0),
                                                     for: id, in: tenant)
            return PageRenderer.redirect(to: "/training/enrollments/\(id)")
        } catch let error as TrainingError {
            return try await page(id, next: try await store.enrollments.next(id, in: tenant), error: error.message(in: Localizer(context.language)),
                                  status: error.httpStatus, tenant: tenant, request: request, context: context)
        }
    }

    @Sendable func refresher(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        return try await page(id, next: try await store.enrollments.refresher(id, in: tenant), tenant: tenant, request: request, context: context)
    }

    /// The refresher scored: its explanations shown, nothing else changes.
    @Sendable func answerRefresher(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let form = try await FormReader.read(request, context: context)
        do {
            let scored = try await store.enrollments.submitRefresher(TrainingViews.answers(from: form), to: id, in: tenant)
            return try await page(id, next: scored.next, scored: scored, tenant: tenant, request: request, context: context)
        } catch let error as TrainingError where error != .outOfOrder {
            return try await page(id, next: try await store.enrollments.refresher(id, in: tenant), error: error.message(in: Localizer(context.language)),
                                  status: error.httpStatus, tenant: tenant, request: request, context: context)
        }
    }

    @Sendable func importForm(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        _ = try context.tenant()
        return renderer.page("training-import", titleKey: "training_import_title",
                             view: Import(bundle: "", problems: [], hasProblems: false, imported: nil), request: request, context: context)
    }

    /// The bundle pasted or uploaded as text; refused with every problem listed, nothing imported.
    @Sendable func importBundle(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let bundle = form["bundle"] ?? ""
        do {
            let course = try await store.courses.importBundle(Data(bundle.utf8), in: tenant)
            return renderer.page("training-import", titleKey: "training_import_title",
                                 view: Import(bundle: "", problems: [], hasProblems: false, imported: "\(course.title) (\(course.version))"),
                                 request: request, context: context, status: .created)
        } catch let error as CourseImportError {
            return renderer.page("training-import", titleKey: "training_import_title",
                                 view: Import(bundle: bundle, problems: error.problems.map(\.description), hasProblems: true, imported: nil),
                                 request: request, context: context, status: error.httpStatus)
        }
    }

    struct ComplianceView { let rows: [TrainingViews.ComplianceRow], noRows: Bool, neverStarted: [TrainingViews.ComplianceRow], hasNeverStarted: Bool }

    /// The organization's compliance by department and requirement, with who never started; `?format=csv` or `pdf` downloads it.
    @Sendable func compliance(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let lines = try await store.compliance.report(in: tenant)
        if let download = try await TrainingAPI.complianceDownload(lines, format: request.uri.queryParameters["format"].map(String.init), store: store,
                                                                       tenant: tenant, language: context.language) { return download }
        let views = TrainingViews(context.language)
        let rows = views.complianceRows(lines)
        let never = zip(lines, rows).filter(\.0.status.notStarted).map(\.1)
        return renderer.page("training-compliance", titleKey: "compliance_title",
                             view: ComplianceView(rows: rows, noRows: rows.isEmpty, neverStarted: never, hasNeverStarted: !never.isEmpty),
                             request: request, context: context)
    }
}
