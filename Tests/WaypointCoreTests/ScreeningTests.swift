import Foundation
import Testing
@testable import WaypointCore

@Suite("Screening instruments and scoring")
struct ScreeningTests {
    /// What `now()` and `today()` answer during these evaluations.
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    let screener = Screener()

    func answers(_ text: String) throws -> [ScreenAnswer] {
        try text.split(separator: ",").map { try ScreenAnswer(word: String($0)) }
    }

    @Test("the three-valued rule: positive at k, negative only when open answers cannot reach k", arguments: [
        (0, 0, 2, ScreenResult.negative), (1, 0, 2, .negative), (2, 0, 2, .positive), (6, 0, 2, .positive),
        (1, 1, 2, .incomplete), (0, 2, 2, .incomplete), (0, 1, 2, .negative), (2, 4, 2, .positive),
        (0, 0, 1, .negative), (1, 0, 1, .positive), (0, 1, 1, .incomplete), (0, 4, 1, .incomplete),
    ])
    func countThreshold(yes: Int, open: Int, threshold: Int, expected: ScreenResult) {
        #expect(ScreenResult.countThreshold(yes: yes, open: open, threshold: threshold) == expected)
    }

    @Test("SSCST: positive at two yes, incomplete band, negative", arguments: [
        ("yes,yes,no,no,no,no", ScreenResult.positive, 2, 0),
        ("yes,no,no,no,no,no", .negative, 1, 0),
        ("no,no,no,no,no,no", .negative, 0, 0),
        ("yes,declined,no,no,no,no", .incomplete, 1, 1),
        ("no,unknown,not-asked,no,no,no", .incomplete, 0, 2),
        ("no,declined,no,no,no,no", .negative, 0, 1),
        ("yes,yes,declined,unknown,not-asked,declined", .positive, 2, 4),
    ])
    func sscst(text: String, expected: ScreenResult, yes: Int, open: Int) throws {
        let outcome = try screener.screen("sscst", age: 15, positional: try answers(text), now: Self.now)
        #expect(outcome.result == expected)
        #expect(outcome.yes == yes && outcome.open == open)
        #expect(outcome.warnings.isEmpty)
    }

    @Test("a declined item is never counted as no")
    func declinedIsOpen() throws {
        let outcome = try screener.screen("qyit", age: 19, positional: try answers("no,no,no,declined"), now: Self.now)
        #expect(outcome.result == .incomplete)
        #expect(outcome.open == 1)
    }

    @Test("QYIT: any yes is positive", arguments: [
        ("no,no,no,no", ScreenResult.negative), ("no,no,yes,no", .positive), ("yes,yes,yes,yes", .positive), ("unknown,no,no,no", .incomplete),
    ])
    func qyit(text: String, expected: ScreenResult) throws {
        #expect(try screener.screen("qyit", age: 20, positional: try answers(text), now: Self.now).result == expected)
    }

    @Test("answers keyed by linkId give the same result as positional answers")
    func keyedAnswers() throws {
        let keyed = try screener.screen("sscst", age: 14, answers: ["sscst-1": .yes, "sscst-4": .yes], now: Self.now)
        #expect(keyed.result == .positive)
        let partial = try screener.screen("sscst", age: 14, answers: ["sscst-1": .yes], now: Self.now)
        #expect(partial.result == .incomplete && partial.open == 5)
        #expect(throws: ScreeningError.unknownItem("q99")) { try screener.screen("sscst", age: 14, answers: ["q99": .yes], now: Self.now) }
    }

    @Test("bad input is refused with a clear reason")
    func badInput() throws {
        #expect(throws: ScreeningError.wrongNumberOfAnswers(expected: 6, got: 2)) { try screener.screen("sscst", age: 15, positional: [.yes, .no], now: Self.now) }
        #expect(throws: ScreeningError.unknownAnswer("maybe")) { try ScreenAnswer(word: "maybe") }
        #expect(throws: ScreeningError.unknownInstrument("phq99")) { try screener.screen("phq99", age: 15, positional: [], now: Self.now) }
        #expect(throws: ScreeningError.invalidAge(-1)) { try screener.screen("sscst", age: -1, positional: try answers("no,no,no,no,no,no"), now: Self.now) }
        do {
            _ = try screener.screen("raft", age: 30, positional: [], now: Self.now)
            Issue.record("an unavailable instrument was scored")
        } catch ScreeningError.instrumentUnavailable(let id, let reason) {
            #expect(id == "raft" && reason.contains("could not be established"))
        }
    }

    @Test("an age outside the tool's population warns and names the right tool")
    func ageOutOfRange() throws {
        let outcome = try screener.screen("sscst", age: 19, positional: try answers("no,no,no,no,no,no"), now: Self.now)
        #expect(outcome.warnings.count == 1)
        let english = outcome.warnings[0].english
        #expect(english.contains("11–17") && english.contains("QYIT") && english.contains("19"))
        let spanish = Localizer(.es)(outcome.warnings[0])
        #expect(spanish.contains("11 a 17") && spanish.contains("QYIT") && !spanish.contains("{"))
    }

    @Test("QYIT at 23 is policy use: a warning names the validation range; SSCST's population is on record")
    func validationPopulations() throws {
        let qyit23 = try screener.screen("qyit", age: 23, positional: try answers("no,no,no,no"), now: Self.now)
        #expect(qyit23.warnings.map(\.key) == ["warning_age_policy_use"])
        #expect(qyit23.warnings[0].english.contains("18–22") && qyit23.warnings[0].english.contains("policy"))
        #expect(try screener.screen("qyit", age: 22, positional: try answers("no,no,no,no"), now: Self.now).warnings.isEmpty)
        let sscst10 = try screener.screen("sscst", age: 10, positional: try answers("no,no,no,no,no,no"), now: Self.now)
        #expect(sscst10.warnings.first?.english.contains("11–17") == true)
        let sscst = try InstrumentCatalog.bundled.info("sscst")
        #expect(sscst.population?.contains("emergency departments") == true && sscst.population?.contains("11–17") == true)
        #expect(try InstrumentCatalog.bundled.info("qyit").policy?.contains("under 24") == true)
    }

    @Test("QYIT asks each question after a normalising lead-in, in both languages; item 3's examples follow the published item")
    func qyitLeadIns() throws {
        let form = try InstrumentCatalog.bundled.questionnaire("qyit")
        for item in form.questions {
            let english = item.raw["text"]?.string ?? ""
            let parts = english.split(separator: ".", maxSplits: 1)
            #expect(parts.count == 2 && !parts[0].contains("?") && english.hasSuffix("?"), "\(item.linkId): lead-in, then the question")
            let spanish = item.raw.translated("text", in: .es)
            #expect(spanish != english && spanish.hasSuffix("?"), "\(item.linkId) in Spanish")
        }
        let third = form.questions[2].raw["text"]?.string ?? ""
        #expect(third.contains("a place to stay, gifts or food"))
    }

    @Test("HMIS through the screener: a yes opens R15.A–C, a band is one of the question's own options, a yes to a band question is refused")
    func hmisThroughTheScreener() throws {
        let open = try screener.screen("hmis-r15-r16", age: 19, answers: [
            "ExchangeForSex": .yes, "ExchangeForSexPastThreeMonths": .no, "CountOfExchangeForSex": .option("2"),
            "AskedOrForcedToExchangeForSex": .declined, "WorkplaceViolenceThreats": .no, "WorkplacePromiseDifference": .no,
        ], now: Self.now)
        #expect(open.missing.isEmpty, "every enabled question answered: \(open.missing)")
        let items = open.response["item"]?.array ?? []
        let r15 = items.first { $0["linkId"]?.string == "R15" }?["item"]?.array ?? []
        let count = r15.first { $0["linkId"]?.string == "CountOfExchangeForSex" }?["answer"]?.array.first?["valueCoding"]
        #expect(count?["code"]?.string == "2" && count?["display"]?.string == "4–7")
        let asked = r15.first { $0["linkId"]?.string == "AskedOrForcedToExchangeForSex" }?["answer"]?.array.first?["valueCoding"]
        #expect(asked?["code"]?.string == "9", "declined is the HMIS 'prefers not to answer'")
        #expect(throws: ScreeningError.unknownAnswer("yes")) {
            try screener.screen("hmis-r15-r16", age: 19, answers: ["ExchangeForSex": .yes, "CountOfExchangeForSex": .yes], now: Self.now)
        }
        // A no closes R15.A–D: they are neither asked nor missing.
        let closed = try screener.screen("hmis-r15-r16", age: 19, answers: [
            "ExchangeForSex": .no, "WorkplaceViolenceThreats": .no, "WorkplacePromiseDifference": .no,
        ], now: Self.now)
        #expect(closed.missing.isEmpty)
        #expect(ScreenAnswer.choices(for: try InstrumentCatalog.bundled.questionnaire("hmis-r15-r16").questions
            .first { $0.linkId == "CountOfExchangeForSex" }!).map(\.answer.rawValue)
            == ["option:1", "option:2", "option:3", "option:4", "unknown", "declined", "not-asked"])
    }

    @Test("required questions left out are reported missing and count as open")
    func missingRequired() throws {
        let outcome = try screener.screen("sscst", age: 15, answers: ["sscst-1": .no, "sscst-2": .no], now: Self.now)
        #expect(outcome.missing == ["sscst-3", "sscst-4", "sscst-5", "sscst-6"])
        #expect(outcome.open == 4 && outcome.result != .negative)
        let all = try screener.screen("sscst", age: 15, positional: try answers("no,no,no,no,no,declined"), now: Self.now)
        #expect(all.missing.isEmpty, "a declined answer is an answer, not a gap")
    }

    @Test("a warning stored as an English sentence by earlier versions reads back as that sentence")
    func storedEnglishWarning() throws {
        let outcome = try screener.screen("sscst", age: 19, positional: try answers("no,no,no,no,no,no"), now: Self.now)
        guard case .object(var earlier) = try JSONValue.parse(try JSONEncoder().encode(outcome)) else { return }
        let sentence = "SSCST was validated for ages 10–17, not 19; for age 19 use QYIT."
        earlier["warnings"] = .array([.string(sentence)])
        let read = try JSONDecoder().decode(ScreenOutcome.self, from: try JSONEncoder().encode(JSONValue.object(earlier)))
        #expect(Localizer(.es)(read.warnings[0]) == sentence)
    }

    @Test("the suggested instrument follows age", arguments: [(9, nil), (10, nil), (11, "sscst"), (17, "sscst"), (18, "qyit"), (22, "qyit"), (23, "qyit"), (24, nil), (30, nil)] as [(Int, String?)])
    func suggestion(age: Int, expected: String?) {
        #expect(InstrumentCatalog.bundled.suggested(forAge: age)?.id == expected)
    }

    @Test("every shipped instrument carries a citation, population and licence; unavailable ones say why")
    func catalogMetadata() throws {
        for info in InstrumentCatalog.bundled.instruments {
            #expect(!info.citation.isEmpty && !info.licence.isEmpty && !info.validation.isEmpty && !info.setting.isEmpty)
            if info.isAvailable {
                let questionnaire = try InstrumentCatalog.bundled.questionnaire(info.id)
                #expect(questionnaire.url != nil && questionnaire.version != nil)
                for item in questionnaire.allItems where item.holdsAnswers {
                    #expect(item.raw["_text"] != nil, "\(item.linkId) has no Spanish text")
                }
            } else {
                #expect(info.unavailableReason != nil)
            }
        }
        #expect(InstrumentCatalog.bundled.instruments.first { $0.id == "ahtst" }?.validated == false)
    }

    @Test("the stored response is FHIR with restricted security labels and never trusts a total")
    func responseShape() throws {
        let outcome = try screener.screen("sscst", age: 15, positional: try answers("yes,yes,no,no,no,no"), now: Self.now)
        #expect(outcome.response["resourceType"]?.string == "QuestionnaireResponse")
        let labels = outcome.response["meta"]?["security"]?.array.compactMap { $0["code"]?.string }
        #expect(labels == ["SDV", "R"])
        #expect(outcome.response["questionnaire"]?.string == "urn:waypoint:fhir:Questionnaire:sscst|1.0.0")
    }

    @Test("HMIS follow-up questions are enabled only by a yes")
    func hmisEnablement() throws {
        let form = try InstrumentCatalog.bundled.questionnaire("hmis-r15-r16")
        let yes = JSONValue.object(["system": .string("urn:waypoint:fhir:CodeSystem:hmis-response"), "code": .string("1")])
        let response = JSONValue.object(["resourceType": .string("QuestionnaireResponse"), "item": .array([
            .object(["linkId": .string("R16"), "item": .array([
                .object(["linkId": .string("WorkplacePromiseDifference"), "answer": .array([.object(["valueCoding": yes])])]),
            ])]),
        ])])
        let enabled = Set(try QuestionnaireEngine(form).evaluate(response: response, now: Self.now).enabled)
        #expect(enabled.contains("CoercedToContinueWork") && enabled.contains("LaborExploitPastThreeMonths"))
        #expect(!enabled.contains("ExchangeForSexPastThreeMonths") && !enabled.contains("CountOfExchangeForSex"))
        // HMIS Data Dictionary FY2024: R15.C (made or forced) follows a yes to R15.1 only.
        #expect(!enabled.contains("AskedOrForcedToExchangeForSex") && !enabled.contains("AskedOrForcedToExchangeForSexPastThreeMonths"))
    }
}

@Suite("Stored screening outcomes")
struct StoredOutcomeTests {
    /// What `now()` and `today()` answer during these evaluations.
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    @Test("JSON text reads back as the same value: escapes, unicode, numbers, nesting, key order")
    func jsonText() throws {
        let value = JSONValue.object([
            "b": .array([.integer(-42), .decimal(0.1), .decimal(2.5), .decimal(1.5e21), .bool(true), .null]),
            "a": .string("quote \" backslash \\ slash / tab \t newline \n bell \u{07} é 🧭"),
            "c": .object(["": .string(""), "nested": .array([])]),
        ])
        let text = try value.jsonText()
        #expect(text.hasPrefix(#"{"a":"quote \" backslash \\ slash / tab \t newline \n bell \u0007 é 🧭","b":[-42,0.1,"#))
        #expect(try JSONValue.parse(Data(text.utf8)) == value)
        #expect(throws: JSONValue.TextError.notFinite(.infinity)) { try JSONValue.decimal(.infinity).jsonText() }
    }

    @Test("an outcome round-trips, and one stored in the earlier nested form still reads")
    func storedForms() throws {
        let outcome = try Screener().screen("sscst", age: 15, answers: ["sscst-1": .yes, "sscst-2": .yes, "sscst-3": .declined], now: Self.now)
        let stored = try JSONEncoder().encode(outcome)
        #expect(try JSONDecoder().decode(ScreenOutcome.self, from: stored) == outcome)

        // The earlier form: the same members, with the response as a nested object.
        guard case .object(var earlier) = try JSONValue.parse(stored), let text = earlier.removeValue(forKey: "responseJSON")?.string
        else { Issue.record("responseJSON missing"); return }
        earlier["response"] = try JSONValue.parse(Data(text.utf8))
        #expect(try JSONDecoder().decode(ScreenOutcome.self, from: try JSONEncoder().encode(JSONValue.object(earlier))) == outcome)
    }
}

@Suite("Indicator library")
struct IndicatorLibraryTests {
    let library = IndicatorLibrary.bundled

    @Test("every sign is cited, worded in both languages, never names the topic, and covers sex and labor, minors and adults, and the sectors")
    func shape() {
        #expect(library.indicators.count >= 30)
        #expect(Set(library.indicators.map(\.id)).count == library.indicators.count)
        for sign in library.indicators {
            #expect(!sign.source.isEmpty && sign.text["en"]?.isEmpty == false && sign.text["es"]?.isEmpty == false, "\(sign.id)")
            #expect(!(sign.text(in: .en) + sign.text(in: .es)).lowercased().contains("traffick"), "\(sign.id) names the topic on screen")
        }
        #expect(Set(library.indicators.map(\.kind)) == Set(Indicator.Kind.allCases))
        #expect(Set(library.indicators.map(\.population)) == Set(Indicator.Population.allCases))
        #expect(Set(library.indicators.map(\.sector)) == Set(IndicatorLibrary.sectors))
    }

    @Test("signs suggest further assessment and the fitting screen; a child's labor signs say no validated screen exists")
    func assessment() {
        #expect(library.forAge(15).allSatisfy { $0.population != .adult })
        #expect(library.forAge(30).allSatisfy { $0.population != .minor })
        let none = library.assess(observed: [], age: 15)
        #expect(!none.callsForFurtherAssessment && none.suggested == nil)
        let child = library.assess(observed: ["minor-working-school-hours", "labor-excessive-hours"], age: 15)
        #expect(child.callsForFurtherAssessment && child.suggested?.id == "sscst" && child.laborWithoutScreen)
        let adult = library.assess(observed: ["labor-excessive-hours", "minor-working-school-hours"], age: 20)
        #expect(adult.observed.map(\.id) == ["labor-excessive-hours"], "a sign for another age is ignored")
        #expect(adult.suggested?.id == "qyit" && !adult.laborWithoutScreen)
        #expect(library.assess(observed: ["older-partner"], age: 16).laborWithoutScreen == false)
    }
}
