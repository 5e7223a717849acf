import Foundation
import Hummingbird
import WaypointCore

/// Reads an HTML form body and checks its CSRF token: the only way handlers read forms, so no form
/// can skip the check. Signed-in forms carry the session's token; the sign-in form carries the
/// token from its own cookie (double submit), since there is no session yet.
enum FormReader {
    static let csrfField = "_csrf"

    /// The form's fields by name, for forms whose names are built from data (one answer per
    /// question, one box per need).
    /// A `datetime-local` field ("2026-11-30T14:30") read in the organization's time zone.
    static func localTime(_ text: String, in zone: TimeZone) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.date(from: text)
    }

    static func read(_ request: Request, context: WaypointRequestContext) async throws -> [String: String] {
        try await checked(request, context: context).fields
    }

    /// The form decoded into its type: what most handlers read.
    static func decode<Form: Decodable>(_ type: Form.Type, _ request: Request, context: WaypointRequestContext) async throws -> Form {
        try decoder.decode(type, from: try await checked(request, context: context).body)
    }

    private static func checked(_ request: Request, context: WaypointRequestContext) async throws -> (body: String, fields: [String: String]) {
        let body = String(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        let form = try parse(body)
        let expected = context.session?.csrfToken ?? request.cookies[context.cookies.signInCSRF]?.value
        guard let expected, let submitted = form[csrfField], Tokens.constantTimeEqual(expected, submitted)
        else { throw CSRFRejected() }
        return (body, form)
    }

    /// A form posted to a capability link (a receiving service's referral link): the signed token
    /// in the path is the authority, and a cross-site forgery would need that token, so there is no
    /// session token to check.
    static func decodeForLink<Form: Decodable>(_ type: Form.Type, _ request: Request, context: WaypointRequestContext) async throws -> Form {
        try decoder.decode(type, from: String(buffer: try await request.body.collect(upTo: context.maxUploadSize)))
    }

    static let decoder = URLEncodedFormDecoder()

    /// `application/x-www-form-urlencoded` (`+` is a space, the rest percent-encoded UTF-8), read
    /// by Hummingbird's decoder; a body it cannot read is a 400 that says so.
    static func parse(_ body: String) throws -> [String: String] {
        do {
            return try decoder.decode([String: String].self, from: body)
        } catch {
            throw MalformedInput(detail: LocalizedText("error_detail_form"))
        }
    }
}

/// The forms a sender or a receiving service posts to move a referral.
struct ReferralMoveForm: Decodable {
    let status: ReferralStatus?
    let reason: ReferralReason?
    let note: String?
}
