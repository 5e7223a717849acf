import Foundation
import Testing
@testable import WaypointCore

/// Submitting a screen is decided once, here, for the pages, the API and the command line.
@Suite("Screening use cases")
struct ScreeningUseCaseTests {
    let routes = JurisdictionTable.bundled
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    func encounter(age: Int = 15, state: String? = "TX", companion: Bool = false) throws -> Encounter {
        try Encounter(age: age, language: "es", setting: "ed", companionPresent: companion, state: state, routes: routes)
    }

    @Test("the encounter is normalized, and refused when a value is not one we know")
    func encounterChecks() throws {
        let checked = try Encounter(age: 15, language: " ES ", setting: "", companionPresent: false, state: "tx", routes: routes)
        #expect(checked.language == .es && checked.setting == "other" && checked.state == "TX")
        #expect(try Encounter(age: 40, language: nil, setting: nil, companionPresent: false, state: "", routes: routes).state == nil)
        // A state outside the table is still a state: it plans with the labelled fallback route.
        #expect(try Encounter(age: 40, language: nil, setting: nil, companionPresent: false, state: "NV", routes: routes).state == "NV")
        let refused: [(() throws -> Encounter, ScreeningError)] = [
            ({ try Encounter(age: 15, language: nil, setting: nil, companionPresent: false, state: "Texas", routes: self.routes) },
             .invalidEncounter(field: "state")),
            ({ try Encounter(age: 15, language: "fr", setting: nil, companionPresent: false, state: nil, routes: self.routes) },
             .invalidEncounter(field: "language")),
            ({ try Encounter(age: 15, language: nil, setting: "mall", companionPresent: false, state: nil, routes: self.routes) },
             .invalidEncounter(field: "setting")),
            ({ try Encounter(age: 131, language: nil, setting: nil, companionPresent: false, state: nil, routes: self.routes) }, .invalidAge(131)),
        ]
        for (make, expected) in refused {
            #expect(throws: expected) { _ = try make() }
        }
    }

    @Test("only a clinician submits, and only with an idempotency key of 1 to 200 characters")
    func submitRules() throws {
        let submission = ScreeningSubmission(instrument: "sscst", encounter: try encounter(),
                                             answers: .positional([.yes, .yes, .no, .no, .no, .no]), idempotencyKey: "k")
        for role in Role.allCases where role != .clinician {
            #expect(throws: AccessError.forbidden) { _ = try ScreeningUseCases.submit(submission, by: role, routes: routes, now: now) }
        }
        for key in ["", "   ", String(repeating: "k", count: 201)] {
            var keyed = submission
            keyed.idempotencyKey = key
            #expect(throws: ScreeningError.idempotencyKeyMissing) { _ = try ScreeningUseCases.submit(keyed, by: .clinician, routes: routes, now: now) }
        }
        let assessment = try ScreeningUseCases.submit(submission, by: .clinician, routes: routes, now: now)
        #expect(assessment.outcome.result == .positive)
        #expect(assessment.request.answers["sscst-1"] == .yes && assessment.request.language == "es")
    }

    @Test("positional and keyed answers decide the same; the plan and the limits follow the encounter")
    func assessment() throws {
        let positional = ScreeningSubmission(instrument: "sscst", encounter: try encounter(companion: true),
                                             answers: .positional([.yes, .declined, .no, .no, .no, .no]), concern: .labor)
        var keyed = positional
        keyed.answers = .keyed(["sscst-1": .yes, "sscst-2": .declined, "sscst-3": .no, "sscst-4": .no, "sscst-5": .no, "sscst-6": .no])
        let (a, b) = (try ScreeningUseCases.assess(positional, routes: routes, now: now), try ScreeningUseCases.assess(keyed, routes: routes, now: now))
        #expect(a == b)
        #expect(a.outcome.result == .incomplete)
        let kinds = a.actions.map(\.kind)
        #expect(kinds.first == .stopUnsafe && kinds.contains(.mandatedReport))
        #expect(a.actions.first { $0.kind == .mandatedReport }?.instruction.contains(routes.route(for: "TX").phone) == true)
        #expect(a.confidentiality.english.contains(routes.route(for: "TX").agency))
        #expect(throws: ScreeningError.wrongNumberOfAnswers(expected: 6, got: 2)) {
            var short = positional
            short.answers = .positional([.yes, .no])
            _ = try ScreeningUseCases.assess(short, routes: routes, now: now)
        }
    }
}
