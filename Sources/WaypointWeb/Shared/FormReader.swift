import Foundation
import Hummingbird
import WaypointCore

/// Reads an HTML form body and checks its CSRF token: the only way handlers read forms, so no form
/// can skip the check. Signed-in forms carry the session's token; the sign-in form carries the
/// token from its own cookie (double submit), since there is no session yet.
enum FormReader {
    static let csrfField = "_csrf"

    static func read(_ request: Request, context: WaypointRequestContext) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let form = parse(String(buffer: buffer))
        let expected = context.session?.csrfToken ?? request.cookies[context.cookies.signInCSRF]?.value
        guard let expected, let submitted = form[csrfField], Tokens.constantTimeEqual(expected, submitted)
        else { throw CSRFRejected() }
        return form
    }

    /// A form posted to a capability link (a receiving service's referral link): the signed token
    /// in the path is the authority, and a cross-site forgery would need that token, so there is no
    /// session token to check.
    static func readForLink(_ request: Request, context: WaypointRequestContext) async throws -> [String: String] {
        parse(String(buffer: try await request.body.collect(upTo: context.maxUploadSize)))
    }

    /// `application/x-www-form-urlencoded`: `+` is a space, the rest is percent-encoded UTF-8.
    static func parse(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let key = parts.first else { continue }
            fields[decode(key)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
