import Foundation

/// One part of a poster–ad comparison, shown to the investigator as it is: what the ad says, what
/// the poster says, and the reason for the part's score (a catalog key, `ads_match_reason_<reason>`).
public struct MatchComponent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case name, age, place, time, description }

    public let kind: Kind
    /// 0…1.
    public let score: Double
    public let weight: Double
    public let adValue: String?
    public let posterValue: String?
    public let reason: String
}

/// A candidate for a person to review — never "a match": the score only orders the list.
public struct PosterMatch: Sendable, Equatable, Codable {
    public let score: Double
    public let components: [MatchComponent]
}

/// What the matcher needs of an ad.
public struct AdForMatching: Sendable {
    public let facts: AdFacts
    public let tokens: [AdToken]
    public let postedAt: Date?
    /// The import's location column, if any ("Houston, TX").
    public let location: String?

    public init(text: String, facts: AdFacts, postedAt: Date?, location: String?) {
        self.tokens = AdText.tokens(text)
        self.facts = facts
        self.postedAt = postedAt
        self.location = location
    }
}

/// Compares a missing-person poster with an ad, part by part (research §6.3): a working name against
/// the poster's name, aliases and their short forms and sound-alikes; the stated age against the
/// person's age on the ad's date, with room for the upward lie ads tell; the ad's place against where
/// the person went missing; the ad's date against the missing date; and description terms — a
/// tattoo's words weigh most, hair (which changes) least. Each part is shown; none decides.
public enum PosterMatcher {
    static let weights: [MatchComponent.Kind: Double] = [.name: 0.30, .age: 0.20, .place: 0.15, .time: 0.10, .description: 0.25]
    /// Below this a candidate is not listed.
    public static let listingScore = 0.35

    /// The keys under which an ad's names are indexed and a poster's names looked up: the folded
    /// name, its nickname group and its Soundex code.
    public static func nameKeys(_ name: String) -> Set<String> {
        let folded = fold(name)
        guard !folded.isEmpty else { return [] }
        // Soundex finds the same name too; the name itself only where Soundex has nothing to say (non-Latin letters).
        let code = soundex(folded)
        var keys: Set<String> = [code.isEmpty ? "n:" + folded : "s:" + code]
        for group in Nicknames.shipped.groups(of: folded) { keys.insert("g:\(group)") }
        return keys
    }

    public static func posterNames(_ poster: MissingPoster) -> [String] {
        [poster.givenName] + poster.aliases
    }

    public static func match(_ poster: MissingPoster, _ ad: AdForMatching, today: Date) -> PosterMatch? {
        let components = [name(poster, ad), age(poster, ad, today: today), place(poster, ad), time(poster, ad), description(poster, ad)]
        let score = components.reduce(0) { $0 + $1.score * $1.weight }
        let nameOrMark = components[0].score > 0 || components[4].reason == "mark"
        guard nameOrMark, score >= listingScore else { return nil }
        return PosterMatch(score: (score * 1000).rounded() / 1000, components: components)
    }

    // MARK: The parts

    static func name(_ poster: MissingPoster, _ ad: AdForMatching) -> MatchComponent {
        var best = (score: 0.0, reason: "name-none", ad: ad.facts.names.first?.value, poster: poster.givenName)
        for adName in ad.facts.names.map(\.value) {
            let a = fold(adName)
            for (index, posterName) in posterNames(poster).enumerated() {
                let p = fold(posterName)
                let candidate: (Double, String)
                if a == p { candidate = (1.0, index == 0 ? "name-same" : "name-alias") }
                else if !Nicknames.shipped.groups(of: a).isDisjoint(with: Nicknames.shipped.groups(of: p)) { candidate = (0.8, "name-nickname") }
                else if soundex(a) == soundex(p) || (min(a.count, p.count) >= 5 && editDistance(a, p) <= 1) { candidate = (0.6, "name-sounds-like") }
                else { continue }
                if candidate.0 > best.score { best = (candidate.0, candidate.1, adName, posterName) }
            }
        }
        return MatchComponent(kind: .name, score: best.score, weight: weights[.name]!, adValue: best.ad, posterValue: best.poster, reason: best.reason)
    }

    static func age(_ poster: MissingPoster, _ ad: AdForMatching, today: Date) -> MatchComponent {
        let day = ad.postedAt ?? today
        let actual = poster.age(on: day)
        let stated = ad.facts.ages.compactMap { Int($0.value) }
        guard let actual, !stated.isEmpty else {
            return MatchComponent(kind: .age, score: 0, weight: weights[.age]!, adValue: stated.first.map(String.init),
                                  posterValue: actual.map(String.init), reason: "age-not-stated")
        }
        // Ads state an older age far more often than a younger one: a minor is advertised as 18–21.
        func score(_ claim: Int) -> (Double, String) {
            switch claim - actual {
            case 0...4: return (1.0, "age-consistent")
            case -1: return (0.8, "age-consistent")
            case 5...6: return (0.5, "age-inflated")
            case -2: return (0.4, "age-younger")
            default: return (0, "age-inconsistent")
            }
        }
        let best = stated.map { ($0, score($0)) }.max { $0.1.0 < $1.1.0 }!
        return MatchComponent(kind: .age, score: best.1.0, weight: weights[.age]!, adValue: String(best.0), posterValue: String(actual), reason: best.1.1)
    }

    static func place(_ poster: MissingPoster, _ ad: AdForMatching) -> MatchComponent {
        var places = ad.facts.places.map(\.value)
        if let location = ad.location { places += Gazetteer.shipped.places(in: AdText.tokens(location)).map(\.value) }
        let posterPlace = [poster.city, poster.state].compactMap { $0 }.joined(separator: ", ")
        guard let state = poster.state, !places.isEmpty else {
            return MatchComponent(kind: .place, score: 0, weight: weights[.place]!, adValue: places.first, posterValue: posterPlace, reason: "place-unknown")
        }
        var best = (score: 0.1, reason: "place-far", value: places[0])
        for place in places {
            let parts = place.components(separatedBy: ", ")
            let adState = parts.last ?? place, adCity = parts.count == 2 ? parts[0] : nil
            let candidate: (Double, String)
            if adState == state, let adCity, let city = poster.city, fold(adCity) == fold(city) { candidate = (1.0, "place-same-city") }
            else if adState == state { candidate = (0.7, "place-same-state") }
            else if let a = ZIPCentroids.bundled.stateCentres[adState], let b = ZIPCentroids.bundled.stateCentres[state] {
                let km = Geo.kilometres(a, b)
                candidate = km <= 800 ? (0.4, "place-nearby-state") : km <= 2000 ? (0.2, "place-on-circuit") : (0.1, "place-far")
            } else { continue }
            if candidate.0 > best.score { best = (candidate.0, candidate.1, place) }
        }
        return MatchComponent(kind: .place, score: best.score, weight: weights[.place]!, adValue: best.value, posterValue: posterPlace, reason: best.reason)
    }

    static func time(_ poster: MissingPoster, _ ad: AdForMatching) -> MatchComponent {
        let missing = dayString(poster.missingSince)
        guard let posted = ad.postedAt else {
            return MatchComponent(kind: .time, score: 0.5, weight: weights[.time]!, adValue: nil, posterValue: missing, reason: "time-unknown")
        }
        let years = posted.timeIntervalSince(poster.missingSince) / (365.25 * 86_400)
        let (score, reason): (Double, String) = years < 0 ? (0, "time-before-missing") : years <= 3 ? (1, "time-after-missing") : (0.5, "time-long-after")
        return MatchComponent(kind: .time, score: score, weight: weights[.time]!, adValue: dayString(posted), posterValue: missing, reason: reason)
    }

    static func description(_ poster: MissingPoster, _ ad: AdForMatching) -> MatchComponent {
        let words = Set(ad.tokens.filter { $0.kind == .word }.map(\.text))
        // A tattoo's or mark's own words ("Angel", "rose", "Mateo") — the strongest identity detail.
        for mark in poster.marks {
            let distinctive = AdText.tokens(mark).filter { $0.kind == .word && $0.text.count >= 4 && !markWords.contains($0.text) }.map(\.text)
            if let shared = distinctive.first(where: words.contains) {
                return MatchComponent(kind: .description, score: 1, weight: weights[.description]!, adValue: shared, posterValue: mark, reason: "mark")
            }
        }
        var score = 0.0
        var matched: [String] = []
        if let eyes = poster.eyes.map(fold), words.contains(eyes), words.contains("eyes") || words.contains("ojos") { score += 0.3; matched.append(eyes + " eyes") }
        if let hair = poster.hair.map(fold), let synonyms = hairWords[hair], !synonyms.isDisjoint(with: words) { score += 0.2; matched.append(hair + " hair") }
        if let height = poster.heightCm, let stated = statedHeight(ad.tokens), abs(stated - height) <= 5 { score += 0.3; matched.append("\(stated) cm") }
        if let weight = poster.weightKg, let stated = statedWeight(ad.tokens), abs(stated - weight) * 10 <= weight { score += 0.2; matched.append("\(stated) kg") }
        let posterValue = [poster.hair.map { "hair " + $0 }, poster.eyes.map { "eyes " + $0 }, poster.heightCm.map { "\($0) cm" }, poster.weightKg.map { "\($0) kg" }]
            .compactMap { $0 }.joined(separator: ", ")
        return MatchComponent(kind: .description, score: min(score, 0.8), weight: weights[.description]!,
                              adValue: matched.isEmpty ? nil : matched.joined(separator: ", "), posterValue: posterValue.isEmpty ? nil : posterValue,
                              reason: matched.isEmpty ? "description-none" : "description-some")
    }

    /// "5'4", "5 ft 4", "164 cm" → centimetres.
    static func statedHeight(_ tokens: [AdToken]) -> Int? {
        for (index, token) in tokens.enumerated() where token.kind == .number {
            guard let value = Int(token.text) else { continue }
            let next = tokens[safe: index + 1]
            if (4...6).contains(value), let next, next.text == "'" || next.text == "ft" || next.text == "’" {
                let inches = tokens[safe: index + 2].flatMap { $0.kind == .number ? Int($0.text) : nil } ?? 0
                guard inches < 12 else { continue }
                return Int((Double(value * 12 + inches) * 2.54).rounded())
            }
            if (140...200).contains(value), next?.text == "cm" { return value }
        }
        return nil
    }

    /// "120 lbs", "55 kg" → kilograms.
    static func statedWeight(_ tokens: [AdToken]) -> Int? {
        for (index, token) in tokens.enumerated() where token.kind == .number {
            guard let value = Int(token.text), let next = tokens[safe: index + 1] else { continue }
            if ["lbs", "lb", "pounds"].contains(next.text), (70...400).contains(value) { return Int((Double(value) * 0.4536).rounded()) }
            if ["kg", "kilos"].contains(next.text), (30...180).contains(value) { return value }
        }
        return nil
    }

    static let markWords: Set<String> = ["tattoo", "tattoos", "left", "right", "wrist", "arm", "arms", "ankle", "back", "neck", "chest",
                                         "shoulder", "lower", "upper", "hand", "finger", "scar", "scars", "mark", "birthmark", "piercing",
                                         "reads", "says", "with", "word", "name", "tatuaje", "izquierda", "derecha"]
    static let hairWords: [String: Set<String>] = [
        "blonde": ["blonde", "blond", "rubia"], "blond": ["blonde", "blond", "rubia"], "brown": ["brunette", "brown", "morena", "castano"],
        "black": ["black", "raven", "negro", "morena"], "red": ["red", "redhead", "ginger", "pelirroja", "auburn"], "auburn": ["auburn", "red", "redhead"],
    ]

    // MARK: Names

    static func fold(_ text: String) -> String {
        AdText.tokens(text).filter { $0.kind == .word }.map(\.text).joined()
    }

    /// American Soundex (the National Archives' rules): the first letter, then up to three digits for
    /// the consonant groups, vowels separating repeats, H and W not.
    public static func soundex(_ word: String) -> String {
        let letters = Array(word.lowercased().unicodeScalars.filter { $0.value >= 97 && $0.value <= 122 })
        guard let first = letters.first else { return "" }
        func code(_ scalar: Unicode.Scalar) -> Character? {
            switch scalar {
            case "b", "f", "p", "v": "1"
            case "c", "g", "j", "k", "q", "s", "x", "z": "2"
            case "d", "t": "3"
            case "l": "4"
            case "m", "n": "5"
            case "r": "6"
            default: nil
            }
        }
        var result = String(Character(first)).uppercased()
        var previous = code(first)
        for scalar in letters.dropFirst() {
            let current = code(scalar)
            if let current, current != previous { result.append(current) }
            if scalar != "h", scalar != "w" { previous = current }
            if result.count == 4 { break }
        }
        return result.padding(toLength: 4, withPad: "0", startingAt: 0)
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }

    static func dayString(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }
}

/// Given names and their short forms (`Resources/ads/nicknames.json`).
public struct Nicknames: Sendable {
    let groupsByName: [String: Set<Int>]

    public static var shipped: Nicknames { loaded.loadedValue }

    public static let loaded: Result<Nicknames, BundledResourceError> = BundledResources.load("ads/nicknames.json") { data in
        struct File: Decodable { let groups: [[String]] }
        var groupsByName: [String: Set<Int>] = [:]
        for (index, group) in try JSONDecoder().decode(File.self, from: data).groups.enumerated() {
            for name in group { groupsByName[name, default: []].insert(index) }
        }
        return Nicknames(groupsByName: groupsByName)
    }

    public func groups(of name: String) -> Set<Int> { groupsByName[name] ?? [] }
}
