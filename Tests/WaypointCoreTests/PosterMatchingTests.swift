import Foundation
import Testing
@testable import WaypointCore

@Suite("Comparing missing-person posters with ads, part by part")
struct PosterMatchingTests {
    func day(_ text: String) -> Date { AdRecordReader.date(text)! }

    var poster: MissingPoster {
        var poster = MissingPoster(caseNumber: "SYN-0001", name: "Jessica Marie Doe", missingSince: day("2025-06-01"))
        poster.aliases = ["Jess"]
        poster.sex = "F"
        poster.dateOfBirth = day("2009-04-10")
        poster.heightCm = 163
        poster.weightKg = 52
        poster.hair = "Brown"
        poster.eyes = "Green"
        poster.marks = ["tattoo 'Angel' on left wrist"]
        poster.city = "Tulsa"
        poster.state = "OK"
        return poster
    }

    func ad(_ text: String, posted: String? = "2026-03-01", location: String? = nil) -> AdForMatching {
        AdForMatching(text: text, facts: AdExtractor.facts(text), postedAt: posted.map(day), location: location)
    }

    @Test("every part is scored and explained; the score is their weighted sum")
    func components() throws {
        let match = try #require(PosterMatcher.match(poster, ad("Hi I'm Jessie, 19 yrs, sweet brunette with green eyes, 5'4, 115 lbs. Now in Dallas, TX. Ask about my angel tattoo"), today: day("2026-12-01")))
        let parts = Dictionary(uniqueKeysWithValues: match.components.map { ($0.kind, $0) })
        #expect(parts[.name]?.reason == "name-nickname" && parts[.name]?.score == 0.8 && parts[.name]?.adValue == "Jessie")
        #expect(parts[.age]?.reason == "age-consistent" && parts[.age]?.adValue == "19" && parts[.age]?.posterValue == "16")
        #expect(parts[.place]?.reason == "place-nearby-state" && parts[.place]?.adValue == "Dallas, TX")
        #expect(parts[.time]?.reason == "time-after-missing")
        #expect(parts[.description]?.reason == "mark" && parts[.description]?.adValue == "angel")
        #expect(abs(match.score - (0.3 * 0.8 + 0.2 + 0.15 * 0.4 + 0.1 + 0.25)) < 0.001)
    }

    @Test("description without a mark: eyes, hair, height and weight each count a little")
    func description() {
        let part = PosterMatcher.description(poster, ad("brunette, green eyes, 5'4, 115 lbs"))
        #expect(part.reason == "description-some")
        #expect(abs(part.score - 0.8) < 1e-9)
        #expect(PosterMatcher.statedHeight(AdText.tokens("I'm 5'4 and 115 lbs")) == 163)
        #expect(PosterMatcher.statedWeight(AdText.tokens("I'm 5'4 and 115 lbs")) == 52)
    }

    @Test("names: the same, an alias, a short form, a sound-alike, none")
    func names() {
        #expect(PosterMatcher.name(poster, ad("my name is Jessica")).reason == "name-same")
        #expect(PosterMatcher.name(poster, ad("call me Jess")).reason == "name-alias")
        #expect(PosterMatcher.name(poster, ad("I'm Jessi")).reason == "name-nickname")
        #expect(PosterMatcher.name(poster, ad("I'm Jesica")).reason == "name-sounds-like")
        #expect(PosterMatcher.name(poster, ad("I'm Coco")).score == 0)
    }

    @Test("ages: room for an older claim, little for a younger one", arguments: [
        ("16", 1.0), ("20", 1.0), ("15", 0.8), ("22", 0.5), ("14", 0.4), ("30", 0.0),
    ])
    func ages(stated: String, score: Double) {
        #expect(PosterMatcher.age(poster, ad("I'm Jess, \(stated) yrs"), today: day("2026-12-01")).score == score)
    }

    @Test("time: an ad before the person went missing scores nothing and says so")
    func time() {
        let before = PosterMatcher.time(poster, ad("x", posted: "2025-01-01"))
        #expect(before.score == 0 && before.reason == "time-before-missing")
        #expect(PosterMatcher.time(poster, ad("x", posted: "2029-01-01")).reason == "time-long-after")
        #expect(PosterMatcher.time(poster, ad("x", posted: nil)).reason == "time-unknown")
    }

    @Test("places: the same city, the same state, a nearby state, far away, the import's location column")
    func places() {
        #expect(PosterMatcher.place(poster, ad("now in Tulsa")).reason == "place-same-city")
        #expect(PosterMatcher.place(poster, ad("all over Oklahoma")).reason == "place-same-state")
        #expect(PosterMatcher.place(poster, ad("Seattle this week")).reason == "place-far")
        #expect(PosterMatcher.place(poster, ad("nothing here", location: "Tulsa, OK")).reason == "place-same-city")
        #expect(PosterMatcher.place(poster, ad("nothing here")).reason == "place-unknown")
    }

    @Test("a decoy with no name and no mark in common is not listed")
    func decoy() {
        #expect(PosterMatcher.match(poster, ad("I'm Coco, 16 yrs, in Tulsa, OK, green eyes"), today: day("2026-12-01")) == nil)
    }

    @Test("Soundex as the National Archives codes it", arguments: [
        ("Robert", "R163"), ("Rupert", "R163"), ("Ashcraft", "A261"), ("Tymczak", "T522"), ("Pfister", "P236"), ("Honeyman", "H555"),
    ])
    func soundex(name: String, code: String) {
        #expect(PosterMatcher.soundex(name) == code)
    }

    @Test("an ad's names and a poster's names meet under a shared key")
    func keys() {
        #expect(!PosterMatcher.nameKeys("Jessie").isDisjoint(with: PosterMatcher.nameKeys("Jessica")))
        #expect(!PosterMatcher.nameKeys("Jesica").isDisjoint(with: PosterMatcher.nameKeys("Jessica")))
        #expect(PosterMatcher.nameKeys("Coco").isDisjoint(with: PosterMatcher.nameKeys("Jessica")))
    }

    @Test("poster files: CSV and JSON Lines, every bad line named")
    func files() {
        let csv = """
        case_number,name,aliases,sex,date_of_birth,age_at_missing,missing_since,height_cm,weight_kg,hair,eyes,marks,city,state
        SYN-1,Jessica Doe,Jess;Jessie,F,2009-04-10,,2025-06-01,163,52,Brown,Green,tattoo 'Angel' on left wrist,Tulsa,OK
        SYN-2,Ana Roe,,F,,15,2024-01-05,,,,,,,TX
        SYN-3,No Date,,F,,15,,,,,,,,
        SYN-4,Bad Height,,F,,15,2024-01-05,900,,,,,,
        SYN-1,Again,,F,,15,2024-01-05,,,,,,,
        SYN-5,No Age,,F,,,2024-01-05,,,,,,,
        """
        let (posters, errors) = PosterFile.parse(Data(csv.utf8), name: "posters.csv")
        #expect(posters.map(\.caseNumber) == ["SYN-1", "SYN-2"])
        #expect(posters[0].aliases == ["Jess", "Jessie"] && posters[0].marks == ["tattoo 'Angel' on left wrist"])
        #expect(errors.map(\.line) == [4, 5, 6, 7])
        #expect(errors[1].message.contains("height_cm"))
        let jsonl = "{\"case_number\": \"J1\", \"name\": \"Mia Poe\", \"aliases\": [\"Mimi\"], \"age_at_missing\": 14, \"missing_since\": \"2025-02-02\"}\nnot json\n"
        let parsed = PosterFile.parse(Data(jsonl.utf8), name: "posters.jsonl")
        #expect(parsed.posters.map(\.aliases) == [["Mimi"]])
        #expect(parsed.errors.map(\.line) == [2])
    }
}
