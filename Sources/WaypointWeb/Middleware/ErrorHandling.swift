import Foundation
import Hummingbird
import Logging
import HTTPTypes
import NIOConcurrencyHelpers
import WaypointCore
import WaypointStore

/// Turns every error into something a person can act on: an HTML page for the browser, an RFC 9457
/// problem document for the API. Logs carry the error's type and the request id, never the values
/// that were submitted.
struct ErrorHandlingMiddleware: RouterMiddleware {
    typealias Context = WaypointRequestContext
    let renderer: PageRenderer
    let cookies: CookiePolicy
    /// The router's paths and their methods, filled in once every route is registered.
    let routes: RouteMethods

    struct Problem {
        var status: Int
        var messageKey: String
        var field: String?
        var detail: LocalizedText?
        var retryAfterSeconds: Int?
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            // This middleware runs before the session is loaded, so the reader's language is worked
            // out here again: an error reads in the language of the page that failed.
            var context = context
            context.language = SessionLoadingMiddleware.language(for: request, cookies: cookies)
            var problem = Self.problem(for: error)
            // A path we serve, asked with a method we do not: 405 with the methods that work.
            var allowed: [String] = []
            if problem.status == 404 {
                let served = routes.methods(for: request.uri.path)
                if !served.isEmpty && !served.contains(request.method.rawValue) {
                    allowed = served
                    problem = Problem(status: 405, messageKey: "error_method")
                }
            }
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(type(of: error))", "route": "\(context.endpointPath ?? "unmatched")"])
            }
            if Self.wantsJSON(request) {
                var document = Self.problemDocument(problem, context: context)
                if !allowed.isEmpty { document.headers[.allow] = allowed.joined(separator: ", ") }
                return document
            }
            if problem.status == 401 {
                // A cookie that no longer opens a session means it timed out: say so on the sign-in page.
                let expired = request.cookies[cookies.session].map { !$0.value.isEmpty } ?? false
                return PageRenderer.redirect(to: expired ? "/signin?expired=1" : "/signin")
            }
            struct ErrorView { let message: String; let detail: String?; let requestId: String }
            let strings = Localizer(context.language)
            let view = ErrorView(message: strings[problem.messageKey], detail: problem.detail.map { strings($0) }, requestId: context.requestId)
            var page = renderer.page("error", titleKey: "error_title", view: view, request: request, context: context,
                                     status: HTTPResponse.Status(code: problem.status))
            if let wait = problem.retryAfterSeconds { page.headers[.retryAfter] = String(wait) }
            if !allowed.isEmpty { page.headers[.allow] = allowed.joined(separator: ", ") }
            return page
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.uri.path
        return path.hasPrefix("/api/") || path.hasPrefix("/hsds/") || path == "/hsds" || path == "/healthz" || path == "/metrics"
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case AccountError.throttled(let wait):
            return Problem(status: 429, messageKey: "error_throttled", retryAfterSeconds: wait)
        case let error as any UserFacingError:
            return Problem(status: status(of: error.kind), messageKey: error.messageKey, field: error.field, detail: error.detail)
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

    /// The one place a kind of failure becomes an HTTP status.
    static func status(of kind: FailureKind) -> Int {
        switch kind {
        case .malformed: 400
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .gone: 410
        case .invalid: 422
        case .throttled: 429
        case .unavailable: 503
        }
    }

    /// Says where a JSON document was wrong without echoing what was in it.
    static func describe(_ error: DecodingError) -> LocalizedText {
        func path(_ codingPath: [any CodingKey]) -> [String: String] {
            ["name": codingPath.isEmpty ? "/" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")]
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return LocalizedText("error_detail_json")
        case .dataCorrupted(let context): return LocalizedText("error_detail_unreadable_value", path(context.codingPath))
        case .keyNotFound(let key, let context): return LocalizedText("error_detail_required", path(context.codingPath + [key]))
        case .typeMismatch(_, let context): return LocalizedText("error_detail_wrong_type", path(context.codingPath))
        case .valueNotFound(_, let context): return LocalizedText("error_detail_null", path(context.codingPath))
        @unknown default: return LocalizedText("error_detail_body")
        }
    }

    /// An RFC 9457 problem document.
    struct ProblemDocument: Encodable {
        let type: String, title: String, status: Int, instance: String, detail: String?, field: String?
    }

    static func problemDocument(_ problem: Problem, context: Context) -> Response {
        let strings = Localizer(context.language)
        let body = ProblemDocument(type: "urn:waypoint:problem:" + problem.messageKey, title: strings[problem.messageKey], status: problem.status,
                                   instance: "urn:waypoint:request:" + context.requestId, detail: problem.detail.map { strings($0) },
                                   field: problem.field)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let wait = problem.retryAfterSeconds { headers[.retryAfter] = String(wait) }
        return Response(status: HTTPResponse.Status(code: problem.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Which methods each served path answers, for 405 answers. Route patterns' `{name}` parts match any
/// one segment.
final class RouteMethods: Sendable {
    private let table = NIOLockedValueBox<[(segments: [String], method: String)]>([])

    func fill(_ routes: [(path: String, method: String)]) {
        table.withLockedValue { $0 = routes.map { (Self.segments($0.path), $0.method) } }
    }

    func methods(for path: String) -> [String] {
        let asked = Self.segments(path)
        let matching = table.withLockedValue { table in
            table.filter { route in
                route.segments.count == asked.count
                    && zip(route.segments, asked).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
            }.map(\.method)
        }
        return Array(Set(matching)).sorted()
    }

    static func segments(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }
}

extension UserFacingError {
    /// For pages that show a form again with the error beside it.
    var httpStatus: HTTPResponse.Status { HTTPResponse.Status(code: ErrorHandlingMiddleware.status(of: kind)) }

    /// The message and its specifics, in the reader's language, for a form shown again.
    func message(in strings: Localizer) -> String {
        strings[messageKey] + (detail.map { " " + strings($0) } ?? "")
    }
}
