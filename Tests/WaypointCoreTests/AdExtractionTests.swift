import Foundation
import Testing
@testable import WaypointCore

/// What the workbench reads from an ad: every finder, with the tricks ads use to dodge search.
@Suite("Reading ads: phones, contacts, ages, prices, ids, places, names, indicators")
struct AdExtractionTests {
    /// The original text a found value's span covers.
    func span(_ text: String, _ start: Int, _ end: Int) -> String {
        String(decoding: Array(text.utf8)[start..<end], as: UTF8.self)
    }

    @Test("ordinary phone formats read as one E.164 number, not obscured", arguments: [
        "Call (212) 555-0136 now", "212.555.0136", "text 212-555-0136!", "2125550136", "+1 212 555 0136", "1-212-555-0136",
    ])
    func plainPhones(text: String) {
        let phones = AdExtractor.facts(text).phones
        #expect(phones.map(\.e164) == ["+12125550136"])
        #expect(phones.first?.obscured == false)
        #expect(phones.first?.fictional == true)
    }

    @Test("obscured phones are de-obfuscated and flagged", arguments: [
        "two one two five five five zero one three six",
        "2one2 5five5 0one36",
        "2\u{FE0F}\u{20E3}1\u{FE0F}\u{20E3}2\u{FE0F}\u{20E3}5\u{FE0F}\u{20E3}5\u{FE0F}\u{20E3}5\u{FE0F}\u{20E3}0\u{FE0F}\u{20E3}1\u{FE0F}\u{20E3}3\u{FE0F}\u{20E3}6\u{FE0F}\u{20E3}",
        "２１２５５５０１３６",
        "2 1 2 5 5 5 0 1 3 6",
        "2l2-555-Ol36",
        "212🔥555🔥0136",
        "dos uno dos cinco cinco cinco cero uno tres seis",
        "②①②⑤⑤⑤⓪①③⑥",
        "𝟐𝟏𝟐𝟓𝟓𝟓𝟎𝟏𝟑𝟔",
        "212\u{200B}555\u{200B}0136 ✨",
        "212*555*0136",
    ])
    func obscuredPhones(text: String) {
        let phones = AdExtractor.facts("Hi, text me " + text + " for info").phones
        #expect(phones.map(\.e164) == ["+12125550136"], "\(text)")
        #expect(phones.first?.obscured == true, "\(text)")
    }

    @Test("numbers that are not phones are left alone", arguments: [
        "299 555 0136",          // no such area code
        "212 055 0136",          // an exchange cannot start with 0
        "$150 $200 $300 for the hour",
        "Age 22, 5'6, 130 lbs, 34-24-36",
        "call 555-0136",         // seven digits: no area code
        "212-555-01367",         // too long
    ])
    func notPhones(text: String) {
        #expect(AdExtractor.facts(text).phones.isEmpty, "\(text)")
    }

    @Test("two numbers in one run, a number after prices, and a number abroad")
    func severalPhones() {
        #expect(AdExtractor.facts("212-555-0136 / 305-555-0199").phones.map(\.e164) == ["+12125550136", "+13055550199"])
        #expect(AdExtractor.facts("150/200 2125550136").phones.map(\.e164) == ["+12125550136"])
        let abroad = AdExtractor.facts("whatsapp +44 20 7946 0958").phones
        #expect(abroad.map(\.e164) == ["+442079460958"])
        #expect(abroad.first?.validated == false)
    }

    @Test("a phone's span is the original text it was read from")
    func phoneSpan() {
        let text = "Hola 💋 call two one two five five five zero one three six ok"
        let phone = try! #require(AdExtractor.facts(text).phones.first)
        #expect(span(text, phone.start, phone.end) == "two one two five five five zero one three six")
    }

    @Test("e-mail addresses, plain and spelled out", arguments: [
        ("write jade.x@gmail.com today", "jade.x@gmail.com"),
        ("jade at gmail dot com", "jade@gmail.com"),
        ("jade[at]gmail(dot)com", "jade@gmail.com"),
        ("JADE (at) Yahoo . com", "jade@yahoo.com"),
    ])
    func emails(text: String, expected: String) {
        #expect(AdExtractor.facts(text).emails.map(\.value) == [expected])
    }

    @Test("words around 'at' are not an address", arguments: ["meet me at the hotel dot", "at gmail dot com", "love at first sight"])
    func notEmails(text: String) {
        #expect(AdExtractor.facts(text).emails.isEmpty, "\(text)")
    }

    @Test("handles with and without a platform", arguments: [
        ("IG: jade.x", "instagram", "jade.x"),
        ("snap - jadex22", "snapchat", "jadex22"),
        ("find me @jade_22", nil, "jade_22"),
        ("kik me jadex", "kik", "jadex"),
        ("onlyfans.com/jadex", "onlyfans", "jadex"),
        ("OF: jadex", "onlyfans", "jadex"),
        ("insta @coco.b", "instagram", "coco.b"),
    ] as [(String, String?, String)])
    func handles(text: String, platform: String?, handle: String) {
        let found = AdExtractor.facts(text).handles
        #expect(found.map(\.handle) == [handle], "\(text)")
        #expect(found.first?.platform == platform, "\(text)")
    }

    @Test("ordinary words after a platform's short name are not handles", arguments: [
        "one of my favorite things", "of course", "write me at jade@gmail.com",
    ])
    func notHandles(text: String) {
        #expect(AdExtractor.facts(text).handles.isEmpty, "\(text)")
    }

    @Test("stated ages", arguments: [
        ("sweet 22 yrs", "22"), ("22yo", "22"), ("22 y/o", "22"), ("age: 19", "19"), ("I'm 23 and fun", "23"),
        ("tengo 20 años", "20"), ("i am 24", "24"),
    ])
    func ages(text: String, age: String) {
        #expect(AdExtractor.facts(text).ages.map(\.value) == [age], "\(text)")
    }

    @Test("numbers that are not ages", arguments: ["$150", "150 roses", "open 24 hours", "5 stars"])
    func notAges(text: String) {
        #expect(AdExtractor.facts(text).ages.isEmpty, "\(text)")
    }

    @Test("prices and their units", arguments: [
        ("only $150", 150, nil), ("150 roses hh", 150, "hh"), ("hh 100", 100, "hh"), ("qv: 80", 80, "qv"),
        ("200/hr", 200, "h"), ("300$ overnight", 300, "overnight"), ("150🌹", 150, nil),
    ] as [(String, Int, String?)])
    func prices(text: String, amount: Int, unit: String?) {
        let prices = AdExtractor.facts(text).prices
        #expect(prices.map(\.amount) == [amount], "\(text)")
        #expect(prices.first?.unit == unit, "\(text)")
    }

    @Test("post and reference ids")
    func postIds() {
        #expect(AdExtractor.facts("Post ID: 88231").postIds.map(\.value) == ["88231"])
        #expect(AdExtractor.facts("ref #A77K2 thanks").postIds.map(\.value) == ["a77k2"])
        #expect(AdExtractor.facts("ad #12").postIds.isEmpty)
        #expect(AdExtractor.facts("post your reviews").postIds.isEmpty)
    }

    @Test("places from the gazetteer", arguments: [
        ("Now in Houston, TX", ["Houston, TX"]), ("Portland Maine this week", ["Portland, ME"]),
        ("visiting Savannah this week", ["Savannah, GA"]), ("new york city", ["New York, NY"]), ("all over Texas", ["TX"]),
        ("St. Louis area", ["St. Louis, MO"]),
    ])
    func places(text: String, expected: [String]) {
        #expect(AdExtractor.facts(text).places.map(\.value) == expected, "\(text)")
    }

    @Test("a city that is also a name is read as a place only with a word of place")
    func cityOrName() {
        let facts = AdExtractor.facts("Hi I'm Savannah, sweet and fun")
        #expect(facts.places.isEmpty)
        #expect(facts.names.map(\.value) == ["Savannah"])
        #expect(AdExtractor.facts("Madison is here").places.isEmpty)
    }

    @Test("names and aliases after a cue", arguments: [
        ("my name is Jade", ["Jade"]), ("Call me Coco, aka Lola", ["Coco", "Lola"]), ("HI I'M JADE, 22 YRS", ["Jade"]),
        ("me llamo Paola", ["Paola"]), ("ask for Mia", ["Mia"]),
    ])
    func names(text: String, expected: [String]) {
        #expect(AdExtractor.facts(text).names.map(\.value) == expected, "\(text)")
    }

    @Test("common words after a cue are not names", arguments: ["I'm new in town", "I'm available now", "call me anytime", "I'm Real"])
    func notNames(text: String) {
        #expect(AdExtractor.facts(text).names.isEmpty, "\(text)")
    }

    @Test("indicators carry their id and the span that matched")
    func indicators() {
        let text = "100% real pics. New in town! Sweet Latina, 19 yrs 🌹 call two one two five five five zero one three six"
        let hits = AdExtractor.facts(text).indicators
        let ids = Set(hits.map(\.id))
        #expect(ids == ["trustworthy-language", "new-in-town", "stated-ethnicity", "youth-language", "emoji-roses", "obscured-phone"])
        let trust = try! #require(hits.first { $0.id == "trustworthy-language" })
        #expect(span(text, trust.start, trust.end) == "100% real")
        let youth = try! #require(hits.first { $0.id == "youth-language" })
        #expect(span(text, youth.start, youth.end) == "19 yrs")
        #expect(AdExtractor.facts("Classy companion, dinner dates, call 212-555-0136").indicators.isEmpty)
    }

    @Test("the lexicon is cited: four validated entries, each entry with a source and both languages")
    func lexicon() throws {
        let lexicon = try IndicatorLexicon.loaded.get()
        #expect(Set(lexicon.entries.filter { $0.evidence == .validated }.map(\.id))
                == ["trustworthy-language", "obscured-phone", "youth-language", "stated-ethnicity"])
        for entry in lexicon.entries {
            #expect(entry.source.count > 20, "\(entry.id)")
            #expect(!entry.label.en.isEmpty && !entry.label.es.isEmpty && !entry.meaning.es.isEmpty, "\(entry.id)")
            #expect(entry.terms.isEmpty == (entry.detector != nil && entry.id == "obscured-phone"), "\(entry.id)")
            #expect(!entry.meaning.en.localizedCaseInsensitiveContains("victim"), "\(entry.id)")
        }
    }

    @Test("every phone the generator writes, plain or obscured, is read back")
    func generatedPhones() {
        let ads = SyntheticAdCorpus(count: 2000, editRate: 0.05, seed: 3).generate()
        var obscured = 0
        for ad in ads {
            let found = AdExtractor.facts(ad.text).phones
            for written in ad.phones {
                let match = found.first { $0.e164 == written.e164 }
                #expect(match != nil, "\(ad.text)")
                #expect(match?.obscured == written.obscured, "\(ad.text)")
                if written.obscured { obscured += 1 }
            }
        }
        #expect(obscured > 100)
    }

    @Test("hostile text never crashes and spans stay inside the text")
    func hostileText() {
        var random = SeededRandom(seed: 99)
        let pieces = ["\u{0}", "\u{202E}", "\u{200D}", "\u{FE0F}", "\u{20E3}", "\u{0301}", "👩‍👩‍👧", "🇺🇸", "𝟓", "①", "٣", "Ｗ", "\r\n",
                      "@", "@@", ".", "at", "dot", "(", ")", "+", "+1", "5", "five", "o", "l", "I'm", "$", "🌹", "a", "ß", "İ", "ǅ",
                      "\u{10FFFF}", "\u{E000}", "\u{FFFD}", "\\", "\"", ",", "#", "ref", "post id:", "snap:", "IG:", " "]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...60, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let facts = AdExtractor.facts(text)
            let length = text.utf8.count
            let spans = facts.phones.map { ($0.start, $0.end) } + facts.emails.map { ($0.start, $0.end) }
                + facts.handles.map { ($0.start, $0.end) } + facts.ages.map { ($0.start, $0.end) }
                + facts.prices.map { ($0.start, $0.end) } + facts.postIds.map { ($0.start, $0.end) }
                + facts.places.map { ($0.start, $0.end) } + facts.names.map { ($0.start, $0.end) }
                + facts.indicators.map { ($0.start, $0.end) }
            for (start, end) in spans { #expect(0 <= start && start < end && end <= length, "\(text.debugDescription)") }
        }
    }

    @Test("a giant text is cut, with a warning, before any work")
    func giantText() {
        let text = String(repeating: "two one two five five five zero one three six ", count: 50_000)
        let facts = AdExtractor.facts(text)
        #expect(facts.capped)
        #expect(facts.phones.allSatisfy { $0.end <= AdText.maximumUTF8Length })
        #expect(!facts.phones.isEmpty)
        let multibyte = String(repeating: "é", count: AdText.maximumUTF8Length)
        #expect(AdText.capped(multibyte).utf8.count <= AdText.maximumUTF8Length)
        #expect(AdText.capped(multibyte).unicodeScalars.allSatisfy { $0 == "é" })
    }
}
