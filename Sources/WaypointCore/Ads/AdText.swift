/// One word, number or symbol of an ad, after the tricks ads use to dodge scrapers are undone.
///
/// Ads write `５５５`, `⑤⑤⑤`, `5️⃣5️⃣5️⃣`, `𝟱𝟱𝟱`, `𝓁𝒶𝓉𝒾𝓃𝒶`, Cyrillic `о` for Latin `o` and zero-width
/// spaces between letters. Folding maps each to the plain ASCII letter or digit a reader sees, so that
/// extraction and clustering see one spelling. `start` and `end` are UTF-8 offsets in the original
/// text: every extracted value can show the exact span it came from.
public struct AdToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Letters, folded to lowercase (non-Latin letters kept as they are, lowercased).
        case word
        /// Decimal digits, folded to ASCII.
        case number
        /// One symbol, punctuation mark or emoji.
        case symbol
    }

    public let kind: Kind
    public let text: String
    public let start: Int
    public let end: Int
    /// Whether white space (or the start of the text) comes before the token.
    public let spaceBefore: Bool
    /// Whether the token's first letter is a capital in the original (for names).
    public let capitalized: Bool
    /// Whether folding changed any character (a full-width digit, a circled letter, a look-alike).
    public let disguised: Bool
}

/// Folds and splits ad text. Letters and digits are split apart (`5five5` is `5`, `five`, `5`), so
/// a spelled digit inside a number is its own token.
public enum AdText {
    /// Texts longer than this are cut before any work: a hostile 100 MB "ad" must not stall an
    /// import. Real ads are under 10 KB.
    public static let maximumUTF8Length = 20_000

    public static func tokens(_ original: String) -> [AdToken] {
        let text = capped(original)
        var copy = text
        // Read as UTF-8 bytes (decoded by hand): iterating Unicode scalars and building each token
        // scalar by scalar cost three times as much.
        return copy.withUTF8 { tokens(utf8: $0) }
    }

    static func tokens(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [AdToken] {
        var tokens: [AdToken] = []
        tokens.reserveCapacity(bytes.count / 4)
        var current: [UInt8] = []
        current.reserveCapacity(64)
        var currentKind: AdToken.Kind? = nil
        var start = 0, offset = 0
        var spaceBefore = true, pendingSpace = true
        var capitalized = false, disguised = false
        func flush(at end: Int) {
            guard let kind = currentKind else { return }
            tokens.append(AdToken(kind: kind, text: String(decoding: current, as: UTF8.self), start: start, end: end,
                                  spaceBefore: spaceBefore, capitalized: capitalized, disguised: disguised))
            current.removeAll(keepingCapacity: true)
            currentKind = nil
        }
        func begin(_ kind: AdToken.Kind, changed: Bool, upper: Bool) {
            currentKind = kind
            start = offset
            spaceBefore = pendingSpace
            pendingSpace = false
            capitalized = upper
            disguised = changed
        }
        func append(_ scalar: Unicode.Scalar) {
            if scalar.value < 0x80 { current.append(UInt8(scalar.value)) } else { current.append(contentsOf: UTF8.encode(scalar)!) }
        }
        let count = bytes.count
        while offset < count {
            let lead = bytes[offset]
            var value = UInt32(lead), width = 1
            if lead >= 0xF0, offset + 3 < count {
                value = (UInt32(lead & 0x07) << 18) | (UInt32(bytes[offset + 1] & 0x3F) << 12) | (UInt32(bytes[offset + 2] & 0x3F) << 6) | UInt32(bytes[offset + 3] & 0x3F)
                width = 4
            } else if lead >= 0xE0, offset + 2 < count {
                value = (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[offset + 1] & 0x3F) << 6) | UInt32(bytes[offset + 2] & 0x3F)
                width = 3
            } else if lead >= 0xC0, offset + 1 < count {
                value = (UInt32(lead & 0x1F) << 6) | UInt32(bytes[offset + 1] & 0x3F)
                width = 2
            }
            defer { offset += width }
            // The common case first: a lowercase ASCII letter or digit continuing the token.
            if lead < 0x80 {
                if lead >= 0x61 && lead <= 0x7A, currentKind == .word { current.append(lead); continue }
                if lead >= 0x30 && lead <= 0x39, currentKind == .number { current.append(lead); continue }
            }
            guard let scalar = Unicode.Scalar(value) else { continue }
            switch fold(scalar) {
            case .ignore:
                // A zero-width space or a keycap inside a number or word is a disguise.
                if currentKind != nil { disguised = true }
            case .space:
                flush(at: offset)
                pendingSpace = true
            case .digit(let digit, let changed):
                if currentKind != .number {
                    flush(at: offset)
                    begin(.number, changed: changed, upper: false)
                }
                disguised = disguised || changed
                append(digit)
            case .letter(let letter, let upper, let changed):
                if currentKind != .word {
                    flush(at: offset)
                    begin(.word, changed: changed, upper: upper)
                }
                disguised = disguised || changed
                append(letter)
            case .symbol(let symbol):
                flush(at: offset)
                begin(.symbol, changed: false, upper: false)
                append(symbol)
                flush(at: offset + width)
            }
        }
        flush(at: offset)
        return tokens
    }

    /// Whether `text` is longer than the workbench reads (it is then cut, with a warning).
    public static func isCapped(_ text: String) -> Bool { text.utf8.count > maximumUTF8Length }

    /// The text the workbench reads: at most `maximumUTF8Length` bytes, cut on a character boundary.
    public static func capped(_ text: String) -> String {
        guard isCapped(text) else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: maximumUTF8Length)
        while end > text.startIndex, end.samePosition(in: text.unicodeScalars) == nil { end = text.utf8.index(before: end) }
        return String(text[..<end])
    }

    enum Folded {
        case ignore, space
        case digit(Unicode.Scalar, changed: Bool)
        case letter(Unicode.Scalar, upper: Bool, changed: Bool)
        case symbol(Unicode.Scalar)
    }

    static func fold(_ scalar: Unicode.Scalar) -> Folded {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x30...0x39: return .digit(scalar, changed: false)
            case 0x61...0x7A: return .letter(scalar, upper: false, changed: false)
            case 0x41...0x5A: return .letter(Unicode.Scalar(value + 0x20)!, upper: true, changed: false)
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20: return .space
            case 0x00..<0x20, 0x7F: return .ignore
            default: return .symbol(scalar)
            }
        }
        // Full-width ASCII (Ｈｅｌｌｏ ５５５) folds to ASCII.
        if (0xFF01...0xFF5E).contains(value) {
            return changedASCII(fold(Unicode.Scalar(value - 0xFEE0)!))
        }
        // Mathematical bold, italic, script… letters (𝐇𝓮𝔩𝕝𝖔), a favourite of ads; the Unicode block
        // repeats A–Z a–z in 13 styles (a few code points are holes, never met in text).
        if (0x1D400...0x1D6A3).contains(value) {
            let index = (value - 0x1D400) % 52
            return index < 26 ? .letter(Unicode.Scalar(0x61 + index)!, upper: true, changed: true)
                              : .letter(Unicode.Scalar(0x61 + index - 26)!, upper: false, changed: true)
        }
        // Circled letters Ⓐ–Ⓩ and ⓐ–ⓩ.
        if (0x24B6...0x24CF).contains(value) { return .letter(Unicode.Scalar(0x61 + value - 0x24B6)!, upper: true, changed: true) }
        if (0x24D0...0x24E9).contains(value) { return .letter(Unicode.Scalar(0x61 + value - 0x24D0)!, upper: false, changed: true) }
        if let latin = homoglyphs[value] { return .letter(latin, upper: false, changed: true) }
        let properties = scalar.properties
        // Digits in any script or style: full-width, Arabic-Indic, 𝟱, ⑤, ❺, superscript ⁵.
        if properties.numericType != nil, let number = properties.numericValue, number >= 0, number <= 9, number == number.rounded() {
            return .digit(Unicode.Scalar(0x30 + UInt32(number))!, changed: true)
        }
        switch properties.generalCategory {
        case .format, .nonspacingMark, .enclosingMark, .spacingMark, .control, .surrogate, .privateUse, .unassigned:
            // Zero-width joiners and spaces, variation selectors, the keycap ◌⃣ of 5️⃣, accents on
            // decomposed letters: none changes what a reader sees as the word or the digit.
            return .ignore
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return .space
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter:
            let upper = properties.isUppercase
            let lower = properties.lowercaseMapping.unicodeScalars.first ?? scalar
            if let plain = latinBase[lower.value] { return .letter(plain, upper: upper, changed: false) }
            return .letter(lower, upper: upper, changed: false)
        default:
            return .symbol(scalar)
        }
    }

    private static func changedASCII(_ folded: Folded) -> Folded {
        switch folded {
        case .digit(let digit, _): return .digit(digit, changed: true)
        case .letter(let letter, let upper, _): return .letter(letter, upper: upper, changed: true)
        default: return folded
        }
    }

    static func utf8Width(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0..<0x80: return 1
        case 0x80..<0x800: return 2
        case 0x800..<0x10000: return 3
        default: return 4
        }
    }

    /// Cyrillic and Greek letters that look like Latin ones, written into Latin words ("lаtina" with
    /// a Cyrillic а) so that a search for the word misses the ad.
    static let homoglyphs: [UInt32: Unicode.Scalar] = [
        0x0430: "a", 0x0435: "e", 0x043E: "o", 0x0440: "p", 0x0441: "c", 0x0443: "y", 0x0445: "x",
        0x0456: "i", 0x0458: "j", 0x0455: "s", 0x0410: "a", 0x0415: "e", 0x041E: "o", 0x0420: "p",
        0x0421: "c", 0x0425: "x", 0x0406: "i", 0x03BF: "o", 0x039F: "o", 0x03B1: "a", 0x0391: "a",
        0x03B5: "e", 0x0395: "e", 0x03B9: "i", 0x0399: "i", 0x03BD: "v", 0x03C1: "p", 0x03C4: "t",
    ]

    /// Accented Latin letters folded to their base letter, so "años" and "anos", "José" and "Jose"
    /// are one word.
    static let latinBase: [UInt32: Unicode.Scalar] = {
        var table: [UInt32: Unicode.Scalar] = [:]
        let groups: [(String, Unicode.Scalar)] = [
            ("àáâãäåā", "a"), ("çć", "c"), ("èéêëē", "e"), ("ìíîïī", "i"), ("ñń", "n"),
            ("òóôõöøō", "o"), ("ùúûüū", "u"), ("ýÿ", "y"), ("ß", "s"),
        ]
        for (letters, base) in groups {
            for letter in letters.unicodeScalars { table[letter.value] = base }
        }
        return table
    }()
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
