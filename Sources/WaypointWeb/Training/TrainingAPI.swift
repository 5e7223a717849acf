import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/courses` and `/api/v1/enrollments`: trainers import courses (the bundle as the body)
/// and read their answers; every member of staff enrolls and learns.
struct TrainingAPI {
    let store: Store

    struct Summary: Encodable {
        let id: String, version: String, title: String, language: String, summary: String, minutes: Int, objectives: [String], modules: Int
        init(_ course: Course) {
            (id, version, title, language, summary, minutes, objectives, modules) =
                (course.id, course.version, course.title, course.language, course.summary, course.minutes, course.objectives, course.modules.count)
        }
    }
    struct Listing: Encodable { let courses: [Summary] }

    func register(on api: RouterGroup<WaypointRequestContext>) {
        api.get("/courses", use: list)
        api.post("/courses", use: importCourse)
        api.get("/courses/:id", use: find)
        api.post("/courses/:id/enrollments", use: enroll)
        api.get("/enrollments/:id/next", use: next)
        api.post("/enrollments/:id/answers", use: answer)
        api.post("/enrollments/:id/evaluation", use: evaluate)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(Listing(courses: try await store.courses.list(in: try context.tenant()).map(Summary.init)))
    }

    @Sendable func importCourse(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant(as: .trainer)
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return try JSONBody.response(Summary(try await store.courses.importBundle(Data(buffer: body), in: tenant)), status: .created)
    }

    /// `?include=answers` for trainers.
    @Sendable func find(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let answers = request.uri.queryParameters["include"] == "answers"
        return try JSONBody.response(try await store.courses.find(try context.parameters.require("id"), includeAnswers: answers, in: tenant))
    }

    @Sendable func enroll(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(try await store.enrollments.enroll(in: try context.parameters.require("id"), context: tenant), status: .created)
    }

    @Sendable func next(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(try await store.enrollments.next(try context.parameters.require("id"), in: try context.tenant()))
    }

    /// `{"lesson": "…"}` marks the lesson read; `{"answers": {"question": ["choice"]}}` answers the open attempt.
    @Sendable func answer(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(Enrollments.Submission.self, from: request, context: context)
        return try JSONBody.response(try await store.enrollments.submit(body, to: try context.parameters.require("id"), in: tenant))
    }

    @Sendable func evaluate(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(Enrollments.Evaluation.self, from: request, context: context)
        return try JSONBody.response(try await store.enrollments.evaluate(body, for: try context.parameters.require("id"), in: tenant))
    }
}
