import Foundation
import Hummingbird
import Mustache
import WaypointCore

/// Renders Mustache templates inside the shared layout, with the strings of the request's language
/// and the pieces every page needs (quick exit, language switch, navigation, CSRF token).
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let quickExitURL: String

    static func load(quickExitURL: String) async throws -> PageRenderer {
        // The build copies every feature's Templates folder into the bundle's top level.
        guard let layout = Bundle.module.url(forResource: "layout", withExtension: "mustache") else {
            throw MalformedInput(detail: LocalizedText("error_detail_as_given", ["text": "templates are missing from the application bundle"]))
        }
        let folder = layout.deletingLastPathComponent().path
        return PageRenderer(library: try await MustacheLibrary(directory: folder), quickExitURL: quickExitURL)
    }

    func page(
        _ template: String, titleKey: String, data: [String: Any] = [:],
        request: Request, context: WaypointRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        let strings = Localizer(context.language)
        var view = data
        view["t"] = strings.all
        view["lang"] = context.language.rawValue
        // Titles stay neutral: the product name and a plain section name, never a topic or a person.
        view["pageTitle"] = strings[titleKey] + " · " + strings["app_name"]
        view["quickExitURL"] = quickExitURL
        // The language switch is a query-only link ("?lang=es": same page). The request path is
        // never echoed into a link: "GET //evil.example/x" would make "//evil.example/x?lang=es".
        view["languages"] = Language.allCases.map { language -> [String: Any] in
            ["code": language.rawValue, "label": strings[language == .en ? "english" : "spanish"],
             "current": language == context.language]
        }
        if let session = context.session {
            let role = session.context.role
            view["signedIn"] = true
            view["username"] = session.username
            view["roleLabel"] = strings["role_" + role.rawValue]
            view["csrf"] = session.csrfToken
            view["canManageUsers"] = role.canManageUsers
            view["canReadAudit"] = role.canReadAudit
            view["canScreen"] = role == .clinician
            view["isEditor"] = role == .directoryEditor
        }
        let html = library.render(view, withTemplate: template) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }
}
