import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "Add an organization's own aggregate report definitions.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add report definitions from a JSON file (a list, in the form of the shipped reports/definitions.json).",
            discussion: "Every definition is checked first; one wrong definition is named and nothing is added. A definition with the id of one already added replaces it.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The definitions file.") var path: String
        @Option(help: "Organization name (needed when there is more than one).") var org: String?

        func run() async throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw CommandFailure("Cannot read \(path): \(error.localizedDescription)") }
            let (path, org) = (path, org)
            let imported = try await storage.withStore(logger: makeLogger()) { store in
                let organization = try await UserCommand.Add.organization(named: org, in: store, create: false)
                let operatorContext = TenantContext(orgId: organization.id, userId: "cli", role: .admin, requestId: "cli-" + Tokens.opaqueId())
                do {
                    return try await store.reportDefinitions.importFile(data, file: URL(fileURLWithPath: path).lastPathComponent, in: operatorContext)
                } catch let error as ReportError {
                    throw CommandFailure(error.detail?.english ?? Localizer(.en)[error.messageKey])
                }
            }
            print("Added \(imported.count) report definitions: \(imported.map(\.id).joined(separator: ", ")).")
        }
    }
}
