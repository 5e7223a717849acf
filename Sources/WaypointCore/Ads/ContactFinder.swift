/// E-mail addresses and social-media handles, written plainly or spelled out to dodge scrapers
/// ("jade at gmail dot com", "jade[at]gmail(dot)com", "IG: jade.x", "snap - jadex").
public enum ContactFinder {
    public static func emails(in tokens: [AdToken]) -> [FoundValue] {
        var found: [FoundValue] = []
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            guard let (atStart, atEnd, spelled) = atSign(tokens, index), atStart > 0 else { continue }
            let local = joined(tokens, endingBefore: atStart, allowing: ["." , "_", "-", "+"])
            guard let local, !local.text.isEmpty, local.text.utf8.count <= 64 else { continue }
            guard let domain = domain(tokens, from: atEnd + 1, spelled: spelled) else { continue }
            found.append(FoundValue(value: local.text + "@" + domain.text, start: tokens[local.first].start, end: tokens[domain.last].end))
            index = domain.last
        }
        return found
    }

    /// `@`, or the word "at" (or "arroba") alone or in brackets, when it stands for one.
    private static func atSign(_ tokens: [AdToken], _ index: Int) -> (Int, Int, Bool)? {
        let token = tokens[index]
        if token.text == "@" { return (index, index, false) }
        guard token.kind == .word, token.text == "at" || token.text == "arroba" else { return nil }
        if index > 0, index + 1 < tokens.count, ["(", "[", "{"].contains(tokens[index - 1].text),
           [")", "]", "}"].contains(tokens[index + 1].text) {
            return (index - 1, index + 1, true)
        }
        return (index, index, true)
    }

    private static func domain(_ tokens: [AdToken], from start: Int, spelled: Bool) -> (text: String, last: Int)? {
        var labels: [(text: String, last: Int)] = []
        var index = start
        while index < tokens.count {
            let token = tokens[index]
            guard token.kind == .word || token.kind == .number else { break }
            if !labels.isEmpty, !spelled, token.spaceBefore { break }
            var label = token.text
            var next = index + 1
            while next < tokens.count, !tokens[next].spaceBefore, tokens[next].kind != .symbol || tokens[next].text == "-" {
                label += tokens[next].text
                next += 1
            }
            labels.append((label, next - 1))
            guard let dot = dotAfter(tokens, next, spelled: spelled) else { break }
            index = dot
        }
        // The longest run of labels that ends like a domain: "gmail dot com. Post" ends at "com".
        while labels.count >= 2 {
            let tld = labels.last!.text
            // Spelled-out addresses ("at gmail dot com") are accepted only with a common ending, so
            // that "meet me at the hotel dot" is not read as an address.
            if tld.utf8.count >= 2, tld.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }), !spelled || commonEndings.contains(tld) {
                return (labels.map(\.text).joined(separator: "."), labels.last!.last)
            }
            labels.removeLast()
        }
        return nil
    }

    /// The index after a dot: `.`, the word "dot" or "punto", or "(dot)".
    private static func dotAfter(_ tokens: [AdToken], _ index: Int, spelled: Bool) -> Int? {
        guard index < tokens.count else { return nil }
        let token = tokens[index]
        if token.text == ".", !token.spaceBefore || spelled, index + 1 < tokens.count, tokens[index + 1].kind != .symbol {
            return (!tokens[index + 1].spaceBefore || spelled) ? index + 1 : nil
        }
        guard spelled else { return nil }
        if token.kind == .word, token.text == "dot" || token.text == "punto" { return index + 1 }
        if ["(", "[", "{"].contains(token.text), index + 2 < tokens.count,
           tokens[index + 1].text == "dot" || tokens[index + 1].text == ".", [")", "]", "}"].contains(tokens[index + 2].text) {
            return index + 3
        }
        return nil
    }

    static let commonEndings: Set<String> = ["com", "net", "org", "edu", "gov", "io", "co", "me", "us", "mx", "ca", "info", "biz"]

    /// The word tokens touching each other (no space) that end just before `end`, with the given
    /// symbols allowed between them.
    private static func joined(_ tokens: [AdToken], endingBefore end: Int, allowing symbols: Set<String>) -> (text: String, first: Int)? {
        var first = end
        while first > 0 {
            let token = tokens[first - 1]
            let allowed = token.kind != .symbol || symbols.contains(token.text)
            guard allowed else { break }
            first -= 1
            if token.spaceBefore { break }
        }
        guard first < end, tokens[first].kind != .symbol else { return nil }
        return (tokens[first..<end].map(\.text).joined(), first)
    }

    public static func handles(in tokens: [AdToken], emails: [FoundValue]) -> [FoundHandle] {
        var found: [FoundHandle] = []
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            let token = tokens[index]
            // @name, not inside an e-mail address.
            if token.text == "@", index + 1 < tokens.count, !tokens[index + 1].spaceBefore, tokens[index + 1].kind != .symbol,
               token.spaceBefore || index == 0 || tokens[index - 1].kind == .symbol,
               !emails.contains(where: { $0.start <= token.start && token.start < $0.end }) {
                let (name, last) = handleName(tokens, from: index + 1)
                guard name.utf8.count >= 2 else { continue }
                found.append(FoundHandle(platform: platform(before: index, in: tokens), handle: name, start: token.start, end: tokens[last].end))
                index = last
                continue
            }
            // "snap: jadex", "IG - jade.x", "kik me jadex", "onlyfans.com/jadex".
            guard token.kind == .word, let platform = platforms[token.text] else { continue }
            var next = index + 1
            if next + 2 < tokens.count, tokens[next].text == ".", tokens[next + 1].text == "com" || tokens[next + 1].text == "me", tokens[next + 2].text == "/" {
                next += 3
            } else {
                while next < tokens.count, [":", "-", "–", "=", ">"].contains(tokens[next].text) || ["me", "is", "id"].contains(tokens[next].text) { next += 1 }
            }
            guard next < tokens.count, next > index + 1 || tokens[next].spaceBefore else { continue }
            // "of" and "sc" are also ordinary words: an account follows them only after a colon or dash.
            let marked = (index + 1..<next).contains { [":", "-", "–", "=", ">", "/"].contains(tokens[$0].text) }
            if ambiguous.contains(token.text), !marked { continue }
            if tokens[next].text == "@" { continue }
            guard tokens[next].kind != .symbol, !stopWords.contains(tokens[next].text) else { continue }
            let (name, last) = handleName(tokens, from: next)
            guard name.utf8.count >= 3 else { continue }
            found.append(FoundHandle(platform: platform, handle: name, start: token.start, end: tokens[last].end))
            index = last
        }
        var seen = Set<String>()
        return found.filter { seen.insert(($0.platform ?? "") + ":" + $0.handle).inserted }
    }

    private static func handleName(_ tokens: [AdToken], from start: Int) -> (String, Int) {
        var name = tokens[start].text
        var last = start
        var next = start + 1
        while next < tokens.count, !tokens[next].spaceBefore, name.utf8.count <= 30 {
            let token = tokens[next]
            if token.kind == .symbol {
                guard token.text == "_" || token.text == ".", next + 1 < tokens.count, !tokens[next + 1].spaceBefore,
                      tokens[next + 1].kind != .symbol else { break }
            }
            name += token.text
            last = next
            next += 1
        }
        return (name, last)
    }

    private static func platform(before index: Int, in tokens: [AdToken]) -> String? {
        for back in stride(from: index - 1, through: max(0, index - 3), by: -1) where tokens[back].kind == .word {
            if let platform = platforms[tokens[back].text] { return platform }
        }
        return nil
    }

    static let platforms: [String: String] = [
        "ig": "instagram", "insta": "instagram", "instagram": "instagram", "snap": "snapchat", "sc": "snapchat",
        "snapchat": "snapchat", "kik": "kik", "twitter": "twitter", "tg": "telegram", "telegram": "telegram",
        "onlyfans": "onlyfans", "of": "onlyfans", "tiktok": "tiktok", "telegra": "telegram", "wickr": "wickr",
    ]

    static let ambiguous: Set<String> = ["of", "sc", "tg"]

    /// Words after a platform's name that are not an account ("of course", "of the").
    static let stopWords: Set<String> = [
        "the", "a", "an", "my", "your", "course", "only", "me", "and", "or", "to", "for", "in", "on", "is", "at",
        "this", "that", "all", "any", "it", "you", "her", "his", "them", "us", "time", "fun", "love",
    ]
}
