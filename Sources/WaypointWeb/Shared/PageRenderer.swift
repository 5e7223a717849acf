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

    /// A page whose data is a typed view model: its properties are what the template names, and
    /// the chrome every page needs (strings, language switch, navigation, CSRF token) sits beneath it.
    func page<View>(
        _ template: String, titleKey: String, view: View,
        request: Request, context: WaypointRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        render(template, titleKey: titleKey, view: view, data: [:], request: request, context: context, status: status)
    }

    /// A page whose data is still a dictionary (pages not yet given a view model).
    func page(
        _ template: String, titleKey: String, data: [String: Any] = [:],
        request: Request, context: WaypointRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        render(template, titleKey: titleKey, view: nil as Int?, data: data, request: request, context: context, status: status)
    }

    private func render<View>(
        _ template: String, titleKey: String, view typed: View?, data: [String: Any],
        request: Request, context: WaypointRequestContext, status: HTTPResponse.Status
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
        let html = library.render(PageFrame(view: typed.map { $0 as Any }, chrome: view), withTemplate: template) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }
}

/// What a template sees: the page's typed view model first, then the chrome. A page passes a
/// struct (checked by the compiler) while the shared layout keeps reading `t`, `csrf` and the rest.
struct PageFrame: MustacheParent {
    let view: Any?
    let chrome: [String: Any]

    func child(named name: String) -> Any? {
        if let view, let property = Mirror(reflecting: view).children.first(where: { $0.label == name }) {
            // A property that is nil is an empty section; it must not fall through to the chrome.
            let value = Mirror(reflecting: property.value)
            guard value.displayStyle == .optional else { return property.value }
            return value.children.first?.value ?? false
        }
        return chrome[name]
    }
}
