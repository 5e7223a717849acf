import Foundation
import Hummingbird
import Logging
import HTTPTypes
import WaypointCore
import WaypointStore

/// Turns every error into something a person can act on: an HTML page for the browser, an RFC 9457
/// problem document for the API. Logs carry the error's type and the request id, never the values
/// that were submitted.
struct ErrorHandlingMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext
    let renderer: PageRenderer
    let cookies: CookiePolicy

    struct Problem {
        var status: Int
        var messageKey: String
        var field: String?
        var detail: String?
        var retryAfterSeconds: Int?
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error)
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(type(of: error))", "route": "\(context.endpointPath ?? "unmatched")"])
            }
            if Self.wantsJSON(request) {
                return Self.problemDocument(problem, context: context)
            }
            if problem.status == 401 {
                // A cookie that no longer opens a session means it timed out: say so on the sign-in page.
                let expired = request.cookies[cookies.session].map { !$0.value.isEmpty } ?? false
                return PageRenderer.redirect(to: expired ? "/signin?expired=1" : "/signin")
            }
            var data: [String: Any] = ["message": Localizer(context.language)[problem.messageKey], "requestId": context.requestId]
            data["detail"] = problem.detail
            var page = renderer.page("error", titleKey: "error_title", data: data, request: request, context: context,
                                     status: HTTPResponse.Status(code: problem.status))
            if let wait = problem.retryAfterSeconds { page.headers[.retryAfter] = String(wait) }
            return page
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/hsds/") || request.uri.path == "/healthz"
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let error as MalformedInput:
            return Problem(status: 400, messageKey: error.messageKey, field: error.field, detail: error.detail)
        case AccountError.throttled(let wait):
            return Problem(status: 429, messageKey: "error_throttled", retryAfterSeconds: wait)
        case let error as any UserFacingError:
            return Problem(status: error.status, messageKey: error.messageKey, field: error.field, detail: error.detail)
        case let error as DecodingError:
            return Problem(status: 400, messageKey: "error_malformed", detail: describe(error))
        case let error where Database.isStorageFailure(error):
            return Problem(status: 503, messageKey: "error_database")
        case let error as any HTTPResponseError:
            let status = Int(error.status.code)
            let key = switch status {
            case 404: "error_not_found"
            case 405: "error_method"
            case 413: "error_too_large"
            case 400..<500: "error_malformed"
            default: "error_internal"
            }
            return Problem(status: status, messageKey: key)
        default:
            return Problem(status: 500, messageKey: "error_internal")
        }
    }

    /// Says where a JSON document was wrong without echoing what was in it.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "the document" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return "The body is not valid JSON."
        case .dataCorrupted(let context): return "\(path(context.codingPath)) has a value that cannot be read."
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is required."
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type."
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) must not be null."
        @unknown default: return "The body could not be read."
        }
    }

    static func problemDocument(_ problem: Problem, context: Context) -> Response {
        var body: [String: Any] = [
            "type": "urn:waypoint:problem:" + problem.messageKey,
            "title": Localizer(context.language)[problem.messageKey],
            "status": problem.status,
            "instance": "urn:waypoint:request:" + context.requestId,
        ]
        if let detail = problem.detail { body["detail"] = detail }
        if let field = problem.field { body["field"] = field }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let wait = problem.retryAfterSeconds { headers[.retryAfter] = String(wait) }
        return Response(status: HTTPResponse.Status(code: problem.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
