import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory", abstract: "Import and export the resource directory (Open Referral HSDS 3.0).",
        subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import HSDS JSON files or an HSDS CSV package (a folder of organizations.csv, services.csv, …).",
            discussion: "Nothing is imported when any row is wrong, unless --skip-invalid is given; each problem is listed by file, row and field.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "A .json file, a .csv file, or a folder holding either.") var path: String
        @Flag(help: "Import the valid rows and list the ones left out.") var skipInvalid = false
        @Option(help: "Import as this organization's local entries (default: shared entries).") var org: String?

        func run() async throws {
            let read: HSDSReadResult
            do {
                read = try HSDSReader.read(path: path)
            } catch let error as DirectoryError {
                throw CommandFailure(error.detail?.english ?? "\(error)")
            }
            let (skipInvalid, org) = (skipInvalid, org)
            let progress = ProgressBar(label: "Importing")
            let summary = try await storage.withStore(logger: makeLogger()) { store -> DirectoryImportSummary in
                try await store.directory.prepare(requestId: "cli-" + Tokens.opaqueId())
                var owner: String?
                if let org {
                    guard let organization = try await store.organizations.named(org) else { throw CommandFailure("There is no organization named \(org).") }
                    owner = organization.id
                }
                do {
                    return try await store.directory.importRecords(
                        read, owner: owner, skipInvalid: skipInvalid,
                        actor: AuditEvent(orgId: owner ?? "system", actorId: "cli", action: "", objectType: "", objectId: "", requestId: "cli-" + Tokens.opaqueId()),
                        progress: { progress.update($0, of: $1) })
                } catch let error as HSDSImportError {
                    progress.finish()
                    let lines = error.problems.prefix(50).map { "  " + $0.description }
                    throw CommandFailure("Nothing was imported: \(error.problems.count) problem(s).\n" + lines.joined(separator: "\n")
                                         + (error.problems.count > 50 ? "\n  … and \(error.problems.count - 50) more" : "")
                                         + "\nFix the file, or pass --skip-invalid to import the other rows.")
                }
            }
            progress.finish()
            say("Imported \(summary.rowsImported) rows (\(summary.rowsRead) read); \(summary.servicesIndexed) services indexed for search.")
            if !summary.skipped.isEmpty {
                say("Skipped \(summary.skipped.count) problem row(s):")
                for problem in summary.skipped { say("  " + problem.description) }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the directory as HSDS JSON (API shapes) or an HSDS CSV package.",
            discussion: "Confidential sites are exported without their address or coordinates.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "json or csv") var format: String
        @Option(help: "Folder to write into (created if needed).") var out: String

        func validate() throws {
            guard ["json", "csv"].contains(format) else { throw ValidationError("--format is json or csv.") }
        }

        func run() async throws {
            let records = try await storage.withStore(logger: makeLogger()) { store in try await store.directory.allRecords(redact: true) }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var written = 0
            if format == "csv" {
                for (file, text) in HSDSWriter.csvFiles(records) {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(file))
                    written += 1
                }
            } else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                for (file, value) in HSDSWriter.jsonFiles(records) {
                    try encoder.encode(value).write(to: URL(fileURLWithPath: out).appendingPathComponent(file))
                    written += 1
                }
            }
            say("Wrote \(written) files with \(records.count) rows to \(out).")
        }
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal (logs and pipes
/// get the summary line alone).
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled = isatty(2) == 1
    private let lock = NSLock()
    private var lastDrawn = -1

    init(label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        lock.lock()
        defer { lock.unlock() }
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% (\(done)/\(total) rows)".utf8))
    }

    func finish() {
        guard enabled, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        lastDrawn = -1
    }
}
