import Foundation
import WaypointCore

/// A course as a SCORM 1.2 package, so a hospital's LMS (HealthStream, Cornerstone and the like)
/// can run it where its compliance is tracked: one SCO per module with the module's lessons and a
/// knowledge check drawn from its pool, scored against the mastery score (the course's pass mark)
/// and reported through the LMS's API. The check runs in the learner's browser, so its answers
/// are in the package: it is a trainer's export. Case exercises need Waypoint's engine and
/// planner, so each SCO points to them instead of imitating them.
enum ScormPackage {
    static let runtime: Data = resource("scorm.js")
    static let stylesheet: Data = resource("style.css")

    static func resource(_ name: String) -> Data {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources/scorm").flatMap { try? Data(contentsOf: $0) } ?? Data()
    }

    /// The zip's files, by path: the manifest, the shared runtime and one folder per module.
    static func files(of course: Course, strings: Localizer, publicURL: String) -> [(String, Data)] {
        var files: [(String, Data)] = [("imsmanifest.xml", Data(manifest(course).utf8)), ("shared/scorm.js", runtime), ("shared/style.css", stylesheet)]
        for module in course.modules { files.append((folder(module) + "/index.html", Data(sco(module, of: course, strings: strings, publicURL: publicURL).utf8))) }
        return files
    }

    static func zip(_ course: Course, strings: Localizer, publicURL: String) throws -> Data {
        try PackageFiles.zip(files(of: course, strings: strings, publicURL: publicURL))
    }

    static func folder(_ module: Course.Module) -> String { "module-" + module.id }


    /// `imsmanifest.xml` (IMS Content Packaging 1.1.2 with ADL's SCORM 1.2 extensions).
    static func manifest(_ course: Course) -> String {
        let items = course.modules.map { module in
            """
                  <item identifier="item-\(module.id)" identifierref="sco-\(module.id)" isvisible="true">
                    <title>\(PackageFiles.xml(module.title))</title>
                    <adlcp:masteryscore>\(course.passPercent)</adlcp:masteryscore>
                  </item>
            """
        }.joined(separator: "\n")
        let resources = course.modules.map { module in
            """
                <resource identifier="sco-\(module.id)" type="webcontent" adlcp:scormtype="sco" href="\(folder(module))/index.html">
                  <file href="\(folder(module))/index.html"/>
                  <dependency identifierref="shared-files"/>
                </resource>
            """
        }.joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest identifier="waypoint-\(course.id)-\(PackageFiles.xml(course.version))" version="\(PackageFiles.xml(course.version))"
              xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
              xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
              xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
              <metadata>
                <schema>ADL SCORM</schema>
                <schemaversion>1.2</schemaversion>
              </metadata>
              <organizations default="course">
                <organization identifier="course">
                  <title>\(PackageFiles.xml(course.title))</title>
            \(items)
                </organization>
              </organizations>
              <resources>
            \(resources)
                <resource identifier="shared-files" type="webcontent" adlcp:scormtype="asset">
                  <file href="shared/scorm.js"/>
                  <file href="shared/style.css"/>
                </resource>
              </resources>
            </manifest>

            """
    }

    struct CheckData: Encodable {
        struct Words: Encodable { let right: String, wrong: String, passed: String, notPassed: String }
        let title: String, passPercent: Int, draw: Int, pool: [Course.Question], words: Words
    }

    /// One module's page: its lessons (the same safe Markdown rendering as the site), their sources,
    /// the indicator lists they name, and the knowledge check.
    static func sco(_ module: Course.Module, of course: Course, strings: Localizer, publicURL: String) -> String {
        let lessons = module.lessons.map { lesson in
            let sources = lesson.sources.map { source in
                "<li>\(PackageFiles.xml(source.citation))" + (source.url.flatMap { CourseBundle.isSafeLink($0) ? " <a href=\"\(PackageFiles.xml($0))\">\(PackageFiles.xml($0))</a>" : nil } ?? "") + "</li>"
            }.joined()
            let indicators = TrainingViews.indicators(lesson.indicators, language: strings.language)
                .map { "<li>\(PackageFiles.xml($0.text)) <span class=\"hint\">\(PackageFiles.xml($0.source))</span></li>" }.joined()
            return "<section class=\"lesson\"><h2>\(PackageFiles.xml(lesson.title))</h2>\n\(LessonMarkdown.html(lesson.body))\n"
                + (indicators.isEmpty ? "" : "<ul>\(indicators)</ul>\n")
                + "<h3>\(PackageFiles.xml(strings["training_sources"]))</h3><ul>\(sources)</ul></section>"
        }.joined(separator: "\n")
        let exercises = (module.exercises ?? []).isEmpty ? "" : "<p class=\"hint\" id=\"exercises-note\">"
            + PackageFiles.xml(strings.format("scorm_exercises_on_waypoint", ["count": String(module.exercises?.count ?? 0)]))
            + " <a href=\"\(PackageFiles.xml(publicURL))/training\">\(PackageFiles.xml(publicURL))/training</a></p>"
        let data = CheckData(title: module.title, passPercent: course.passPercent, draw: module.check.draw.count, pool: module.check.pool,
                             words: .init(right: strings["training_right"], wrong: strings["training_wrong"], passed: strings["training_passed"],
                                          notPassed: strings["training_not_passed"]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // "</" would end the script element early: written as "<\/", which JSON reads the same.
        let json = String(decoding: (try? encoder.encode(data)) ?? Data("{}".utf8), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return """
            <!DOCTYPE html>
            <html lang="\(PackageFiles.xml(course.language))">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(PackageFiles.xml(module.title))</title><link rel="stylesheet" href="../shared/style.css"></head>
            <body>
            <main>
            <h1>\(PackageFiles.xml(module.title))</h1>
            <p class="hint">\(PackageFiles.xml(course.title)) (\(PackageFiles.xml(course.version)))</p>
            \(lessons)
            \(exercises)
            <section id="check"><h2>\(PackageFiles.xml(strings["training_check"]))</h2>
            <p class="hint">\(PackageFiles.xml(strings["training_choose_all"]))</p>
            <form id="check-form"><div id="check-questions"></div><button type="submit" id="check-submit">\(PackageFiles.xml(strings["training_submit"]))</button></form>
            <div id="check-feedback" role="status"></div></section>
            </main>
            <script type="application/json" id="sco-data">\(json)</script>
            <script src="../shared/scorm.js"></script>
            </body>
            </html>

            """
    }
}
