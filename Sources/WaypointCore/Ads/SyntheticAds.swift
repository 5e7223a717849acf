import Foundation

/// A seeded generator (SplitMix64): the same seed gives the same corpus on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return AdSketch.mix(state &- 0x9E37_79B9_7F4A_7C15)
    }
}

/// One synthetic ad with the truth about it.
public struct SyntheticAd: Sendable {
    public let id: String
    public let text: String
    public let postedAt: Date
    public let location: String
    /// The family the ad was written from, or nil for an ad that stands alone.
    public let family: Int?
    /// The phone numbers written into the ad, in E.164, and whether each was written obscured.
    public let phones: [(e164: String, obscured: Bool)]
}

/// Invented ad families for tests and the benchmark — nothing here is from a real ad. Follows the
/// research's design (§8): families of ads written from one template of 4–8 sentences, with slots
/// (name, city, age, price, day, phone) filled per ad and random word edits at a set rate; sentences
/// from a shared pool of boilerplate, as real ads share it; phones fixed for half the families,
/// rotated among two or three for some, new on every ad for the rest, and written obscured on a share
/// of ads; handles on some families; an agency number put on one ad of several unrelated families (a
/// trap for chaining); and ads that stand alone. Phones use real area codes with 555-01xx, which
/// NANPA sets aside for fiction.
public struct SyntheticAdCorpus: Sendable {
    public var count = 1000
    public var templatedShare = 0.6
    public var familySize = 8...40
    /// The chance that each word of an ad is deleted, replaced or has a word inserted after it.
    public var editRate = 0.02
    public var obscuredPhoneShare = 0.15
    public var seed: UInt64 = 1

    public init(count: Int = 1000, editRate: Double = 0.02, seed: UInt64 = 1) {
        self.count = count
        self.editRate = editRate
        self.seed = seed
    }

    struct Family {
        let id: Int
        let sentences: [[String]]
        let phones: [String]
        let rotate: Bool
        let handle: String?
        let cities: [String]
        let names: [String]
        let age: Int
    }

    public func generate() -> [SyntheticAd] {
        var random = SeededRandom(seed: seed)
        var ads: [SyntheticAd] = []
        ads.reserveCapacity(count)
        let epoch = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        var familyId = 0
        var templated = Int(Double(count) * templatedShare)
        var agencyFamiliesLeft = 0
        var agencyPhone = ""
        var phones = PhoneSequence(seed: seed)
        while templated > 0 {
            let size = min(templated, Int.random(in: familySize, using: &random))
            let family = makeFamily(familyId, &random, &phones)
            if agencyFamiliesLeft == 0, Double.random(in: 0..<1, using: &random) < 0.1 {
                agencyFamiliesLeft = 3
                agencyPhone = phones.next()
            }
            let agencyAd = agencyFamiliesLeft > 0 ? Int.random(in: 0..<size, using: &random) : -1
            if agencyFamiliesLeft > 0 { agencyFamiliesLeft -= 1 }
            let start = Double.random(in: 0..<(300 * 86_400), using: &random)
            for index in 0..<size {
                var numbers = family.rotate ? [family.phones[index % family.phones.count]]
                    : (family.phones.isEmpty ? [phones.next()] : family.phones)
                if index == agencyAd { numbers = [agencyPhone] }
                let city = family.cities[index * family.cities.count / size]
                let (text, written) = write(family.sentences, name: family.names[index % family.names.count], city: city,
                                            age: family.age, phones: numbers, handle: family.handle, &random)
                ads.append(SyntheticAd(id: "", text: text, postedAt: epoch.addingTimeInterval(start + Double(index) * 43_200),
                                       location: city, family: familyId, phones: written))
            }
            templated -= size
            familyId += 1
        }
        while ads.count < count {
            let loner = makeFamily(-1, &random, &phones)
            let city = loner.cities[0]
            let (text, written) = write(loner.sentences, name: loner.names[0], city: city, age: loner.age,
                                        phones: [phones.next()], handle: nil, &random)
            ads.append(SyntheticAd(id: "", text: text, postedAt: epoch.addingTimeInterval(Double.random(in: 0..<(300 * 86_400), using: &random)),
                                   location: city, family: nil, phones: written))
        }
        ads.shuffle(using: &random)
        return ads.enumerated().map { index, ad in
            SyntheticAd(id: "ad-\(index + 1)", text: ad.text, postedAt: ad.postedAt, location: ad.location, family: ad.family, phones: ad.phones)
        }
    }

    private func makeFamily(_ id: Int, _ random: inout SeededRandom, _ phones: inout PhoneSequence) -> Family {
        let own = Int.random(in: 2...5, using: &random)
        let shared = Int.random(in: 1...3, using: &random)
        var sentences: [[String]] = []
        for _ in 0..<own {
            let length = Int.random(in: 6...11, using: &random)
            sentences.append((0..<length).map { _ in Self.vocabulary.randomElement(using: &random)! })
        }
        for _ in 0..<shared { sentences.append(Self.boilerplate.randomElement(using: &random)!.split(separator: " ").map(String.init)) }
        sentences.shuffle(using: &random)
        let roll = Double.random(in: 0..<1, using: &random)
        let numbers: [String]
        if roll < 0.5 { numbers = [phones.next()] }
        else if roll < 0.7 { numbers = (0..<Int.random(in: 2...3, using: &random)).map { _ in phones.next() } }
        else { numbers = [] }
        // Unique to the family: two people do not pick the same account by chance.
        let handle = id >= 0 && Double.random(in: 0..<1, using: &random) < 0.3
            ? Self.names.randomElement(using: &random)!.lowercased() + "_" + String(id, radix: 36) + String(Int.random(in: 10...99, using: &random)) : nil
        let circuit = (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.cities.randomElement(using: &random)! }
        let names = (0..<Int.random(in: 1...2, using: &random)).map { _ in Self.names.randomElement(using: &random)! }
        return Family(id: id, sentences: sentences, phones: numbers, rotate: numbers.count > 1, handle: handle,
                      cities: circuit, names: names, age: Int.random(in: 19...29, using: &random))
    }

    private func write(_ sentences: [[String]], name: String, city: String, age: Int, phones: [String], handle: String?,
                       _ random: inout SeededRandom) -> (String, [(e164: String, obscured: Bool)]) {
        var parts: [String] = []
        for sentence in sentences {
            var words: [String] = []
            for word in sentence {
                let roll = Double.random(in: 0..<1, using: &random)
                if roll < editRate / 3 { continue }
                words.append(roll < editRate * 2 / 3 ? Self.vocabulary.randomElement(using: &random)! : word)
                if roll >= editRate * 2 / 3, roll < editRate { words.append(Self.vocabulary.randomElement(using: &random)!) }
            }
            parts.append(words.joined(separator: " ").capitalizedFirst + ".")
        }
        let slots = [
            "Hi I'm \(name), \(age) yrs.", "Now in \(city).",
            "\(Int.random(in: 8...30, using: &random) * 10) roses hh.", "Available \(Self.days.randomElement(using: &random)!).",
        ]
        parts.insert(slots[0], at: 0)
        for slot in slots.dropFirst() { parts.insert(slot, at: Int.random(in: 1...parts.count, using: &random)) }
        var written: [(String, Bool)] = []
        for phone in phones {
            let obscured = Double.random(in: 0..<1, using: &random) < obscuredPhoneShare
            parts.append("Call " + (obscured ? Self.obscure(phone, &random) : Self.plain(phone, &random)))
            written.append((phone, obscured))
        }
        if let handle { parts.append("IG: \(handle)") }
        return (parts.joined(separator: " "), written)
    }

    /// Distinct numbers, never drawn twice (two people do not share a number by chance): the 555
    /// exchange under every US area code, 555-01xx first. Numbers in 555 are not given to
    /// subscribers (555-1212 and 555-4334 are services and skipped).
    struct PhoneSequence {
        private var position: Int
        private let areaCodes: [Int]

        init(seed: UInt64) {
            let codes = NANPAreaCodes.shipped
            areaCodes = codes.regions.filter { $0.value == "US" && codes.contains(area: $0.key, exchange: 555) }.map(\.key).sorted()
            position = Int(seed % 1000)
        }

        mutating func next() -> String {
            while true {
                // Step through all (area code, line) pairs in a scrambled order: 1,000,003 is prime,
                // so the multiplication is a permutation of the space.
                let size = areaCodes.count * 10_000
                let slot = (position * 1_000_003) % size
                position += 1
                let line = (slot / areaCodes.count + 100) % 10_000
                guard line != 1212, line != 4334 else { continue }
                return "+1\(areaCodes[slot % areaCodes.count])555" + String(format: "%04d", line)
            }
        }
    }

    static func plain(_ e164: String, _ random: inout SeededRandom) -> String {
        let d = Array(e164.dropFirst(2))
        let (a, b, c) = (String(d[0..<3]), String(d[3..<6]), String(d[6..<10]))
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return "\(a)-\(b)-\(c)"
        case 1: return "(\(a)) \(b)-\(c)"
        case 2: return "\(a).\(b).\(c)"
        default: return a + b + c
        }
    }

    /// The tricks ads use: spelled digits, mixed forms, keycap emoji, full-width digits, letters for digits.
    static func obscure(_ e164: String, _ random: inout SeededRandom) -> String {
        let digits = e164.dropFirst(2).map { Int(String($0))! }
        let words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        switch Int.random(in: 0..<5, using: &random) {
        case 0: return digits.map { words[$0] }.joined(separator: " ")
        case 1: return digits.enumerated().map { $0.offset % 3 == 1 ? words[$0.element] : String($0.element) }.joined()
        case 2: return digits.map { String($0) + "\u{FE0F}\u{20E3}" }.joined()
        case 3: return String(String.UnicodeScalarView(digits.map { Unicode.Scalar(0xFF10 + UInt32($0))! }))
        default: return digits.map { $0 == 0 ? "O" : String($0) }.joined(separator: " ")
        }
    }

    static let days = ["today", "tonight", "this weekend", "all week", "Monday to Friday", "late nights"]
    static let names = ["Jade", "Coco", "Amber", "Crystal", "Honey", "Star", "Mia", "Luna", "Ruby", "Skye", "Nina", "Bella", "Diamond", "Kiki", "Lola", "Roxy", "Sasha", "Tia", "Vicky", "Zoe"]
    static let cities = ["Houston", "Dallas", "Atlanta", "Miami", "Las Vegas", "Chicago", "Phoenix", "Denver", "Seattle", "Memphis", "New Orleans", "Nashville", "Tampa", "Orlando, FL", "San Diego", "Oakland"]
    static let boilerplate = [
        "call or text anytime", "no explicit talk please", "serious gentlemen only", "incall and outcall available",
        "text me for details", "no blocked calls", "be respectful and on time", "screening required for first time",
        "clean and discreet", "let me make your day better", "ask about specials", "available for dinner dates",
        "no law enforcement", "come relax with me", "sweet and friendly personality", "satisfaction is my priority",
    ]
    static let vocabulary: [String] = """
    sunny evening gentle warm smile laugh travel music dance coffee ocean garden quiet city bright soft sweet \
    charming classy elegant playful calm relaxing unique special lovely fresh open honest easy friendly simple \
    cozy private downtown uptown hotel suite lounge beach river park view window candle silk velvet rose \
    moment weekend morning night hour visit meet enjoy share bring spend choose treat remember imagine discover \
    together always never really truly simply perfectly completely gently slowly quickly warmly kindly \
    adventure company conversation memory pleasure comfort style taste touch spirit heart mind soul dream \
    wonderful amazing beautiful gorgeous stunning natural curvy petite tall slim athletic blonde brunette \
    golden silver crystal velvet midnight summer winter spring autumn island mountain valley sunset sunrise
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// How close a clustering is to the truth: pairs of ads put together (precision and recall over
/// pairs) and the adjusted Rand index (Hubert & Arabie 1985). An ad alone (nil) is its own cluster.
public struct ClusterQuality: Sendable, Equatable {
    public let precision: Double
    public let recall: Double
    public let adjustedRandIndex: Double

    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

    public init(predicted: [Int?], truth: [Int?]) {
        precondition(predicted.count == truth.count)
        func label(_ value: Int?, _ index: Int) -> Int { value.map { $0 } ?? -(index + 1) }
        var joint: [Int64: Int] = [:], rows: [Int: Int] = [:], columns: [Int: Int] = [:]
        for index in predicted.indices {
            let p = label(predicted[index], index), t = label(truth[index], index)
            joint[Int64(p) << 32 ^ Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: t))), default: 0] += 1
            rows[p, default: 0] += 1
            columns[t, default: 0] += 1
        }
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        let together = joint.values.reduce(0) { $0 + pairs($1) }
        let predictedPairs = rows.values.reduce(0) { $0 + pairs($1) }
        let truePairs = columns.values.reduce(0) { $0 + pairs($1) }
        precision = predictedPairs == 0 ? 1 : together / predictedPairs
        recall = truePairs == 0 ? 1 : together / truePairs
        let expected = predictedPairs * truePairs / pairs(predicted.count)
        let maximum = (predictedPairs + truePairs) / 2
        adjustedRandIndex = maximum == expected ? 1 : (together - expected) / (maximum - expected)
    }
}
