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
                      PlanInput(age: 16, result: nil, concern: .labor, companionPresent: true, state: "TX", foreignNational: true),
                      PlanInput(age: 50, result: nil, concern: .labor, state: "PR", foreignNational: true, dependentAdult: true),
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
        let child = PlanInput(age: 15, result: .positive, concern: .both, danger: true, companionPresent: true, state: "ID",
                              consentToReferral: true, foreignNational: true)
        let adult = PlanInput(age: 40, result: .positive, concern: .labor, state: "ID", consentToReferral: true,
                              foreignNational: true, dependentAdult: true)
        let actions = planner.plan(child) + planner.plan(adult)
        #expect(Set(actions.map(\.kind)) == Set(ActionKind.allCases), "between them the two plans use every kind of step")
        for action in actions {
            #expect(!action.instruction.isEmpty && !action.reason.isEmpty && !action.source.isEmpty)
            for language in Language.allCases {
                let strings = Localizer(language)
                let worded = action.instruction(in: strings) + action.reason(in: strings) + action.source(in: strings)
                #expect(!worded.contains("{") && !worded.contains("plan_") && !worded.contains("source_"), "\(action.kind) in \(language)")
            }
        }
    }

    static let statesAndDC = """
        AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC \
        SD TN TX UT VT VA WA WV WI WY DC
        """.split(separator: " ").map(String.init)

    @Test("all 50 states and DC have a child-abuse route with its source and date; every route and duty has the same shape")
    func jurisdictions() throws {
        let table = JurisdictionTable.bundled
        #expect(Set(table.states.map(\.code)) == Set(Self.statesAndDC))
        #expect(table.states.count == 51, "one entry per state")
        let day = try Regex(#"^\d{4}-\d{2}-\d{2}$"#)
        func check(_ route: ReportingRoute, _ label: String) {
            #expect(!route.agency.isEmpty && !route.phone.isEmpty && !route.route.isEmpty, "\(label)")
            #expect(route.source.hasPrefix("http://") || route.source.hasPrefix("https://"), "\(label) source")
            #expect(route.verified.wholeMatch(of: day) != nil, "\(label) verified date")
            // The route's words go on the plan screen, which a companion may read.
            #expect(!(route.agency + route.phone + route.route).lowercased().contains("traffick"), "\(label) names the topic")
        }
        for state in table.states {
            let route = table.route(for: state.code.lowercased())
            #expect(route.code == state.code && route.isFallback != true)
            check(state.childReport, "\(state.code) child report")
            if let aps = state.aps { check(aps, "\(state.code) APS") }
            for duty in state.duties {
                #expect(!duty.text.isEmpty && !duty.citation.isEmpty && duty.source.hasPrefix("http") && duty.verified.wholeMatch(of: day) != nil)
            }
            // Unverified facts are left empty and named, never filled with a guess.
            #expect(state.childReport.notVerified.allSatisfy { ["online", "trafficking", "labor", "anonymous"].contains($0) })
        }
        #expect(table.states.filter { $0.aps != nil }.count >= 40, "adult protective services verified for most states")
        check(table.fallback.childReport, "fallback")
        #expect(table.fallback.aps != nil && table.fallback.isFallback == true)
    }

    @Test("an unknown or missing state uses the fallback, and the plan says so")
    func fallback() {
        #expect(JurisdictionTable.bundled.route(for: "ZZ").isFallback == true)
        #expect(JurisdictionTable.bundled.route(for: nil).isFallback == true)
        let report = planner.plan(PlanInput(age: 12, result: nil, concern: .sex, state: "PR")).first { $0.kind == .mandatedReport }
        #expect(report?.source.contains("fallback") == true)
    }

    @Test("confidentiality limits are stated before asking, with the reporting duty for minors")
    func confidentiality() {
        #expect(planner.confidentialityLimits(age: 15, state: "FL").contains("Florida Abuse Hotline"))
        #expect(!planner.confidentialityLimits(age: 30, state: "FL").contains("report ("))
    }

    @Test("with a companion present only the steps that need no word with the person are shown now; the rest wait")
    func companionHoldsTheRest() {
        let adult = planner.plan(PlanInput(age: 30, result: .positive, concern: .sex, companionPresent: true, consentToReferral: true))
        #expect(adult.filter { !$0.whenAlone }.map(\.kind) == [.stopUnsafe])
        #expect(adult.filter(\.whenAlone).map(\.kind) == [.furtherAssessment, .safetyPlan, .offerHotline, .refer, .document, .followUp])
        let danger = planner.plan(PlanInput(age: 30, result: .positive, danger: true, companionPresent: true))
        #expect(danger.filter { !$0.whenAlone }.map(\.kind) == [.emergency, .stopUnsafe])
        // Alone: nothing waits.
        #expect(planner.plan(PlanInput(age: 30, result: .positive, concern: .sex)).allSatisfy { !$0.whenAlone })
    }

    @Test("a child with a concern and a companion: report out of the companion's hearing, and no discharge to that adult")
    func childWithCompanion() {
        let plan = planner.plan(PlanInput(age: 14, result: nil, concern: .sex, companionPresent: true, state: "TX"))
        #expect(plan.filter { !$0.whenAlone }.map(\.kind) == [.stopUnsafe, .mandatedReport, .safeDischarge])
        let report = plan.first { $0.kind == .mandatedReport }
        #expect(report?.instruction.contains("cannot hear") == true && report?.instruction.contains("1-800-252-5400") == true)
        let discharge = plan.first { $0.kind == .safeDischarge }
        #expect(discharge?.instruction.contains(JurisdictionTable.bundled.route(for: "TX").agency) == true)
        #expect(!kinds(PlanInput(age: 14, result: nil, concern: .sex, state: "TX")).contains(.safeDischarge), "alone: no companion to hold back")
        #expect(!kinds(PlanInput(age: 14, result: .positive, companionPresent: true)).contains(.safeDischarge), "no disclosure or suspicion yet")
    }

    @Test("foreign nationals: a child gets the 24-hour eligibility request, an adult a consent-based legal referral")
    func foreignNationals() {
        let child = planner.plan(PlanInput(age: 16, result: nil, concern: .labor, state: "TX", foreignNational: true))
        let request = child.first { $0.kind == .eligibilityRequest }
        #expect(request?.instruction.contains("24 hours") == true && request?.instruction.contains("OTIP") == true)
        #expect(request?.source.contains("7105(b)(1)") == true)
        #expect(!child.map(\.kind).contains(.immigrationRelief))
        #expect(!kinds(PlanInput(age: 16, result: .positive, foreignNational: true)).contains(.eligibilityRequest), "a positive screen alone is not credible information")
        #expect(!kinds(PlanInput(age: 16, result: nil, concern: .sex)).contains(.eligibilityRequest))

        let adult = planner.plan(PlanInput(age: 30, result: nil, concern: .sex, foreignNational: true))
        let relief = adult.first { $0.kind == .immigrationRelief }
        #expect(relief?.instruction.contains("consent") == true && relief?.instruction.contains("T visa") == true)
        #expect(!adult.map(\.kind).contains(.eligibilityRequest) && !adult.map(\.kind).contains(.mandatedReport))
        #expect(!kinds(PlanInput(age: 30, result: nil, concern: .sex)).contains(.immigrationRelief))
    }

    @Test("a child's exploited labor: reported where the state takes it, without the commercial-sex rule as its reason")
    func childLabor() {
        let labor = planner.plan(PlanInput(age: 15, result: nil, concern: .labor, state: "TX")).first { $0.kind == .mandatedReport }
        #expect(labor?.reasonText?.key == "plan_mandated_report_why_labor")
        #expect(labor?.reason.contains("is about commercial sex, not labor") == true)
        #expect(labor?.instruction.contains("law enforcement") == true || labor?.instructionText?.key == "plan_mandated_report_labor")
        #expect(labor?.source.contains("covers commercial sex only") == true)
        let sex = planner.plan(PlanInput(age: 15, result: nil, concern: .sex, state: "TX")).first { $0.kind == .mandatedReport }
        #expect(sex?.reasonText?.key == "plan_mandated_report_why")
        // A state whose route names who takes labor cases: the plan says it.
        var table = JurisdictionTable.bundled
        var texas = table.route(for: "TX")
        texas.childReport.labor = "Test: the county sheriff takes these."
        table = JurisdictionTable(states: [texas], fallback: table.fallback)
        let named = ResponsePlanner(jurisdictions: table).plan(PlanInput(age: 15, result: nil, concern: .labor, state: "TX"))
        let namedReport = named.first { $0.kind == .mandatedReport }
        #expect(namedReport?.instructionText?.key == "plan_mandated_report_labor" && namedReport?.instruction.contains("also takes") == true)
        #expect(namedReport?.instruction.contains("the county sheriff takes these") == false, "the member's own text names the topic; it stays off the screen")
    }

    @Test("a dependent adult with a concern: the state's adult protective services, or the national locator")
    func dependentAdults() {
        let fallback = planner.plan(PlanInput(age: 70, result: nil, concern: .labor, state: "PR", dependentAdult: true)).first { $0.kind == .apsReport }
        #expect(fallback?.instruction.contains("1-800-677-1116") == true)
        #expect(fallback?.source.contains("national locator") == true)
        #expect(!kinds(PlanInput(age: 70, result: nil, concern: .none, dependentAdult: true)).contains(.apsReport))
        #expect(!kinds(PlanInput(age: 16, result: nil, concern: .sex, dependentAdult: true)).contains(.apsReport), "a minor is a child-abuse report")
        for state in JurisdictionTable.bundled.states where state.aps != nil {
            let aps = planner.plan(PlanInput(age: 70, result: nil, concern: .sex, state: state.code, dependentAdult: true)).first { $0.kind == .apsReport }
            #expect(aps?.instruction.contains(state.aps!.phone) == true && aps?.source.contains(state.name) == true, "\(state.code)")
        }
    }

    @Test("a stored plan keeps its whenAlone marks and reads back; older plans without them read as 'now'")
    func storedWhenAlone() throws {
        let plan = planner.plan(PlanInput(age: 30, result: .positive, companionPresent: true))
        #expect(try JSONDecoder().decode([PlannedAction].self, from: JSONEncoder().encode(plan)) == plan)
        let old = try JSONDecoder().decode(PlannedAction.self, from: Data(#"{"kind":"refer","instructionText":"plan_refer","reasonText":"plan_refer_why","source":"Old source"}"#.utf8))
        #expect(!old.whenAlone && old.source(in: Localizer(.es)) == "Old source")
    }
}
