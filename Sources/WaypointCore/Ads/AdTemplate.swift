import Foundation

/// What a family's ads have in common and where they differ: the shared text, with the slots where
/// ads put their own words (a name, a city, a price) and the values seen there — the reading an
/// analyst does by eye, done for them. Only for families that are already small (the page's 200 ads
/// at most); never used to form the families.
///
/// Built from the idea of InfoShield's template-and-slot view (Lee et al., ICDE 2021), not its code:
/// the family's most central ad (highest mean word-set similarity to the rest) is the skeleton; each
/// other ad is aligned to it word by word (longest common subsequence); a skeleton word that most
/// ads keep is template, and what ads write between two template words is a slot.
public struct AdTemplate: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case text(String)
        /// The values ads write here, most frequent first, with how many ads wrote each; `others`
        /// counts the distinct values not listed.
        case slot(values: [(value: String, ads: Int)], others: Int)

        public static func == (a: Part, b: Part) -> Bool {
            switch (a, b) {
            case (.text(let x), .text(let y)): x == y
            case (.slot(let x, let m), .slot(let y, let n)): m == n && x.map(\.value) == y.map(\.value) && x.map(\.ads) == y.map(\.ads)
            default: false
            }
        }
    }

    public let parts: [Part]
    /// The share of the skeleton's words that are template (kept by most ads).
    public let templateShare: Double
    public let ads: Int

    public static let maximumAds = 200
    /// A skeleton word is template when at least this share of the other ads keep it.
    static let keptShare = 0.7

    public static func summarize(_ texts: [String]) -> AdTemplate? {
        let words = texts.prefix(maximumAds).map { AdText.tokens($0).filter { $0.kind != .symbol }.map(\.text) }
        guard words.count >= 2 else { return nil }
        let sets = words.map(Set.init)
        var best = 0, bestScore = -1.0
        for i in sets.indices {
            var total = 0.0
            for j in sets.indices where j != i {
                let common = sets[i].intersection(sets[j]).count
                total += Double(common) / Double(max(1, sets[i].count + sets[j].count - common))
            }
            if total > bestScore { (best, bestScore) = (i, total) }
        }
        let skeleton = words[best]
        guard !skeleton.isEmpty else { return nil }
        // For each other ad: where each skeleton word landed in it, if it was kept.
        let alignments = words.indices.filter { $0 != best }.map { align(skeleton, words[$0]) }
        var kept = [Int](repeating: 0, count: skeleton.count)
        for alignment in alignments { for (i, position) in alignment.enumerated() where position != nil { kept[i] += 1 } }
        let fixed = skeleton.indices.filter { Double(kept[$0]) >= keptShare * Double(alignments.count) }
        // Slots: between consecutive template words (and before the first, after the last).
        var parts: [Part] = []
        var run: [String] = []
        let boundaries = [-1] + fixed + [skeleton.count]
        for (index, left) in boundaries.dropLast().enumerated() {
            let right = boundaries[index + 1]
            var values: [String: Int] = [:]
            // The skeleton's own value, then each ad's words between where it kept the two template words.
            let own = skeleton[(left + 1)..<right].joined(separator: " ")
            if !own.isEmpty { values[own, default: 0] += 1 }
            for (n, alignment) in alignments.enumerated() {
                let from = left < 0 ? -1 : alignment[left]
                let to = right >= skeleton.count ? words[n >= best ? n + 1 : n].count : alignment[right]
                guard let from, let to, to > from + 1 else { continue }
                let ad = words[n >= best ? n + 1 : n]
                values[ad[(from + 1)..<to].joined(separator: " "), default: 0] += 1
            }
            // A gap where fewer than a fifth of the ads write anything is not a slot (a stray edit).
            let writers = values.values.reduce(0, +)
            if writers * 5 >= words.count {
                if !run.isEmpty { parts.append(.text(run.joined(separator: " "))); run = [] }
                let sorted = values.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                parts.append(.slot(values: sorted.prefix(5).map { ($0.key, $0.value) }, others: max(0, sorted.count - 5)))
            }
            if right < skeleton.count { run.append(skeleton[right]) }
        }
        if !run.isEmpty { parts.append(.text(run.joined(separator: " "))) }
        return AdTemplate(parts: parts, templateShare: Double(fixed.count) / Double(skeleton.count), ads: words.count)
    }

    /// For each word of `skeleton`, its position in `other` on a longest common subsequence.
    static func align(_ skeleton: [String], _ other: [String]) -> [Int?] {
        let n = skeleton.count, m = other.count
        var table = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = skeleton[i] == other[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result = [Int?](repeating: nil, count: n)
        var i = 0, j = 0
        while i < n, j < m {
            if skeleton[i] == other[j] { result[i] = j; i += 1; j += 1 }
            else if table[i + 1][j] >= table[i][j + 1] { i += 1 } else { j += 1 }
        }
        return result
    }
}
