/// Stated ages, prices, post ids and names: short patterns around a number or a cue word.
public enum DetailFinder {
    // MARK: Ages

    /// "22 yrs", "22yo", "22 y/o", "age: 22", "I'm 22", "tengo 20 años". Ages 12–79; a number that is
    /// a price ("I'm 200 an hour") is not an age.
    public static func ages(in tokens: [AdToken]) -> [FoundValue] {
        var found: [FoundValue] = []
        for (index, token) in tokens.enumerated() where token.kind == .number {
            guard token.text.utf8.count == 2, let age = Int(token.text), (12...79).contains(age) else { continue }
            let after = words(tokens, after: index, count: 2)
            let before = words(tokens, before: index, count: 2)
            var end = token.end
            var stated = false
            if let unit = after.first, ageUnits.contains(unit.text) {
                stated = true
                end = unit.end
            } else if after.count == 2, after[0].text == "y", after[1].text == "o" {
                stated = true
                end = after[1].end
            } else if let cue = before.last, ["age", "aged", "edad"].contains(cue.text) {
                stated = true
            } else if let cue = before.last, ["im", "soy", "tengo"].contains(cue.text) || (cue.text == "am" && before.first?.text == "i") {
                stated = !(after.first.map { priceUnits[$0.text] != nil || $0.text == "hr" } ?? false)
            }
            if stated { found.append(FoundValue(value: String(age), start: token.start, end: end)) }
        }
        return found
    }

    static let ageUnits: Set<String> = ["yo", "yrs", "yr", "years", "year", "anos", "ano", "yoa"]

    /// Up to `count` word tokens right after `index`, skipping punctuation, stopping at another number.
    private static func words(_ tokens: [AdToken], after index: Int, count: Int) -> [AdToken] {
        var result: [AdToken] = []
        var next = index + 1
        while next < tokens.count, result.count < count, next - index <= count + 2 {
            let token = tokens[next]
            if token.kind == .number { break }
            if token.kind == .word { result.append(token) }
            next += 1
        }
        return result
    }

    private static func words(_ tokens: [AdToken], before index: Int, count: Int) -> [AdToken] {
        var result: [AdToken] = []
        var back = index - 1
        while back >= 0, result.count < count, index - back <= count + 2 {
            let token = tokens[back]
            if token.kind == .number { break }
            if token.kind == .word { result.insert(token, at: 0) }
            back -= 1
        }
        // "I'm" folds to i ' m: glue it back.
        if result.count == 2, result[0].text == "i", result[1].text == "m" {
            return [AdToken(kind: .word, text: "im", start: result[0].start, end: result[1].end, spaceBefore: true, capitalized: false, disguised: false)]
        }
        return result
    }

    // MARK: Prices

    /// "$150", "150$", "150 roses", "150🌹", "150/hr", "hh 100", "qv: 80". Amounts 20–10,000.
    public static func prices(in tokens: [AdToken]) -> [FoundPrice] {
        var found: [FoundPrice] = []
        for (index, token) in tokens.enumerated() where token.kind == .number {
            guard token.text.utf8.count <= 5, let amount = Int(token.text), (20...10_000).contains(amount) else { continue }
            let previous = index > 0 ? tokens[index - 1] : nil
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            var money = previous.map { currency.contains($0.text) } ?? false
            var start = money ? previous!.start : token.start
            var end = token.end
            var unit: String? = nil
            if let next, currency.contains(next.text) || ["roses", "rose", "usd", "dollars", "dls", "donation", "donations", "🌹"].contains(next.text) {
                money = true
                end = next.end
            }
            // A unit after the amount ("150/hr", "150 hh") or just before it ("hh 100", "qv: 80").
            var lookahead = index + 1
            while lookahead < tokens.count, lookahead <= index + 4 {
                let candidate = tokens[lookahead]
                if let known = priceUnits[candidate.text] { unit = known; end = candidate.end; break }
                if candidate.kind == .number || (candidate.kind == .word && !["roses", "rose", "usd", "dollars", "per", "a", "an", "the", "for", "1", "dls"].contains(candidate.text)) { break }
                lookahead += 1
            }
            if unit == nil {
                var back = index - 1
                while back >= 0, back >= index - 3 {
                    let candidate = tokens[back]
                    if let known = priceUnits[candidate.text], ["qv", "hh", "h", "hr", "overnight", "ovn"].contains(candidate.text) {
                        unit = known; start = candidate.start; break
                    }
                    if candidate.kind != .symbol, !currency.contains(candidate.text) { break }
                    back -= 1
                }
            }
            guard money || unit != nil else { continue }
            found.append(FoundPrice(amount: amount, unit: unit, start: start, end: end))
        }
        return found
    }

    static let currency: Set<String> = ["$", "€", "£", "usd"]
    static let priceUnits: [String: String] = [
        "qv": "qv", "qk": "qv", "quick": "qv", "hh": "hh", "half": "hh", "h": "h", "hr": "h", "hour": "h", "hora": "h",
        "overnight": "overnight", "ovn": "overnight", "night": "overnight", "min": "min", "mins": "min",
    ]

    // MARK: Post ids

    /// "Post ID: 88231", "ad #4471", "ref A77K2", "listing no. 2231": at least four characters, one a digit.
    public static func postIds(in tokens: [AdToken]) -> [FoundValue] {
        var found: [FoundValue] = []
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            let token = tokens[index]
            guard token.kind == .word, ["post", "ad", "listing", "ref", "reference", "id"].contains(token.text) else { continue }
            var next = index + 1
            var marked = false
            while next < tokens.count, next <= index + 3, [":", "#", ".", "-"].contains(tokens[next].text) || ["id", "no", "number", "num"].contains(tokens[next].text) {
                marked = true
                next += 1
            }
            guard next < tokens.count, marked || token.text == "ref", tokens[next].kind != .symbol else { continue }
            var value = ""
            var last = next
            var cursor = next
            while cursor < tokens.count, cursor == next || !tokens[cursor].spaceBefore, tokens[cursor].kind != .symbol || tokens[cursor].text == "-" {
                value += tokens[cursor].text
                last = cursor
                cursor += 1
            }
            guard value.utf8.count >= 4, value.utf8.count <= 24, value.utf8.contains(where: { $0 >= 48 && $0 <= 57 }) else { continue }
            found.append(FoundValue(value: value, start: token.start, end: tokens[last].end))
            index = last
        }
        return found
    }

    // MARK: Names

    /// "my name is Jade", "name: Jade", "I'm Jade", "call me Jade", "ask for Jade", "aka Coco",
    /// "me llamo Jade". The name must be capitalized (unless the whole ad shouts in capitals) and not a
    /// common word ("I'm new", "I'm available").
    public static func names(in tokens: [AdToken]) -> [FoundValue] {
        let words = tokens.filter { $0.kind == .word }
        let shouting = words.count >= 4 && words.filter(\.capitalized).count * 10 >= words.count * 8
        var found: [FoundValue] = []
        for (index, token) in tokens.enumerated() where token.kind == .word {
            guard let cue = cueLength(tokens, endingAt: index) else { continue }
            var next = index + 1
            while next < tokens.count, [":", "-", "'", "\""].contains(tokens[next].text) { next += 1 }
            guard next < tokens.count, cue > 0 else { continue }
            let candidate = tokens[next]
            guard candidate.kind == .word, candidate.capitalized || shouting, (2...15).contains(candidate.text.utf8.count),
                  !notNames.contains(candidate.text) else { continue }
            if candidate.text.count == 1 { continue }
            let name = candidate.text.prefix(1).uppercased() + candidate.text.dropFirst()
            if !found.contains(where: { $0.value == name }) {
                found.append(FoundValue(value: name, start: candidate.start, end: candidate.end))
            }
        }
        return found
    }

    /// How many tokens of a name cue end at `index` (0 when none does).
    private static func cueLength(_ tokens: [AdToken], endingAt index: Int) -> Int? {
        func text(_ offset: Int) -> String? { index - offset >= 0 ? tokens[index - offset].text : nil }
        switch tokens[index].text {
        case "is" where text(1) == "name": return 2
        case "name" where tokens.count > index + 1 && tokens[index + 1].text == ":": return 1
        case "m" where text(1) == "'" && text(2) == "i": return 3
        case "im", "aka", "soy": return 1
        case "am" where text(1) == "i": return 2
        case "me" where text(1) == "call": return 2
        case "for" where text(1) == "ask": return 2
        case "llamo" where text(1) == "me": return 2
        case "s" where text(1) == "'" && text(2) == "it": return 3
        default: return nil
        }
    }

    /// Words that follow "I'm" or "call me" in ads and are not names.
    static let notNames: Set<String> = [
        "new", "back", "here", "available", "ready", "sweet", "sexy", "your", "the", "a", "an", "real", "young",
        "independent", "petite", "very", "so", "in", "at", "on", "out", "now", "today", "tonight", "only", "just",
        "not", "visiting", "waiting", "looking", "down", "open", "free", "clean", "discreet", "friendly", "fun",
        "classy", "busty", "thick", "curvy", "slim", "hot", "latina", "asian", "ebony", "blonde", "brunette",
        "baby", "babe", "daddy", "anytime", "asap", "when", "if", "for", "and", "to", "me", "you", "100",
        "nueva", "disponible", "tu", "una", "la", "el", "muy", "here's", "sure", "honest", "legit", "from",
    ]
}
