import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

/// Issue 16's figures for the ads workbench: clustering quality on synthetic families with per-ad
/// edits, and extraction plus clustering of a large corpus with its peak memory.
enum AdsBench {
    static func run(count: Int, infoShield: String?) throws {
        do {
            // Where one ad's reading goes (one core, 20,000 ads).
            let texts = SyntheticAdCorpus(count: 20_000, editRate: 0.02, seed: 3).generate().map(\.text)
            func time(_ label: String, _ body: (String) -> Void) {
                let start = Date()
                for text in texts { body(text) }
                print(String(format: "ads: %@ %.1f µs an ad", label, Date().timeIntervalSince(start) / Double(texts.count) * 1e6))
            }
            time("tokens") { _ = AdText.tokens($0) }
            let tokens = texts.map(AdText.tokens)
            var index = 0
            func each(_ label: String, _ body: ([AdToken]) -> Void) {
                let start = Date()
                for list in tokens { body(list) }
                index += 1
                print(String(format: "ads: %@ %.1f µs an ad", label, Date().timeIntervalSince(start) / Double(tokens.count) * 1e6))
            }
            each("phones") { _ = PhoneFinder.find(in: $0) }
            each("emails+handles") { let e = ContactFinder.emails(in: $0); _ = ContactFinder.handles(in: $0, emails: e) }
            each("ages+prices+ids+names") { _ = DetailFinder.ages(in: $0); _ = DetailFinder.prices(in: $0); _ = DetailFinder.postIds(in: $0); _ = DetailFinder.names(in: $0) }
            each("places") { _ = Gazetteer.shipped.places(in: $0) }
            each("indicators") { _ = IndicatorLexicon.shipped.hits(in: $0, facts: AdFacts()) }
            each("shingles") { _ = AdSketch.shingles($0) }
        }
        if let infoShield { try compareWithInfoShield(at: infoShield) }
        print("== ads: clustering quality on synthetic families (pairwise precision / recall, ARI)")
        for editRate in [0.0, 0.02, 0.05, 0.08] {
            for size in [1_000, 10_000] {
                let ads = SyntheticAdCorpus(count: size, editRate: editRate, seed: 7).generate()
                let (clusters, seconds) = cluster(ads.map(\.text))
                let quality = ClusterQuality(predicted: clusters.clusterOf, truth: ads.map(\.family))
                print(String(format: "edits %.0f%%  %6d ads  precision %.4f  recall %.4f  F1 %.4f  ARI %.4f  (%.2f s, %d clusters)",
                             editRate * 100, size, quality.precision, quality.recall, quality.f1, quality.adjustedRandIndex, seconds, clusters.clusterCount))
            }
        }
        print("== ads: \(count) synthetic ads extracted and clustered from a CSV file (as `waypoint ads cluster`)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waypoint-ads-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ads.csv").path
        let truth = try writeCorpus(count: count, editRate: 0.02, seed: 11, to: file)
        // A process of its own, so that its peak memory is the clustering's, not the generator's.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--only", "ads-file", "--ads-file", file, "--ads-out", file + ".out"]
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else { throw CleanExit.message("the clustering process failed") }
        let predicted = try String(contentsOfFile: file + ".out", encoding: .utf8).split(separator: "\n").map { line -> Int? in
            let value = Int(line.split(separator: ",").last ?? "") ?? -1
            return value < 0 ? nil : value
        }
        let quality = ClusterQuality(predicted: predicted, truth: truth)
        print(String(format: "pairwise precision %.4f recall %.4f", quality.precision, quality.recall))
    }

    /// InfoShield (Lee et al., ICDE 2021) run side by side as an outside program, never copied: the
    /// same corpora, its time against ours, both scored with the same pairwise measures. Its code has
    /// no licence; it is installed outside the repository (README, "Benchmarks").
    static func compareWithInfoShield(at folder: String) throws {
        print("== ads: side by side with InfoShield (\(folder)), shared boilerplate, 2% word edits")
        for size in [1_000, 5_000] {
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("infoshield-" + UUID().uuidString)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let ads = SyntheticAdCorpus(count: size, editRate: 0.02, seed: 21).generate()
            // InfoShield reads LF line endings and numeric ids; a file name without dots.
            var csv = "id,text\n"
            for (index, ad) in ads.enumerated() { CSV.append([String(index), ad.text], to: &csv); csv.append("\n") }
            try csv.write(to: work.appendingPathComponent("ads.csv"), atomically: true, encoding: .utf8)
            let started = Date()
            let ours = cluster(ads.map(\.text))
            let oursSeconds = Date().timeIntervalSince(started)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: folder + "/.venv/bin/python")
            child.arguments = [folder + "/infoshield.py", "ads.csv", "id", "text"]
            child.currentDirectoryURL = work
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            let theirStart = Date()
            try child.run()
            child.waitUntilExit()
            let theirSeconds = Date().timeIntervalSince(theirStart)
            guard child.terminationStatus == 0 else { throw CleanExit.message("InfoShield failed at \(size) ads") }
            // template_table.csv: LSH label, template number, id — the final families.
            var theirs = [Int?](repeating: nil, count: size)
            var numbers: [String: Int] = [:]
            let table = try String(contentsOf: work.appendingPathComponent("template_table.csv"), encoding: .utf8)
            for record in try CSV.parse(table).dropFirst() where record.values.count >= 3 {
                guard let id = Int(record.values[2].trimmingCharacters(in: .whitespaces)), id < size else { continue }
                let key = record.values[0] + "/" + record.values[1]
                if numbers[key] == nil { numbers[key] = numbers.count }
                theirs[id] = numbers[key]
            }
            let truth = ads.map(\.family)
            let our = ClusterQuality(predicted: ours.0.clusterOf, truth: truth), their = ClusterQuality(predicted: theirs, truth: truth)
            print(String(format: "%5d ads  Waypoint %.3f s  P %.3f R %.3f F1 %.3f  |  InfoShield %.1f s  P %.3f R %.3f F1 %.3f  |  %.0f× faster",
                         size, oursSeconds, our.precision, our.recall, our.f1, theirSeconds, their.precision, their.recall, their.f1,
                         theirSeconds / oursSeconds))
        }
    }

    /// The child's half: cluster a file as the command line does and print the time.
    static func clusterFile(_ path: String, out: String) throws {
        let started = Date()
        let (_, clusters, report) = try AdFiles.cluster(path)
        let seconds = Date().timeIntervalSince(started)
        try clusters.clusterOf.map { String($0 ?? -1) }.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
        // Its own peak (VmHWM): a fork's usage as seen from the parent counts the parent's pages.
        print(String(format: "%d ads read, extracted and clustered in %.1f s (%.0f ads/s); %d families; peak RSS %.0f MB",
                     report.records, seconds, Double(report.records) / seconds, clusters.clusterCount, peakResidentMB()))
    }

    /// Writes `id,text` for a synthetic corpus; returns the truth (family or nil) per ad.
    static func writeCorpus(count: Int, editRate: Double, seed: UInt64, to path: String) throws -> [Int?] {
        let ads = SyntheticAdCorpus(count: count, editRate: editRate, seed: seed).generate()
        var csv = "id,text\n"
        for ad in ads { CSV.append([ad.id, ad.text], to: &csv); csv.append("\n") }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return ads.map(\.family)
    }

    /// Extraction (every finder) and clustering, on both cores.
    static func cluster(_ texts: [String]) -> (AdClusters, Double) {
        let started = Date()
        let clusterer = AdClusterer()
        let chunk = 20_000
        var first = 0
        while first < texts.count {
            let slice = Array(texts[first..<min(texts.count, first + chunk)])
            for sketch in AdClusterer.sketches(slice) { clusterer.add(sketch) }
            first += chunk
        }
        let clusters = clusterer.cluster()
        return (clusters, Date().timeIntervalSince(started))
    }

    static func peakResidentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}
