import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

/// Issue 16's figures for the ads workbench: clustering quality on synthetic families with per-ad
/// edits, and extraction plus clustering of a large corpus with its peak memory.
enum AdsBench {
    static func run(count: Int) throws {
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
