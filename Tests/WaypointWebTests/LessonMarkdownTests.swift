import Foundation
import Testing
import WaypointCore
@testable import WaypointWeb

@Suite("Lesson Markdown: rendered on the server, nothing a bundle could inject")
struct LessonMarkdownTests {
    @Test("Markdown becomes HTML; raw HTML, script links and attribute breaks do not survive, at import or at rendering")
    func safe() {
        let html = LessonMarkdown.html("A **bold** claim, [a source](https://www.acf.hhs.gov/otip) and a [note](#n1).\n\n- one\n- two")
        #expect(html.contains("<strong>bold</strong>") && html.contains(#"<a href="https://www.acf.hhs.gov/otip">a source</a>"#) && html.contains("<li>one</li>"))
        for hostile in ["[x](javascript:alert(1))", "![x](http://tracker.example/p.gif)", #"[x](https://a.example/"onmouseover="alert(1))"#,
                        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x]: javascript:alert(1)\n\nsee [x]"] {
            let rendered = LessonMarkdown.html(hostile)
            #expect(!rendered.contains("<script") && !rendered.contains("<img src=x") && !rendered.contains("javascript:alert(1)\"")
                    && !rendered.contains("href=\"javascript") && !rendered.contains("src=\"http://") && !rendered.contains("onmouseover=\""), "\(hostile) → \(rendered)")
        }
        // The same bodies are refused at import, with the reason.
        #expect(!CourseBundle.isSafeLink("javascript:alert(1)") && !CourseBundle.isSafeLink("http://a.example/") && !CourseBundle.isSafeLink("https://a.example/\"x"))
        #expect(CourseBundle.isSafeLink("https://www.acf.hhs.gov/otip") && CourseBundle.isSafeLink("#n1"))
    }
}
