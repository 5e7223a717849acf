import Testing
@testable import WaypointCore

@Suite("ICD-10-CM documentation assistant")
struct ICD10AssistantTests {
    @Test("every branch: type × status × age group × encounter", arguments: [
        (ICD10Assistant.ExploitationType.sex, ICD10Assistant.Status.confirmed, 30, ICD10Assistant.Encounter.initial, "T74.51XA"),
        (.sex, .confirmed, 15, .subsequent, "T74.52XD"),
        (.labor, .confirmed, 40, .sequela, "T74.61XS"),
        (.labor, .confirmed, 12, .initial, "T74.62XA"),
        (.sex, .suspected, 18, .initial, "T76.51XA"),
        (.sex, .suspected, 17, .sequela, "T76.52XS"),
        (.labor, .suspected, 25, .subsequent, "T76.61XD"),
        (.labor, .suspected, 9, .initial, "T76.62XA"),
        (.sex, .ruledOut, 15, .initial, "Z04.81"),
        (.labor, .ruledOut, 40, .subsequent, "Z04.82"),
    ])
    func code(type: ICD10Assistant.ExploitationType, status: ICD10Assistant.Status, age: Int,
              encounter: ICD10Assistant.Encounter, expected: String) throws {
        let suggestion = try ICD10Assistant.suggest(type: type, status: status, age: age, ageAtExploitation: age, encounter: encounter)
        #expect(suggestion.code == expected)
        #expect(suggestion.safetyCheck.count >= 3, "a safety check always comes with a code")
        #expect(suggestion.securityLabels.contains { $0.hasSuffix("|SDV") })
    }

    @Test("18 is the first adult age")
    func boundary() throws {
        #expect(try ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 17, encounter: .initial).code == "T74.52XA")
        #expect(try ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 18, encounter: .initial).code == "T74.51XA")
    }

    @Test("child or adult follows the age when it happened, not the age today")
    func ageAtExploitation() throws {
        // A 25-year-old treated for what was done to them at 16: the child code.
        #expect(try ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 25, ageAtExploitation: 16, encounter: .sequela).code == "T74.52XS")
        #expect(try ICD10Assistant.suggest(type: .labor, status: .suspected, age: 30, ageAtExploitation: 17, encounter: .subsequent).code == "T76.62XD")
        #expect(try ICD10Assistant.suggest(type: .labor, status: .suspected, age: 30, ageAtExploitation: 18, encounter: .subsequent).code == "T76.61XD")
        // A later encounter cannot assume it is happening now.
        #expect(throws: ICD10Assistant.CodingError.ageAtExploitationNeeded) {
            try ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 25, encounter: .subsequent)
        }
        #expect(throws: ICD10Assistant.CodingError.invalidAge(field: "age_at_exploitation")) {
            try ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 15, ageAtExploitation: 16, encounter: .initial)
        }
        #expect(throws: ICD10Assistant.CodingError.invalidAge(field: "age")) {
            try ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 131, encounter: .initial)
        }
    }

    @Test("history codes: Z62.813 for childhood, Z91.42 for adulthood, and they need the age it happened")
    func history() throws {
        let childhood = try ICD10Assistant.suggest(type: .labor, status: .history, age: 40, ageAtExploitation: 12, encounter: .initial)
        #expect(childhood.code == "Z62.813" && childhood.description.contains("in childhood"))
        #expect(try ICD10Assistant.suggest(type: .sex, status: .history, age: 40, ageAtExploitation: 17, encounter: .initial).code == "Z62.813")
        let adult = try ICD10Assistant.suggest(type: .sex, status: .history, age: 40, ageAtExploitation: 18, encounter: .sequela)
        #expect(adult.code == "Z91.42" && adult.reminders.isEmpty && adult.safetyCheck.count == 4)
        #expect(throws: ICD10Assistant.CodingError.ageAtExploitationNeeded) {
            try ICD10Assistant.suggest(type: .sex, status: .history, age: 40, encounter: .initial)
        }
    }

    @Test("confirmed cases remind of external-cause and perpetrator codes; suspected and ruled-out do not")
    func reminders() throws {
        let confirmed = try ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 30, encounter: .initial)
        #expect(confirmed.reminders.count == 2)
        #expect(confirmed.reminders[0].contains("X92") && confirmed.reminders[1].contains("Y07"))
        #expect(confirmed.reminders(in: Localizer(.es)).allSatisfy { !$0.isEmpty && !$0.hasPrefix("coding_") })
        #expect(try ICD10Assistant.suggest(type: .sex, status: .suspected, age: 30, encounter: .initial).reminders.isEmpty)
        #expect(try ICD10Assistant.suggest(type: .labor, status: .ruledOut, age: 30, encounter: .initial).reminders.isEmpty)
    }

    @Test("the safety check and the rationale read in Spanish; the code's official title stays as published")
    func spanish() throws {
        let spanish = Localizer(.es)
        let suggestion = try ICD10Assistant.suggest(type: .labor, status: .suspected, age: 16, ageAtExploitation: 16, encounter: .subsequent)
        let rationale = suggestion.rationale(in: spanish)
        #expect(rationale.contains("T76") && rationale.contains("carácter D") && !rationale.contains("{"))
        #expect(rationale != suggestion.rationale)
        #expect(suggestion.rationale.contains("Under 18 when it happened: child code; 7th character D"))
        let checks = ICD10Assistant.safetyCheck.map { spanish($0) }
        #expect(checks.count == 4 && checks.allSatisfy { $0.hasPrefix("¿") })
        #expect(suggestion.safetyCheck == ICD10Assistant.safetyCheck.map(\.english))
    }
}
