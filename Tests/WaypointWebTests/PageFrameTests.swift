import Mustache
import Testing
@testable import WaypointWeb

/// How a template reads a typed view over the shared chrome.
@Suite("Typed page views")
struct PageFrameTests {
    struct View { let title: String; let note: String?; let rows: [Row] }
    struct Row { let name: String; var title: String? = nil }

    static let chrome = PageChrome(t: ["hello": "Hola"], lang: "es", pageTitle: "P", quickExitURL: "https://neutral.example/", languages: [],
                                   signedIn: true, username: "u", roleLabel: "r", csrf: "token-1", canManageUsers: false,
                                   canReadAudit: false, canScreen: true, isEditor: false, worksCases: false, answersLine: false, keepsFunds: false, readsPartners: false, readsReports: false, investigates: false)

    func render(_ template: String, _ view: View) throws -> String {
        try MustacheTemplate(string: template).render(PageFrame(view: view, chrome: Self.chrome))
    }

    @Test("the view's properties come first, then the chrome; a nil property is empty and never the chrome's")
    func lookup() throws {
        let view = View(title: "T", note: nil, rows: [Row(name: "a"), Row(name: "b")])
        #expect(try render("{{title}}|{{t.hello}}|{{csrf}}|{{#rows}}{{name}}{{csrf}};{{/rows}}", view) == "T|Hola|token-1|atoken-1;btoken-1;")
        #expect(try render("[{{note}}]{{#note}}shown{{/note}}{{^note}}absent{{/note}}", view) == "[]absent")
        #expect(try render("{{#note}}{{note}}{{/note}}", View(title: "", note: "n", rows: [])) == "n")
    }

    @Test("a row's nil property is absent in that row, not the page's value of the same name")
    func rowNil() throws {
        let view = View(title: "page title", note: nil, rows: [Row(name: "a"), Row(name: "b", title: "own")])
        #expect(try render("{{#rows}}{{name}}:{{#title}}{{title}}{{/title}}{{^title}}none{{/title}};{{/rows}}", view) == "a:none;b:own;")
    }
}
