import Foundation
import Testing
@testable import WaypointCore

@Suite("Response planner")
struct ResponsePlannerTests {
    let planner = ResponsePlanner()

    func kinds(_ input: PlanInput) -> [ActionKind] { planner.plan(input).map(\.kind) }

    @Test("immediate danger puts 911 first")
    func emergencyFirst() {
        let actions = kinds(PlanInput(age: 30, result: .positive, danger: true, companionPresent: true))
        #expect(actions.first == .emergency)
        #expect(actions.dropFirst().first == .stopUnsafe)
    }

    @Test("a companion present means stop asking")
    func companion() {
        #expect(kinds(PlanInput(age: 30, result: nil, companionPresent: true)).contains(.stopUnsafe))
        #expect(!kinds(PlanInput(age: 30, result: .negative)).contains(.stopUnsafe))
    }

    @Test("a minor with any disclosure or suspicion is a mandated report, sex or labor alike", arguments: Concern.allCases)
    func mandatedReport(concern: Concern) {
        let actions = planner.plan(PlanInput(age: 15, result: .negative, concern: concern, state: "TX"))
        let report = actions.first { $0.kind == .mandatedReport }
        if concern == .none {
            #expect(report == nil)
        } else {
            #expect(report?.instruction.contains("1-800-252-5400") == true)
            #expect(report?.source.contains("CAPTA") == true)
        }
    }

    @Test("an adult is never the subject of a mandated report; help is offered with consent")
    func adults() {
        let actions = kinds(PlanInput(age: 25, result: .positive, concern: .labor, state: "TX"))
        #expect(!actions.contains(.mandatedReport))
        #expect(actions.contains(.offerHotline))
        #expect(!actions.contains(.refer), "no referral without consent")
        #expect(kinds(PlanInput(age: 25, result: .positive, consentToReferral: true)).contains(.refer))
    }

    @Test("17 is a minor, 18 an adult")
    func ageBoundary() {
        #expect(kinds(PlanInput(age: 17, result: nil, concern: .sex)).contains(.mandatedReport))
        #expect(!kinds(PlanInput(age: 18, result: nil, concern: .sex)).contains(.mandatedReport))
    }

    @Test("positive and incomplete screens lead to further assessment, never a conclusion", arguments: [ScreenResult.positive, .incomplete])
    func furtherAssessment(result: ScreenResult) {
        let action = planner.plan(PlanInput(age: 30, result: result)).first { $0.kind == .furtherAssessment }
        #expect(action != nil)
        #expect(!(action?.reason.lowercased().contains("is a victim") ?? true))
        #expect(kinds(PlanInput(age: 30, result: result)).contains(.safetyPlan))
    }

    @Test("a negative screen with no concern: record it and screen again later")
    func negative() {
        #expect(kinds(PlanInput(age: 30, result: .negative)) == [.document, .followUp])
    }

    @Test("nothing the planner puts on screen names the topic (a companion may glance at it)")
    func neutralWording() {
        let input = PlanInput(age: 15, result: .positive, concern: .both, danger: true, companionPresent: true, state: "ID", consentToReferral: true)
        for action in planner.plan(input) + planner.plan(PlanInput(age: 30, result: .incomplete, concern: .labor, state: "ZZ", consentToReferral: true)) {
            #expect(!(action.instruction + action.reason + action.source).lowercased().contains("traffick"), "\(action.kind)")
        }
        #expect(!planner.confidentialityLimits(age: 15, state: "TX").lowercased().contains("traffick"))
    }

    @Test("the plan reads in Spanish: every sentence is a catalog key in both languages, its values filled in")
    func spanishPlan() throws {
        let inputs = [PlanInput(age: 15, result: .positive, concern: .both, danger: true, companionPresent: true, state: "TX", consentToReferral: true),
                      PlanInput(age: 30, result: .incomplete, concern: .labor, consentToReferral: true),
                      PlanInput(age: 30, result: nil, concern: .sex), PlanInput(age: 40, result: .negative)]
        let (english, spanish) = (Localizer(.en), Localizer(.es))
        var keys = Set<String>()
        for action in inputs.flatMap(planner.plan) {
            guard let instruction = action.instructionText, let reason = action.reasonText else {
                Issue.record("\(action.kind) has no catalog wording")
                continue
            }
            keys.formUnion([instruction.key, reason.key])
            #expect(action.instruction == english(instruction) && action.reason == english(reason), "the English is the catalog's")
            let translated = action.instruction(in: spanish) + action.reason(in: spanish)
            #expect(!translated.contains("{") && translated != action.instruction + action.reason, "\(action.kind)")
        }
        for key in keys { #expect(Localizer.keys(of: .en).contains(key) && Localizer.keys(of: .es).contains(key), "\(key)") }
        #expect(keys.count >= 20)
        let report = planner.plan(inputs[0]).first { $0.kind == .mandatedReport }
        #expect(report?.instruction(in: spanish).contains("1-800-252-5400") == true)
        #expect(spanish(planner.confidentiality(age: 15, state: "TX")).contains(planner.jurisdictions.route(for: "TX").agency))
        // Stored and read back unchanged: keys alone, or keys with their values.
        let plan = planner.plan(inputs[0])
        #expect(try JSONDecoder().decode([PlannedAction].self, from: JSONEncoder().encode(plan)) == plan)
        // A plan stored before the catalogs worded it still shows, as stored.
        let old = try? JSONDecoder().decode(PlannedAction.self, from: Data(#"{"kind":"document","instruction":"Old words","reason":"Old why","source":"S"}"#.utf8))
        #expect(old?.instruction(in: spanish) == "Old words")
    }

    @Test("every action says why and cites a source")
    func sourced() {
        let input = PlanInput(age: 15, result: .positive, concern: .both, danger: true, companionPresent: true, state: "ID", consentToReferral: true)
        let actions = planner.plan(input)
        #expect(Set(actions.map(\.kind)) == Set(ActionKind.allCases).subtracting([.offerHotline]))
        for action in actions { #expect(!action.instruction.isEmpty && !action.reason.isEmpty && !action.source.isEmpty) }
    }

    @Test("each listed state has its route; others get the labelled fallback", arguments: ["ID", "WA", "IN", "OH", "GA", "FL", "KY", "MI", "AZ", "KS", "TX"])
    func jurisdictions(state: String) {
        let route = JurisdictionTable.bundled.route(for: state.lowercased())
        #expect(route.code == state && route.isFallback != true)
        #expect(route.phone.hasPrefix("1-8") && route.source.hasPrefix("https://") && !route.verified.isEmpty)
    }

    @Test("an unknown or missing state uses the fallback, and the plan says so")
    func fallback() {
        #expect(JurisdictionTable.bundled.route(for: "ZZ").isFallback == true)
        #expect(JurisdictionTable.bundled.route(for: nil).isFallback == true)
        let report = planner.plan(PlanInput(age: 12, result: nil, concern: .sex, state: "NV")).first { $0.kind == .mandatedReport }
        #expect(report?.source.contains("fallback") == true)
    }

    @Test("confidentiality limits are stated before asking, with the reporting duty for minors")
    func confidentiality() {
        #expect(planner.confidentialityLimits(age: 15, state: "FL").contains("Florida Abuse Hotline"))
        #expect(!planner.confidentialityLimits(age: 30, state: "FL").contains("report ("))
    }
}
