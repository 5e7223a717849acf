import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

struct AdsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ads", abstract: "Read and group online ads (the investigators' workbench).",
        subcommands: [Cluster.self, Extract.self])

    /// The bad lines of a file, on standard error; the command fails unless they may be skipped.
    static func reportBadLines(_ report: AdFileReport, skipInvalid: Bool) throws {
        for line in report.capped.prefix(20) {
            FileHandle.standardError.write(Data("warning: line \(line): the text is longer than \(AdText.maximumUTF8Length) bytes; only the first \(AdText.maximumUTF8Length) are read\n".utf8))
        }
        guard !report.errors.isEmpty else { return }
        for error in report.errors.prefix(50) { FileHandle.standardError.write(Data("\(skipInvalid ? "skipped " : "")\(error)\n".utf8)) }
        if report.errors.count > 50 { FileHandle.standardError.write(Data("… and \(report.errors.count - 50) more bad lines\n".utf8)) }
        if !skipInvalid {
            throw CommandFailure("\(report.errors.count) bad line(s); nothing was written. Fix them, or pass --skip-invalid to leave them out.")
        }
    }

    struct Cluster: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Group the ads of a file into families, without a database.",
            discussion: "Reads a CSV (id and text columns; other columns ignored) or JSON Lines file and writes id,cluster: every ad in a family of two or more gets the family's number, every other ad -1. Ads are joined by near-duplicate text and by a shared phone, e-mail or handle. The result is a lead for a person to review.")
        @Argument(help: "The ads file (CSV or JSON Lines).") var input: String
        @Option(help: "Where to write id,cluster.") var out: String
        @Flag(help: "Leave out bad lines (they are listed) instead of stopping.") var skipInvalid = false

        func run() throws {
            let started = Date()
            let (ids, clusters, report) = try AdFiles.cluster(input)
            try AdsCommand.reportBadLines(report, skipInvalid: skipInvalid)
            var output = "id,cluster\n"
            output.reserveCapacity(ids.count * 16)
            for (index, id) in ids.enumerated() {
                CSV.append([CSV.text(id), clusters.clusterOf[index].map(String.init) ?? "-1"], to: &output)
                output.append("\n")
            }
            do { try output.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw CommandFailure("Cannot write \(out): \(error.localizedDescription)")
            }
            let seconds = Date().timeIntervalSince(started)
            let joined = clusters.clusterOf.filter { $0 != nil }.count
            print(String(format: "%d ads in %.2f s (%.0f ads/s): %d families holding %d ads; %d ads alone.",
                         ids.count, seconds, Double(ids.count) / max(seconds, 0.001), clusters.clusterCount, joined, ids.count - joined))
        }
    }

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what is read from each ad of a file, as JSON Lines.",
            discussion: "Phones (E.164, and whether written to dodge search), e-mail addresses, handles, stated ages, prices, post ids, places, names and indicators, each with its span (UTF-8 byte offsets in the text).")
        @Argument(help: "The ads file (CSV or JSON Lines).") var input: String
        @Flag(help: "Leave out bad lines (they are listed) instead of stopping.") var skipInvalid = false

        func run() throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            struct Line: Encodable { let id: String; let facts: AdFacts }
            var lines: [Data] = []
            let report = try AdFiles.read(input) { record in
                lines.append(try encoder.encode(Line(id: record.id, facts: AdExtractor.facts(record.text))))
            }
            try AdsCommand.reportBadLines(report, skipInvalid: skipInvalid)
            for line in lines { FileHandle.standardOutput.write(line + Data("\n".utf8)) }
        }
    }
}
