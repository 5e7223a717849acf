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
              encounter: ICD10Assistant.Encounter, expected: String) {
        let suggestion = ICD10Assistant.suggest(type: type, status: status, age: age, encounter: encounter)
        #expect(suggestion.code == expected)
        #expect(suggestion.safetyCheck.count >= 3, "a safety check always comes with a code")
        #expect(suggestion.securityLabels.contains { $0.hasSuffix("|SDV") })
    }

    @Test("18 is the first adult age")
    func boundary() {
        #expect(ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 17, encounter: .initial).code == "T74.52XA")
        #expect(ICD10Assistant.suggest(type: .sex, status: .confirmed, age: 18, encounter: .initial).code == "T74.51XA")
    }

    @Test("the safety check and the rationale read in Spanish; the code's official title stays as published")
    func spanish() {
        let spanish = Localizer(.es)
        let suggestion = ICD10Assistant.suggest(type: .labor, status: .suspected, age: 16, encounter: .subsequent)
        let rationale = suggestion.rationale(in: spanish)
        #expect(rationale.contains("T76") && rationale.contains("carácter D") && !rationale.contains("{"))
        #expect(rationale != suggestion.rationale)
        #expect(suggestion.rationale.contains("Under 18: child code; 7th character D"))
        let checks = ICD10Assistant.safetyCheck.map { spanish($0) }
        #expect(checks.count == 4 && checks.allSatisfy { $0.hasPrefix("¿") })
        #expect(suggestion.safetyCheck == ICD10Assistant.safetyCheck.map(\.english))
    }
}
