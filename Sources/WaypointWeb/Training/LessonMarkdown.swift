import Foundation
import Ink
import WaypointCore

/// A lesson's Markdown as HTML. Bundles with raw HTML or unsafe links are refused at import; this
/// is the second line: raw HTML is shown as text, and a link or image whose address is not an
/// https:// address or an anchor loses its tag.
enum LessonMarkdown {
    /// Built per call: Ink's parser is not Sendable, and a lesson is rendered once per page.
    static var parser: MarkdownParser { MarkdownParser(modifiers: [
        Modifier(target: .html) { _, markdown in escaped(String(markdown)) },
        Modifier(target: .links) { html, markdown in safe(html, attribute: "href") ? html : escaped(String(markdown)) },
        Modifier(target: .images) { html, markdown in safe(html, attribute: "src") ? html : escaped(String(markdown)) },
    ]) }

    static func html(_ markdown: String) -> String { parser.html(from: markdown) }

    /// Ink writes `<a href="URL">…` and `<img src="URL" alt="…"/>` without escaping the address: the
    /// address is everything up to where the tag itself goes on, so a quote inside it shows.
    static func safe(_ html: String, attribute: String) -> Bool {
        guard let start = html.range(of: attribute + "=\"") else { return false }
        let rest = html[start.upperBound...]
        let ends = attribute == "href" ? ["\">"] : ["\" alt=\"", "\"/>"]
        guard let end = ends.compactMap({ rest.range(of: $0)?.lowerBound }).min() else { return false }
        return CourseBundle.isSafeLink(String(rest[..<end]))
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
