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
        _ template: String, titleKey: String, view typed: View,
        request: Request, context: WaypointRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        let strings = Localizer(context.language)
        let role = context.session?.context.role
        func may(_ permission: Permission) -> Bool { role.map { Policy.allows($0, permission) } ?? false }
        let chrome = PageChrome(
            t: strings.all, lang: context.language.rawValue,
            // Titles stay neutral: the product name and a plain section name, never a topic or a person.
            pageTitle: strings[titleKey] + " · " + strings["app_name"], quickExitURL: quickExitURL,
            // The language switch is a query-only link ("?lang=es": same page). The request path is
            // never echoed into a link: "GET //evil.example/x" would make "//evil.example/x?lang=es".
            languages: Language.allCases.map {
                .init(code: $0.rawValue, label: strings[$0 == .en ? "english" : "spanish"], current: $0 == context.language)
            },
            signedIn: context.session != nil, username: context.session?.username, roleLabel: role.map { strings["role_" + $0.rawValue] },
            csrf: context.session?.csrfToken, canManageUsers: may(.manageUsers), canReadAudit: may(.readAudit),
            canScreen: may(.screen), isEditor: may(.editDirectory),
            worksCases: may(.readCaseload), answersLine: may(.answerLine), keepsFunds: may(.readFunds), readsPartners: may(.readPartners),
            readsReports: may(.readReports), investigates: may(.investigate))
        let html = library.render(PageFrame(view: typed, chrome: chrome), withTemplate: template) ?? ""
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
    /// The view's and the chrome's properties by name, read once: a page looks names up hundreds
    /// of times, and reflecting both structs on every lookup cost more than the rest of rendering.
    private let properties: [String: Any]

    init(view: Any, chrome: PageChrome) {
        var properties: [String: Any] = [:]
        for object in [view, chrome as Any] {
            for child in Mirror(reflecting: object).children {
                guard let label = child.label, properties[label] == nil else { continue }
                // A nil property is `Absent` (an empty section and empty text): present, so it does
                // not fall through to the chrome.
                properties[label] = Self.prepared(child.value) ?? Absent()
            }
        }
        self.properties = properties
    }

    func child(named name: String) -> Any? { properties[name] }

    /// `value` with every struct inside it (rows of rows) read once into a `Fields`: Mustache would
    /// otherwise reflect a row for each name looked up in it, and each `{{t.…}}` inside a list
    /// passes through every row on the stack first. Nil is returned as nil; a row keeps it as
    /// `Absent`, like the page does, so a row without a value never shows the page's value of the
    /// same name (a site's withheld address once showed the page form's address field instead).
    static func prepared(_ value: Any) -> Any? {
        // Plain values first: casting to a concrete type is cheap, to a protocol is a lookup.
        if value is String || value is Bool || value is Int || value is Double { return value }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional: return mirror.children.first.flatMap { prepared($0.value) }
        case .collection, .set: return mirror.children.compactMap { prepared($0.value) }
        case .struct, .class:
            if value is any MustacheParent || value is any MustacheCustomRenderable { return value }
            return Fields(mirror)
        default: return value
        }
    }

    /// A struct's properties by name, prepared as above.
    struct Fields: MustacheParent {
        let values: [String: Any]

        init(_ mirror: Mirror) {
            var values: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label { values[label] = PageFrame.prepared(child.value) ?? Absent() }
            }
            self.values = values
        }

        func child(named name: String) -> Any? { values[name] }
    }

    /// A view property that is nil: renders as nothing, and its section as not there.
    struct Absent: MustacheCustomRenderable {
        var renderText: String { "" }
        var isNull: Bool { true }
    }
}

/// What every page shows around its content: strings, the language switch, the quick exit, and
/// for a signed-in person the navigation their role allows and the CSRF token for forms.
struct PageChrome {
    struct LanguageLink { let code: String; let label: String; let current: Bool }
    let t: [String: String]
    let lang: String
    let pageTitle: String
    let quickExitURL: String
    let languages: [LanguageLink]
    let signedIn: Bool
    let username: String?
    let roleLabel: String?
    let csrf: String?
    let canManageUsers: Bool
    let canReadAudit: Bool
    let canScreen: Bool
    let isEditor: Bool
    let worksCases: Bool
    let answersLine: Bool
    /// Funds and emergency housing: case managers, supervisors and admins.
    let keepsFunds: Bool
    let readsPartners: Bool
    let readsReports: Bool
    /// The ads workbench: investigators only.
    let investigates: Bool
}
