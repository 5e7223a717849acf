import Foundation

/// Where a lead from the lexicon was found: the entry and the span of the ad that matched it.
public struct IndicatorHit: Sendable, Equatable, Hashable, Codable {
    public let id: String
    public let start: Int
    public let end: Int
}

/// How strong the evidence behind an entry is (`Resources/ads/indicators.json`).
public enum EvidenceLevel: String, Sendable, Codable, CaseIterable {
    /// Held up against known case outcomes, with a comparison group (the JRSA/NIJ study's four).
    case validated
    /// Seen in ads of known cases, no comparison group.
    case descriptive
    /// Proposed from word patterns, never tested against outcomes.
    case unvalidated
    /// A vendor's claim.
    case vendor
}

/// The one cited lexicon of ad language: each entry with its terms, its source and its evidence
/// level. Shown as leads with the matched words, never summed into a score about a person.
public struct IndicatorLexicon: Sendable {
    public struct Entry: Sendable, Decodable {
        public let id: String
        public let evidence: EvidenceLevel
        public let label: LocalizedText
        public let meaning: LocalizedText
        public let terms: [String]
        /// A finder's result that counts as this entry: `obscured-phone`, `young-stated-age`.
        public let detector: String?
        public let source: String
    }

    public struct LocalizedText: Sendable, Decodable {
        public let en: String
        public let es: String

        public func text(_ language: String) -> String { language == "es" ? es : en }
    }

    public let entries: [Entry]
    /// Term token sequences by their first token, longest first.
    let terms: [String: [(words: [String], entry: Int)]]

    public func entry(_ id: String) -> Entry? { entries.first { $0.id == id } }

    public static var shipped: IndicatorLexicon { loaded.loadedValue }

    public static let loaded: Result<IndicatorLexicon, BundledResourceError> = BundledResources.load("ads/indicators.json") { data in
        struct File: Decodable { let entries: [Entry] }
        let entries = try JSONDecoder().decode(File.self, from: data).entries
        guard entries.filter({ $0.evidence == .validated }).count == 4 else {
            throw BundledResourceError(file: "ads/indicators.json", reason: "must list exactly the four validated language indicators")
        }
        var terms: [String: [(words: [String], entry: Int)]] = [:]
        for (index, entry) in entries.enumerated() {
            for term in entry.terms {
                let words = AdText.tokens(term).map(\.text)
                guard let first = words.first else { continue }
                terms[first, default: []].append((words, index))
            }
        }
        for key in terms.keys { terms[key]!.sort { $0.words.count > $1.words.count } }
        return IndicatorLexicon(entries: entries, terms: terms)
    }

    /// Every entry the ad matches, with the spans; at most one hit per entry and span.
    public func hits(in tokens: [AdToken], facts: AdFacts) -> [IndicatorHit] {
        var hits: [IndicatorHit] = []
        var index = 0
        while index < tokens.count {
            guard let candidates = terms[tokens[index].text],
                  let match = candidates.first(where: { matches($0.words, tokens, index) }) else {
                index += 1
                continue
            }
            let last = index + match.words.count - 1
            hits.append(IndicatorHit(id: entries[match.entry].id, start: tokens[index].start, end: tokens[last].end))
            index = last + 1
        }
        for entry in entries {
            switch entry.detector {
            case "obscured-phone":
                for phone in facts.phones where phone.obscured {
                    hits.append(IndicatorHit(id: entry.id, start: phone.start, end: phone.end))
                }
            case "young-stated-age":
                for age in facts.ages where Int(age.value).map({ $0 < 20 }) ?? false {
                    hits.append(IndicatorHit(id: entry.id, start: age.start, end: age.end))
                }
            default:
                break
            }
        }
        return hits
    }

    private func matches(_ words: [String], _ tokens: [AdToken], _ start: Int) -> Bool {
        guard start + words.count <= tokens.count else { return false }
        for (offset, word) in words.enumerated() {
            let text = tokens[start + offset].text
            // The last word may be plural: "latinas", "new girls".
            guard text == word || (offset == words.count - 1 && word.utf8.count >= 4 && text == word + "s") else { return false }
        }
        return true
    }
}
