import Foundation

/// A phone number found in an ad, in E.164 (`+12125550136`), with the span it was read from.
public struct FoundPhone: Sendable, Equatable, Codable {
    public let e164: String
    public let start: Int
    public let end: Int
    /// Written to dodge a scraper: spelled digits, look-alike letters, styled digits, emoji or other
    /// odd separators between the digits. One of the four language indicators that held up against
    /// case outcomes (Lugo-Graulich et al., JRSA/NIJ 2022).
    public let obscured: Bool
    /// NANP 555-0100…0199: set aside for fiction (and for our synthetic data).
    public let fictional: Bool
    /// Outside North America the number is only checked for a plausible length for its country code.
    public let validated: Bool
}

/// Finds phone numbers in folded ad text, North American numbers first.
///
/// A number is a run of digit-like tokens — digits, spelled digits in English or Spanish ("five",
/// "cinco"), and `o`/`l`/`i` written for 0 and 1 against digits ("5O5") — with anything but letters and
/// money or address signs between them. Inside a run, numbers are read at token boundaries: ten digits
/// (or eleven after a 1) whose area code is in service and whose exchange starts with 2–9, as
/// libphonenumber reads them; after a `+`, a country code and a national number of a possible length.
public enum PhoneFinder {
    public static func find(in tokens: [AdToken]) -> [FoundPhone] {
        var found: [FoundPhone] = []
        var run: [RunPart] = []
        var separatorsSinceDigit = 0
        var oddSeparator = false
        var plusBefore = false
        func close() {
            if !run.isEmpty { read(run, into: &found) }
            run.removeAll(keepingCapacity: true)
        }
        for (index, token) in tokens.enumerated() {
            if let part = digitPart(tokens, index) {
                if run.isEmpty {
                    plusBefore = index > 0 && tokens[index - 1].text == "+" && separatorsSinceDigit <= 1
                }
                run.append(RunPart(digits: part.digits, start: token.start, end: token.end,
                                   obscured: part.obscured || (oddSeparator && !run.isEmpty),
                                   plus: run.isEmpty && plusBefore))
                separatorsSinceDigit = 0
                oddSeparator = false
                continue
            }
            if token.kind == .symbol, let kind = separatorKind(token.text.unicodeScalars.first!) {
                separatorsSinceDigit += 1
                if kind == .odd || separatorsSinceDigit > 2 { oddSeparator = true }
                if separatorsSinceDigit > 4 { close() }
                continue
            }
            close()
            separatorsSinceDigit = token.text == "+" ? 0 : 5
            oddSeparator = false
        }
        close()
        return found
    }

    struct RunPart {
        let digits: [UInt8]
        let start: Int
        let end: Int
        let obscured: Bool
        let plus: Bool
    }

    /// Reads numbers from one run, left to right, at token boundaries.
    static func read(_ run: [RunPart], into found: inout [FoundPhone]) {
        var first = 0
        while first < run.count {
            if let (phone, last) = number(in: run, from: first) {
                found.append(phone)
                first = last + 1
            } else {
                first += 1
            }
        }
    }

    static func number(in run: [RunPart], from first: Int) -> (FoundPhone, Int)? {
        var digits: [UInt8] = []
        var obscured = false
        let groups = run[first].plus ? 6 : 5
        for last in first..<run.count {
            digits += run[last].digits
            obscured = obscured || run[last].obscured
            if digits.count > 15 { return nil }
            let spaced = last - first + 1 > groups
            if run[first].plus {
                if let e164 = international(digits) {
                    let parts = run[first...last]
                    return (phone(e164, parts, obscured: obscured || spaced), last)
                }
            } else if digits.count == 10 || (digits.count == 11 && digits[0] == 1) {
                let national = digits.count == 11 ? Array(digits.dropFirst()) : digits
                if let e164 = northAmerican(national) {
                    return (phone(e164, run[first...last], obscured: obscured || spaced), last)
                }
            }
        }
        return nil
    }

    private static func phone(_ e164: String, _ parts: ArraySlice<RunPart>, obscured: Bool) -> FoundPhone {
        let fictional = e164.hasPrefix("+1") && e164.utf8.count == 12
            && e164.dropFirst(5).hasPrefix("555") && e164.dropFirst(8).hasPrefix("01")
        return FoundPhone(e164: e164, start: parts.first!.start, end: parts.last!.end, obscured: obscured,
                          fictional: fictional, validated: e164.hasPrefix("+1"))
    }

    /// `+1NXXNXXXXXX` when the area code is in service and the exchange starts with 2–9.
    static func northAmerican(_ digits: [UInt8]) -> String? {
        guard digits.count == 10, digits[3] >= 2 else { return nil }
        let area = Int(digits[0]) * 100 + Int(digits[1]) * 10 + Int(digits[2])
        let exchange = Int(digits[3]) * 100 + Int(digits[4]) * 10 + Int(digits[5])
        guard NANPAreaCodes.shipped.contains(area: area, exchange: exchange) else { return nil }
        return "+1" + String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
    }

    static func international(_ digits: [UInt8]) -> String? {
        if digits.first == 1 {
            return digits.count == 11 ? northAmerican(Array(digits.dropFirst())) : nil
        }
        for codeLength in 1...3 where digits.count > codeLength {
            let code = digits.prefix(codeLength).reduce(0) { $0 * 10 + Int($1) }
            if let lengths = nationalLengths[code] {
                return lengths.contains(digits.count - codeLength)
                    ? "+" + String(decoding: digits.map { $0 + 48 }, as: UTF8.self) : nil
            }
        }
        return nil
    }

    /// National number lengths by country code, for the countries whose numbers ads in the Americas
    /// and Europe most often carry (ITU-T E.164 national numbering plans). A number elsewhere is left out.
    static let nationalLengths: [Int: Set<Int>] = [
        7: [10], 20: [10], 27: [9], 30: [10], 31: [9], 32: [8, 9], 33: [9], 34: [9], 36: [8, 9], 39: [9, 10],
        40: [9], 41: [9], 43: [10, 11], 44: [10], 45: [8], 46: [9], 47: [8], 48: [9], 49: [10, 11],
        51: [9], 52: [10], 53: [8], 54: [10], 55: [10, 11], 56: [9], 57: [10], 58: [10], 60: [9, 10],
        61: [9], 62: [10, 11], 63: [10], 64: [9], 65: [8], 66: [8, 9], 81: [10], 82: [9, 10], 84: [9, 10],
        86: [11], 90: [10], 91: [10], 92: [10], 234: [10], 351: [9], 353: [9], 380: [9], 420: [9],
        502: [8], 503: [8], 504: [8], 505: [8], 506: [8], 507: [8], 591: [8], 593: [9], 595: [9], 598: [8],
    ]

    enum SeparatorKind { case plain, odd }

    /// What may stand between the digits of one number. Plain: the marks of ordinary phone formats.
    /// Odd: anything else that is not a letter or digit (emoji, stars, bullets) — the number is then
    /// obscured. Money and address signs end the run.
    static func separatorKind(_ scalar: Unicode.Scalar) -> SeparatorKind? {
        switch scalar {
        case "-", ".", "(", ")", "/", "‐", "‑", "–", "—": return .plain
        case "$", "€", "£", "@", "#", "%", "&", "=", "<", ">", "+", "¢", "¥": return nil
        default: return .odd
        }
    }

    /// The digits a token stands for, when it stands for digits.
    static func digitPart(_ tokens: [AdToken], _ index: Int) -> (digits: [UInt8], obscured: Bool)? {
        let token = tokens[index]
        switch token.kind {
        case .number:
            return (token.text.utf8.map { $0 - 48 }, token.disguised)
        case .symbol:
            return nil
        case .word:
            if let spelled = spelledDigits(token.text) { return (spelled, true) }
            // o, l and i stand for 0 and 1 only against a digit: "5O5", "3l0".
            // An O may also stand alone among digits: "5 5 O 1", "… 3 O O O". (A lone I or l is a word.)
            let before = index > 0 && tokens[index - 1].kind == .number
            let after = index + 1 < tokens.count && tokens[index + 1].kind == .number
            let touchesDigit = (before && !token.spaceBefore) || (after && !tokens[index + 1].spaceBefore)
                || (token.text == "o" && (nearestBeyondOs(tokens, index, step: -1) || nearestBeyondOs(tokens, index, step: 1)))
            guard touchesDigit, token.text.utf8.count <= 4 else { return nil }
            var digits: [UInt8] = []
            for byte in token.text.utf8 {
                switch byte {
                case UInt8(ascii: "o"): digits.append(0)
                case UInt8(ascii: "l"), UInt8(ascii: "i"): digits.append(1)
                default: return nil
                }
            }
            return (digits, true)
        }
    }

    /// Whether the first token past a row of lone O's, in one direction, is a number.
    private static func nearestBeyondOs(_ tokens: [AdToken], _ index: Int, step: Int) -> Bool {
        var next = index + step
        while tokens.indices.contains(next), tokens[next].text == "o" { next += step }
        return tokens.indices.contains(next) && tokens[next].kind == .number
    }

    /// "five", "fivefive", "cinco", "oh" → digits; nil when the word is anything else.
    static func spelledDigits(_ word: String) -> [UInt8]? {
        // Most words are not digits: the first two letters settle it without a look-up.
        var bytes = word.utf8.makeIterator()
        guard let first = bytes.next(), let second = bytes.next(), spelledStarts.contains(UInt16(first) << 8 | UInt16(second)) else { return nil }
        if let digit = spelled[word] { return [digit] }
        var digits: [UInt8] = []
        var rest = Substring(word)
        outer: while !rest.isEmpty {
            for length in [6, 5, 4, 3, 2] where rest.utf8.count >= length {
                if let digit = spelled[String(rest.prefix(length))] {
                    digits.append(digit)
                    rest = rest.dropFirst(length)
                    continue outer
                }
            }
            return nil
        }
        return digits.count >= 2 ? digits : nil
    }

    static let spelledStarts: Set<UInt16> = Set(spelled.keys.map { word in
        let bytes = Array(word.utf8)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    })

    static let spelled: [String: UInt8] = [
        "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9,
        "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
        "ocho": 8, "nueve": 9,
    ]
}

/// The North American area codes in service (`Resources/ads/nanp-area-codes.csv`), with the
/// exchanges in service under the few codes where only some are.
public struct NANPAreaCodes: Sendable {
    /// Each area code's region: US, CA or a Caribbean country's code.
    public let regions: [Int: String]
    /// Exchanges in service, for area codes where not every exchange 200–999 is.
    let exchanges: [Int: [ClosedRange<Int>]]

    public static var shipped: NANPAreaCodes { loaded.loadedValue }

    public func contains(area: Int, exchange: Int) -> Bool {
        guard regions[area] != nil else { return false }
        guard let ranges = exchanges[area] else { return true }
        return ranges.contains { $0.contains(exchange) }
    }

    public static let loaded: Result<NANPAreaCodes, BundledResourceError> = BundledResources.load("ads/nanp-area-codes.csv") { data in
        var regions: [Int: String] = [:]
        var exchanges: [Int: [ClosedRange<Int>]] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 3, let code = Int(fields[0]) else { continue }
            regions[code] = String(fields[1])
            guard !fields[2].isEmpty else { continue }
            exchanges[code] = fields[2].split(separator: " ").compactMap { part in
                let bounds = part.split(separator: "-").compactMap { Int($0) }
                return bounds.count == 2 ? bounds[0]...bounds[1] : bounds.first.map { $0...$0 }
            }
        }
        guard regions.count > 300 else { throw BundledResourceError(file: "ads/nanp-area-codes.csv", reason: "lists too few area codes") }
        return NANPAreaCodes(regions: regions, exchanges: exchanges)
    }
}
