import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

struct AdsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ads", abstract: "Read and group online ads (the investigators' workbench).",
        subcommands: [Import.self, PostersCommand.self, Retention.self, Cluster.self, Extract.self, Generate.self])

    /// The organization's investigator context for the command line (audited as "cli").
    static func investigator(_ org: String?, in store: Store) async throws -> TenantContext {
        let organization = try await UserCommand.Add.organization(named: org, in: store, create: false)
        return TenantContext(orgId: organization.id, userId: "cli", role: .investigator, requestId: "cli-" + Tokens.opaqueId())
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import ads into the organization's workbench: read, sealed, grouped into families, compared with its posters.",
            discussion: "The whole file is checked first: a bad line is named and nothing is imported, unless --skip-invalid leaves bad lines out. An ad whose id an earlier import brought is left as it was.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The ads file (CSV or JSON Lines).") var path: String
        @Option(help: "Organization name (needed when there is more than one).") var org: String?
        @Flag(help: "Leave out bad lines (they are listed) instead of stopping.") var skipInvalid = false

        func run() async throws {
            let (path, org, skip) = (path, org, skipInvalid)
            let started = Date()
            let status = try await storage.withStore(logger: makeLogger()) { store in
                let context = try await AdsCommand.investigator(org, in: store)
                let id = try await store.ads.beginImport(fileName: URL(fileURLWithPath: path).lastPathComponent, in: context)
                return try await store.ads.runImport(id, source: .file(path), skipInvalid: skip, in: context)
            }
            for problem in status.problems.prefix(50) { FileHandle.standardError.write(Data("\(skip ? "skipped " : "")\(problem)\n".utf8)) }
            guard status.stage == .done else {
                throw CommandFailure("\(status.problems.count) bad line(s); nothing was imported. Fix them, or pass --skip-invalid to leave them out.")
            }
            print(String(format: "Imported %d ads in %.1f s.", status.done, Date().timeIntervalSince(started)))
        }
    }

    struct Retention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set how many days the organization keeps imported ads, posters and notes (30–3650; 365 by default).",
            discussion: "Older ones are removed within the hour by the running server.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Days to keep.") var days: Int
        @Option(help: "Organization name (needed when there is more than one).") var org: String?

        func run() async throws {
            let (days, org) = (days, org)
            try await storage.withStore(logger: makeLogger()) { store in
                let organization = try await UserCommand.Add.organization(named: org, in: store, create: false)
                let admin = TenantContext(orgId: organization.id, userId: "cli", role: .admin, requestId: "cli-" + Tokens.opaqueId())
                do { try await store.ads.setRetention(days: days, in: admin) } catch let error as AdError {
                    throw CommandFailure(Localizer(.en)[error.messageKey])
                }
            }
            print("Imported ads, posters and notes are now kept \(days) days.")
        }
    }

    struct PostersCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "posters", abstract: "Missing-person posters.", subcommands: [PostersImport.self])
    }

    struct PostersImport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import missing-person posters (CSV or JSON Lines) and compare them with the organization's ads.",
            discussion: "Columns: case_number, name, aliases, sex, date_of_birth or age_at_missing, missing_since, height_cm, weight_kg, hair, eyes, marks, city, state (lists separated by ;). All or nothing: every bad line is named.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The posters file.") var path: String
        @Option(help: "Organization name (needed when there is more than one).") var org: String?

        func run() async throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw CommandFailure("Cannot read \(path): \(error.localizedDescription)") }
            let (path, org) = (path, org)
            let result = try await storage.withStore(logger: makeLogger()) { store in
                try await store.ads.importPosters(data, name: path, in: try await AdsCommand.investigator(org, in: store))
            }
            for problem in result.problems.prefix(50) { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
            guard result.problems.isEmpty else { throw CommandFailure("\(result.problems.count) bad line(s); no poster was imported.") }
            print("Imported \(result.imported) posters and compared them with the ads.")
        }
    }

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

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write invented ads (families of near-duplicates and ads alone) to try the workbench and measure it.",
            discussion: "Nothing is from a real ad; phone numbers use the 555 exchange. With --truth, a truth column gives each ad's family (-1 alone).")
        @Option(help: "How many ads.") var count = 1000
        @Option(help: "The chance that each word of an ad is edited (0.02 is 2%).") var edits = 0.02
        @Option(help: "The seed: the same seed writes the same ads.") var seed: UInt64 = 1
        @Option(help: "Where to write the CSV.") var out: String
        @Flag(help: "Add the truth column.") var truth = false

        func run() throws {
            let ads = SyntheticAdCorpus(count: count, editRate: edits, seed: seed).generate()
            var csv = "id,text,posted_at,location" + (truth ? ",truth" : "") + "\n"
            for ad in ads {
                CSV.append([ad.id, ad.text, ad.postedAt.formatted(.iso8601), ad.location] + (truth ? [String(ad.family ?? -1)] : []), to: &csv)
                csv += "\n"
            }
            do { try csv.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw CommandFailure("Cannot write \(out): \(error.localizedDescription)")
            }
            print("Wrote \(ads.count) invented ads to \(out).")
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
