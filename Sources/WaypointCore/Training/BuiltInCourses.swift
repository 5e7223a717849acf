import Foundation

/// The courses Waypoint ships (`Resources/training/courses`), checked like any import when loaded.
/// Every organization sees them until it imports a version of its own; the first enrollment keeps
/// a copy of the version taken, so a later server release never rewrites a completion.
public enum BuiltInCourses {
    /// The English course and its Spanish translation (the same modules, questions and exercises, by the same ids).
    static let files = ["recognize-respond-refer", "reconocer-responder-derivar"]

    static let loaded: Result<[Course], BundledResourceError> = {
        var courses: [Course] = []
        for name in files {
            let path = "training/courses/\(name).json"
            let course = BundledResources.load(path) { data in
                do { return try CourseBundle.read(data) } catch let error as CourseImportError {
                    throw BundledResourceError(file: path, reason: "is not a valid course: " + error.problems.prefix(5).map(\.description).joined(separator: "; "))
                }
            }
            switch course {
            case .success(let course): courses.append(course)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(courses)
    }()

    public static var all: [Course] { loaded.loadedValue }

    public static func course(_ id: String) -> Course? { all.first { $0.id == id } }

    /// Who imported a stored copy of a built-in course.
    public static let importer = "builtin"
}
