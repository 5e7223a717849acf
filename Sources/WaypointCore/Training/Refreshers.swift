import Foundation

/// Spaced refreshers: knowledge from a short course falls back to about where it started by six
/// months (Lee et al., J Med Educ Curric Dev 2021), so a completed course offers a short check-in
/// drawn from its pools at one, three and six months. They measure and remind; they never take a
/// completion or a certificate away.
public enum RefresherRules {
    public static let months = [1, 3, 6]
    public static let questions = 5

    public static func stage(_ months: Int) -> String { "refresher-\(months)" }

    public static func months(ofStage stage: String) -> Int? {
        stage.hasPrefix("refresher-") ? Int(stage.dropFirst("refresher-".count)).flatMap { months.contains($0) ? $0 : nil } : nil
    }

    /// Each refresher's day for a course completed on `completedOn`.
    public static func schedule(completedOn: String) -> [(months: Int, dueOn: String)] {
        months.map { ($0, ComplianceRules.day(completedOn, plusMonths: $0)) }
    }

    /// The refresher to take on `today`: the latest whose day has come, unless it or a later one was
    /// taken (one missed at three months is not made up at five: the six-month one comes next).
    public static func due(completedOn: String, taken: Set<Int>, today: String) -> (months: Int, dueOn: String)? {
        guard let latest = schedule(completedOn: completedOn).last(where: { $0.dueOn <= today }) else { return nil }
        return taken.contains { $0 >= latest.months } ? nil : latest
    }
}

/// A refresher due for one of the learner's completed courses.
public struct RefresherDue: Codable, Sendable, Equatable {
    public let enrollmentId: String
    public let courseId: String
    public let courseTitle: String
    public let months: Int
    public let dueOn: String

    public init(enrollmentId: String, courseId: String, courseTitle: String, months: Int, dueOn: String) {
        (self.enrollmentId, self.courseId, self.courseTitle, self.months, self.dueOn) = (enrollmentId, courseId, courseTitle, months, dueOn)
    }
}
