import Foundation

/// What clustering needs of one ad: its identifiers and its word shingles (hashed).
public struct AdSketch: Sendable {
    public let identifiers: [String]
    public let shingles: [UInt32]

    public init(identifiers: [String], shingles: [UInt32]) {
        self.identifiers = identifiers
        self.shingles = shingles
    }

    /// Reads an ad's facts and sketch in one pass over its tokens.
    public static func read(_ text: String) -> (AdFacts, AdSketch) {
        let tokens = AdText.tokens(text)
        let facts = AdExtractor.facts(tokens, capped: AdText.isCapped(text))
        return (facts, AdSketch(identifiers: facts.identifiers, shingles: shingles(tokens)))
    }

    /// Word 3-shingles: numbers are one class ("#"), so prices, ages and phones written in a
    /// template's slots do not make ads of one family look different; symbols and emoji are left out.
    public static func shingles(_ tokens: [AdToken]) -> [UInt32] {
        var words: [UInt64] = []
        words.reserveCapacity(tokens.count)
        for token in tokens where token.kind != .symbol {
            words.append(token.kind == .number ? 0x9E37_79B9_7F4A_7C15 : fnv1a(token.text))
        }
        guard words.count >= AdClusterer.shingleSize else {
            return words.isEmpty ? [] : [UInt32(truncatingIfNeeded: mix(words.reduce(0) { mix($0 ^ $1) }))]
        }
        var hashes: [UInt32] = []
        hashes.reserveCapacity(words.count)
        for start in 0...(words.count - AdClusterer.shingleSize) {
            var hash: UInt64 = 0
            for offset in 0..<AdClusterer.shingleSize { hash = mix(hash ^ words[start + offset]) }
            hashes.append(UInt32(truncatingIfNeeded: hash))
        }
        hashes.sort()
        return dedupedSorted(hashes)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// SplitMix64's finaliser: a cheap, well-spread 64-bit mix.
    @inline(__always) static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func dedupedSorted(_ sorted: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(sorted.count)
        for value in sorted where out.last != value { out.append(value) }
        return out
    }
}

/// How one ad came to be joined to another: the evidence a cluster page shows.
public enum AdLink: Sendable, Equatable {
    /// Near-duplicate text: the shingles both keep after boilerplate is dropped, as a Jaccard similarity.
    case text(Int, Int, similarity: Double)
    /// An identifier (phone, e-mail, handle) both ads carry.
    case identifier(Int, Int, String)
}

/// The result: each ad's cluster (nil when the ad stands alone) and the links that made them.
public struct AdClusters: Sendable {
    public let clusterOf: [Int?]
    public let clusterCount: Int
    public let links: [AdLink]
    /// Shingles dropped as boilerplate (seen in more ads than any family is expected to have).
    public let boilerplateShingles: Int
}

/// Groups ads into families in two ways, kept apart as evidence:
///
/// 1. **Near-duplicate text.** Word 3-shingles seen in more ads than a family could hold are
///    boilerplate ("call or text", "no explicit talk") and dropped. MinHash (32 hash functions, 16
///    bands of 2) proposes pairs; each is verified by exact Jaccard on the kept shingles before the
///    two are joined. Per-ad edits and different slot values lower the similarity of two ads, but a
///    family stays joined when each ad is near *some* other member.
/// 2. **Shared identifiers.** A phone, e-mail or handle joins the text groups that carry it — when it
///    is on at least a fifth of each group's ads. An agency's or booking line's number on one ad of
///    each of several unrelated families would otherwise chain them into one giant cluster (the
///    research's lesson from phone-only entity resolution); it stays visible as shared evidence.
///
/// Broder (1997) for MinHash; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets* ch. 3 for
/// banding. Built from those descriptions; InfoShield's code has no licence and is not used.
public final class AdClusterer {
    public static let shingleSize = 3
    static let hashCount = 32
    static let rowsPerBand = 2
    static let similarityThreshold = 0.30
    static let identifierShare = 0.2
    /// Compared with at most this many earlier ads of a band's bucket: a bucket of boilerplate that
    /// slipped past the filter stays linear.
    static let bucketProbe = 4

    private var shingles: [UInt32] = []
    private var offsets: [Int] = [0]
    private var identifierIds: [String: Int32] = [:]
    private var identifierNames: [String] = []
    private var identifierAds: [(identifier: Int32, ad: Int32)] = []

    public init() {}

    public var count: Int { offsets.count - 1 }

    /// Facts and sketches of many ads, read on every core.
    public static func readAll(_ texts: [String]) -> [(AdFacts, AdSketch)] {
        Parallel.map(texts) { AdSketch.read($0) }
    }

    /// Sketches of many ads, read on every core. Facts other than identifiers are read (and counted
    /// in the time) but not kept.
    public static func sketches(_ texts: [String]) -> [AdSketch] {
        Parallel.map(texts) { AdSketch.read($0).1 }
    }

    public func add(_ sketch: AdSketch) {
        let ad = Int32(count)
        shingles.append(contentsOf: sketch.shingles)
        offsets.append(shingles.count)
        for identifier in sketch.identifiers {
            let id: Int32
            if let known = identifierIds[identifier] {
                id = known
            } else {
                id = Int32(identifierNames.count)
                identifierIds[identifier] = id
                identifierNames.append(identifier)
            }
            identifierAds.append((id, ad))
        }
    }

    /// More ads than any family holds: at least 50, and a thousandth of the corpus for large ones
    /// (a family of 24 ads is 0.2% of 10,000 but 0.002% of a million).
    static func boilerplateLimit(adCount: Int) -> Int { max(50, adCount / 1000) }

    public func cluster() -> AdClusters {
        let n = count
        // 1. Boilerplate: document frequency of each shingle (a counting table; collisions only
        //    over-count, which drops a shingle, never joins two ads).
        let tableBits = 24
        var frequency = [UInt16](repeating: 0, count: 1 << tableBits)
        let mask = UInt32((1 << tableBits) - 1)
        for hash in shingles where frequency[Int(hash & mask)] < UInt16.max { frequency[Int(hash & mask)] += 1 }
        let limit = UInt16(min(Int(UInt16.max) - 1, Self.boilerplateLimit(adCount: n)))
        // Kept shingles are compacted in place: the corpus's shingles are most of the memory.
        var kept = shingles
        shingles = []
        var keptOffsets = [Int](repeating: 0, count: n + 1)
        var write = 0
        for ad in 0..<n {
            for read in offsets[ad]..<offsets[ad + 1] where frequency[Int(kept[read] & mask)] <= limit {
                kept[write] = kept[read]
                write += 1
            }
            keptOffsets[ad + 1] = write
        }
        let dropped = kept.count - write
        kept.removeLast(kept.count - write)
        frequency = []
        var sets = UnionFind(n)
        var links: [AdLink] = []
        // 2. MinHash signatures and bands; candidates verified by exact Jaccard.
        let bands = Self.hashCount / Self.rowsPerBand
        var keys = [UInt64](repeating: 0, count: n * bands)
        let offsetsOfKept = keptOffsets
        keys.withUnsafeMutableBufferPointer { keyBuffer in
            kept.withUnsafeBufferPointer { keptBuffer in
                let keys = Disjoint(keyBuffer.baseAddress!), kept = Disjoint(UnsafeMutablePointer(mutating: keptBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!))
                let keptOffsets = offsetsOfKept
                let chunk = max(1, (n + 7) / 8)
                DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { part in
                    var minimum = [UInt32](repeating: .max, count: Self.hashCount)
                    for ad in (part * chunk)..<min(n, (part + 1) * chunk) {
                        let range = keptOffsets[ad]..<keptOffsets[ad + 1]
                        let kept = kept.base
                        guard !range.isEmpty else { continue }
                        for index in 0..<Self.hashCount { minimum[index] = .max }
                        for position in range {
                            let base = UInt64(kept[position])
                            for index in 0..<Self.hashCount {
                                let value = UInt32(truncatingIfNeeded: AdSketch.mix(base &+ UInt64(index) &* 0xD6E8_FEB8_6659_FD93))
                                if value < minimum[index] { minimum[index] = value }
                            }
                        }
                        for band in 0..<bands {
                            var key = UInt64(band)
                            for row in 0..<Self.rowsPerBand { key = AdSketch.mix(key ^ UInt64(minimum[band * Self.rowsPerBand + row])) }
                            keys.base[ad * bands + band] = key
                        }
                    }
                }
            }
        }
        kept.withUnsafeBufferPointer { kept in
            // Each band sorted as (key, ad) packed in one integer: the ad in the low bits.
            let adBits = UInt64(UInt64.bitWidth - UInt64(max(n, 1)).leadingZeroBitCount)
            let adMask: UInt64 = (1 << adBits) - 1
            var entries: [UInt64] = []
            entries.reserveCapacity(n)
            for band in 0..<bands {
                entries.removeAll(keepingCapacity: true)
                for ad in 0..<n where keptOffsets[ad + 1] > keptOffsets[ad] {
                    entries.append((keys[ad * bands + band] << adBits) | UInt64(ad))
                }
                entries.sort()
                var bucketStart = 0
                for position in 0..<entries.count {
                    let ad = Int(entries[position] & adMask)
                    if position > 0, entries[position - 1] >> adBits != entries[position] >> adBits { bucketStart = position }
                    for earlier in stride(from: position - 1, through: max(bucketStart, position - Self.bucketProbe), by: -1) {
                        let other = Int(entries[earlier] & adMask)
                        if sets.find(other) == sets.find(ad) { break }
                        let similarity = Self.jaccard(kept, keptOffsets[other]..<keptOffsets[other + 1], keptOffsets[ad]..<keptOffsets[ad + 1])
                        if similarity >= Self.similarityThreshold {
                            sets.union(other, ad)
                            links.append(.text(other, ad, similarity: similarity))
                            break
                        }
                    }
                }
            }
        }
        keys = []
        // 3. Identifiers join the text groups they are a real part of.
        var groupSize = [Int32](repeating: 0, count: n)
        for ad in 0..<n { groupSize[sets.find(ad)] += 1 }
        identifierAds.sort { $0.identifier != $1.identifier ? $0.identifier < $1.identifier : $0.ad < $1.ad }
        var start = 0
        var textGroup: [Int: (ads: Int, first: Int)] = [:]
        while start < identifierAds.count {
            var end = start
            textGroup.removeAll(keepingCapacity: true)
            while end < identifierAds.count, identifierAds[end].identifier == identifierAds[start].identifier {
                let ad = Int(identifierAds[end].ad)
                let root = sets.find(ad)
                textGroup[root, default: (0, ad)].ads += 1
                end += 1
            }
            let name = identifierNames[Int(identifierAds[start].identifier)]
            let joined = textGroup.filter { root, entry in Double(entry.ads) >= Self.identifierShare * Double(groupSize[root]) }
                .map(\.value.first).sorted()
            if let first = joined.first {
                for ad in joined.dropFirst() where sets.find(first) != sets.find(ad) {
                    sets.union(first, ad)
                    links.append(.identifier(first, ad, name))
                }
            }
            start = end
        }
        // 4. Number the clusters of two or more ads in order of their first ad.
        var size = [Int32](repeating: 0, count: n)
        for ad in 0..<n { size[sets.find(ad)] += 1 }
        var number = [Int: Int]()
        var clusterOf = [Int?](repeating: nil, count: n)
        for ad in 0..<n {
            let root = sets.find(ad)
            guard size[root] >= 2 else { continue }
            if number[root] == nil { number[root] = number.count }
            clusterOf[ad] = number[root]
        }
        return AdClusters(clusterOf: clusterOf, clusterCount: number.count, links: links, boilerplateShingles: dropped)
    }

    static func jaccard(_ values: UnsafeBufferPointer<UInt32>, _ a: Range<Int>, _ b: Range<Int>) -> Double {
        var i = a.lowerBound, j = b.lowerBound, common = 0
        while i < a.upperBound, j < b.upperBound {
            let x = values[i], y = values[j]
            if x == y { common += 1; i += 1; j += 1 } else if x < y { i += 1 } else { j += 1 }
        }
        let union = a.count + b.count - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }
}

/// Work on every core: each item's result is computed by one worker and written at its own index.
public enum Parallel {
    public static func map<T, U>(_ items: [T], _ transform: @Sendable (T) -> U) -> [U] {
        let parts = min(items.count, ProcessInfo.processInfo.activeProcessorCount * 4)
        guard parts > 0 else { return [] }
        let count = items.count
        var results = [U?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = Disjoint(buffer.baseAddress!)
            items.withUnsafeBufferPointer { input in
                let source = Disjoint(UnsafeMutablePointer(mutating: input.baseAddress!))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    for index in stride(from: part, to: count, by: parts) { out.base[index] = transform(source.base[index]) }
                }
            }
        }
        return results.map { $0! }
    }

    /// The same for work that may fail: the first failure (in item order) is thrown.
    public static func tryMap<T, U>(_ items: [T], _ transform: @Sendable (T) throws -> U) throws -> [U] {
        try map(items) { item in Result { try transform(item) } }.map { try $0.get() }
    }
}

/// A buffer that concurrent workers write at disjoint indices (each ad is one worker's alone), or
/// only read.
struct Disjoint<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
}

/// Disjoint sets with path halving and union by size.
struct UnionFind {
    private var parent: [Int32]
    private var size: [Int32]

    init(_ count: Int) {
        parent = (0..<count).map { Int32($0) }
        size = [Int32](repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var x = Int32(element)
        while parent[Int(x)] != x {
            parent[Int(x)] = parent[Int(parent[Int(x)])]
            x = parent[Int(x)]
        }
        return Int(x)
    }

    mutating func union(_ a: Int, _ b: Int) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra)
        size[ra] += size[rb]
    }
}
