import Foundation
import WaypointCore
import WaypointStore

/// What the training pages show, in the reader's language.
struct TrainingViews {
    let strings: Localizer
    init(_ language: Language) { strings = Localizer(language) }

    struct CourseRow { let id: String, title: String, summary: String, minutes: Int, version: String, action: String }
    struct EnrollmentRow { let id: String, title: String, state: String, completed: Bool }
    struct RefresherRow { let enrollmentId: String, title: String }
    struct List {
        let courses: [CourseRow], noCourses: Bool, enrollments: [EnrollmentRow], hasEnrollments: Bool, isTrainer: Bool
        let refreshers: [RefresherRow], hasRefreshers: Bool
    }

    struct Choice { let name: String, label: String, inputId: String, checked: Bool }
    struct Question { let id: String, number: Int, text: String, choices: [Choice] }
    struct Feedback { let number: Int, text: String, right: Bool, explanation: String, source: String }
    struct Source { let citation: String, url: String? }
    struct EvaluationItem { let name: String, text: String, isScale: Bool, inputId: String }
    struct Indicator { let text: String, source: String }
    struct Step {
        let enrollmentId: String, courseTitle: String, kind: String
        let isLesson: Bool, isQuestions: Bool, isPretest: Bool, isLocked: Bool, isEvaluation: Bool, isComplete: Bool, isExercise: Bool
        let isRefresher: Bool, isRefresherDone: Bool, formAction: String
        let lessonId: String?, lessonTitle: String?, lessonHTML: String?, sources: [Source]
        let indicators: [Indicator], hasIndicators: Bool
        let exercise: ExerciseViews.Play?, turn: ExerciseViews.Turn?, debrief: ExerciseViews.Debrief?
        let questions: [Question], attemptsLeft: String?
        let scoreText: String?, passed: Bool, feedback: [Feedback], hasFeedback: Bool
        let evaluation: [EvaluationItem], askMinutes: Bool, minutes: Int
        let error: String?
    }

    func list(_ courses: [Course], enrollments: [Enrollment], isTrainer: Bool, refreshers: [RefresherDue]) -> List {
        let open = Dictionary(enrollments.filter { $0.completedAt == nil }.map { ($0.courseId, $0.id) }, uniquingKeysWith: { first, _ in first })
        let titles = Dictionary(courses.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        return List(
            courses: courses.map { CourseRow(id: $0.id, title: $0.title, summary: $0.summary, minutes: $0.minutes, version: $0.version,
                                             action: strings[open[$0.id] == nil ? "training_start" : "training_continue"]) },
            noCourses: courses.isEmpty,
            enrollments: enrollments.map {
                EnrollmentRow(id: $0.id, title: "\(titles[$0.courseId] ?? $0.courseId) (\($0.courseVersion))",
                              state: strings[$0.completedAt == nil ? "training_in_progress" : "training_completed"], completed: $0.completedAt != nil)
            },
            hasEnrollments: !enrollments.isEmpty, isTrainer: isTrainer,
            refreshers: refreshers.map { RefresherRow(enrollmentId: $0.enrollmentId, title: strings.format("home_refresher_due", ["course": $0.courseTitle,
                                                                                                                               "months": String($0.months)])) },
            hasRefreshers: !refreshers.isEmpty)
    }

    func step(_ next: TrainingNext, course: Course, scored: ScoredAttempt? = nil, error: String? = nil, now: Date = Date()) -> Step {
        let lesson = next.lesson
        let exercises = ExerciseViews(strings: strings)
        let debrief = scored?.exercise.flatMap { turn in
            // The plan in the course's language, like the case it debriefs.
            turn.finished.flatMap { try? ExerciseRules.debrief($0, turn.state, strings: Localizer(Language(rawValue: course.language) ?? strings.language), now: now) }
                .map { exercises.debrief($0, chosen: turn.state.actions ?? []) }
        }
        let indicators = Self.indicators(lesson?.indicators, language: strings.language)
        let questions = (next.questions ?? []).enumerated().map { index, question in
            Question(id: question.id, number: index + 1, text: question.text, choices: question.choices.map { choice in
                Choice(name: "q:\(question.id):\(choice.id)", label: choice.text, inputId: "q-\(question.id)-\(choice.id)", checked: false)
            })
        }
        let all = course.questions
        let feedback = (scored?.feedback ?? []).enumerated().map { index, item in
            Feedback(number: index + 1, text: all[item.question]?.text ?? "", right: item.right, explanation: item.explanation, source: item.source)
        }
        let score = scored?.score
        return Step(
            enrollmentId: next.enrollmentId, courseTitle: course.title, kind: next.kind.rawValue,
            isLesson: next.kind == .lesson, isQuestions: [.check, .pretest].contains(next.kind) || next.kind == .refresher && next.questions != nil,
            isPretest: next.kind == .pretest,
            isLocked: next.kind == .locked, isEvaluation: next.kind == .evaluation, isComplete: next.kind == .complete, isExercise: next.kind == .exercise,
            isRefresher: next.kind == .refresher, isRefresherDone: next.kind == .refresher && next.questions == nil,
            formAction: "/training/enrollments/\(next.enrollmentId)" + (next.kind == .refresher ? "/refresher" : ""),
            lessonId: lesson?.id, lessonTitle: lesson?.title, lessonHTML: lesson.map { LessonMarkdown.html($0.body) },
            sources: (lesson?.sources ?? next.exercise?.sources ?? []).map { Source(citation: $0.citation, url: $0.url.flatMap { CourseBundle.isSafeLink($0) ? $0 : nil }) },
            indicators: indicators, hasIndicators: !indicators.isEmpty,
            exercise: next.exercise.map(exercises.play), turn: scored?.exercise?.choice.map(exercises.turn), debrief: debrief,
            questions: questions,
            attemptsLeft: next.attemptsLeft.map { strings.format("training_attempts_left", ["count": String($0)]) },
            scoreText: score.map { strings.format("training_score", ["correct": String($0.correct), "total": String($0.total), "percent": String($0.percent)]) },
            passed: score?.passed ?? false, feedback: feedback, hasFeedback: !feedback.isEmpty,
            evaluation: (next.evaluation ?? []).map { EvaluationItem(name: "e:" + $0.id, text: $0.text, isScale: $0.kind == .scale, inputId: "e-" + $0.id) },
            askMinutes: course.timeAttestation, minutes: course.minutes, error: error)
    }

    /// The indicator library entries a lesson lists, in the reader's words.
    static func indicators(_ kind: String?, language: Language) -> [Indicator] {
        (kind.map(IndicatorLibrary.bundled.forLesson) ?? []).map { Indicator(text: $0.text(in: language), source: $0.source) }
    }

    struct ComplianceRow { let name: String, department: String, requirement: String, unverified: Bool, state: String, stateLabel: String, dueOn: String, metBy: String }

    func complianceRows(_ lines: [ComplianceLine]) -> [ComplianceRow] {
        let titles = Dictionary(RequirementCatalog.bundled.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        return lines.map { line in
            ComplianceRow(name: line.name, department: line.department, requirement: titles[line.requirement] ?? line.requirement, unverified: !line.verified,
                          state: line.status.state.rawValue, stateLabel: strings.label("compliance_state", line.status.state.rawValue),
                          dueOn: line.status.dueOn ?? "", metBy: line.status.metBy ?? "")
        }
    }

    func compliancePDF(_ lines: [ComplianceLine], generatedBy user: String, at time: Date) -> Data {
        let stamp = time.calendarMinute() + " UTC"
        var pdf = SimplePDF(footer: strings["compliance_title"] + " · " + stamp)
        pdf.paragraph(strings["compliance_title"], size: 18, bold: true)
        pdf.paragraph(strings.format("compliance_generated", ["time": stamp, "user": user]), size: 10, after: 10)
        let rows = complianceRows(lines)
        let widths = [150.0, 150, 80, 70, 54]
        for (department, group) in Dictionary(grouping: rows, by: \.department).sorted(by: { $0.key < $1.key }) {
            pdf.ensureRoom(60)
            pdf.paragraph("\(strings["compliance_department"]): \(department.isEmpty ? "—" : department)", size: 12, bold: true, after: 2)
            pdf.row([strings["compliance_person"], strings["compliance_requirement"], strings["compliance_status"], strings["compliance_due"],
                     strings["compliance_met_by"]], widths: widths, bold: true)
            pdf.rule(after: 0)
            for row in group {
                pdf.row([row.name, row.requirement + (row.unverified ? " *" : ""), row.stateLabel, row.dueOn, row.metBy], widths: widths)
            }
            pdf.space(10)
        }
        let never = zip(lines, rows).filter(\.0.status.notStarted).map(\.1)
        if !never.isEmpty {
            pdf.ensureRoom(60)
            pdf.paragraph(strings["compliance_never_started_heading"], size: 12, bold: true, after: 2)
            for row in never { pdf.row([row.name, row.department, row.requirement, row.dueOn], widths: [150, 110, 190, 54]) }
        }
        pdf.space(10)
        pdf.paragraph("* " + strings["compliance_unverified"], size: 8)
        return pdf.data()
    }

    /// The checkboxes ticked, by question: `q:<question>:<choice>`.
    static func answers(from form: [String: String]) -> [String: [String]] {
        var answers: [String: [String]] = [:]
        for key in form.keys.sorted() where key.hasPrefix("q:") {
            let parts = key.split(separator: ":", maxSplits: 2).map(String.init)
            if parts.count == 3 { answers[parts[1], default: []].append(parts[2]) }
        }
        return answers
    }
}
