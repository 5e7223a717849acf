import ArgumentParser
import Foundation
import Hummingbird
import Logging
import WaypointCore
import WaypointStore
import WaypointWeb

@main
struct Waypoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waypoint",
        abstract: "Recognize, respond, refer: a self-hosted platform for care teams.",
        subcommands: [Serve.self, Migrate.self, UserCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self, KeysCommand.self,
                      DirectoryCommand.self, FHIRCommand.self, ICD10Command.self, JurisdictionsCommand.self, IndicatorsCommand.self,
                      InstrumentsCommand.self, ScreenCommand.self, DemoCommand.self, ReportsCommand.self, AdsCommand.self])

    /// Every command starts by loading the bundled content: a damaged installation says which file.
    static func main() async {
        do { try BundledResources.checkAll() } catch { exit(withError: CommandFailure("\(error)")) }
        await main(nil)
    }
}

/// Where the data and the key are. Shared by every command that touches storage.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "SQLite file (default ./waypoint-data/waypoint.sqlite).")
    var sqlitePath: String?

    @Option(help: "PostgreSQL URL, e.g. postgres://user:pass@127.0.0.1:5432/waypoint (or set DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Master key file (or set WAYPOINT_MASTER_KEY_FILE; default \(KeyRing.defaultPath)).")
    var keyFile: String?

    func validate() throws {
        if sqlitePath != nil && databaseURL != nil { throw ValidationError("Give either --db or --database-url, not both.") }
    }

    var location: DatabaseLocation {
        let environment = ProcessInfo.processInfo.environment
        return sqlitePath.map { .sqlite(path: $0) }
            ?? DatabaseLocation.resolve(sqlitePath: nil, databaseURL: databaseURL, environment: environment)
    }

    func openStore(logger: Logger) async throws -> Store {
        let keyFile = keyFile ?? ProcessInfo.processInfo.environment["WAYPOINT_MASTER_KEY_FILE"] ?? KeyRing.defaultPath
        return try await Store.open(location, keyFile: keyFile, logger: logger)
    }

    /// Opens the store, brings the schema up to date and runs `body` while the database is live.
    func withStore<T: Sendable>(logger: Logger, _ body: @Sendable (Store) async throws -> T) async throws -> T {
        let store = try await openStore(logger: logger)
        return try await store.database.whileRunning {
            try await store.database.migrate()
            let result = try await body(store)
            // Entries the command's writes left pending go into the chain before the tool exits.
            try await store.audit.flush()
            return result
        }
    }
}

/// Writes a line to standard output at once (print is buffered when the output is a file or pipe,
/// and the URL to open must appear while the server runs).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A failure the person running the command can act on: printed as "Error: …", exit status 1,
/// without the usage text that argument mistakes get.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func makeLogger() -> Logger {
    var logger = Logger(label: "waypoint")
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations (safe to run again).")
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let store = try await storage.openStore(logger: makeLogger())
        let applied = try await store.database.whileRunning { try await store.database.migrate() }
        print(applied.isEmpty ? "The database is up to date." : applied.map { "applied \($0)" }.joined(separator: "\n"))
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web application.")
    @OptionGroup var storage: StorageOptions
    @Option var host = "127.0.0.1"
    @Option var port = 8080
    @Flag(help: "Create the demo organization and users on first run (password from WAYPOINT_DEMO_PASSWORD or generated).")
    var demo = false
    @Option(help: "Log lines as text or as one JSON object per line.") var logFormat: LogFormat = .text

    func run() async throws {
        if logFormat == .json {
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        }
        let logger = makeLogger()
        let store = try await storage.openStore(logger: logger)
        var configuration = WebConfiguration.fromEnvironment()
        configuration.host = host
        configuration.port = port
        let demo = self.demo
        let url = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/"
        let app = try await buildApplication(store: store, configuration: configuration, logger: logger) {
            if demo {
                let password = ProcessInfo.processInfo.environment["WAYPOINT_DEMO_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
                if let created = try await DemoSetup.ensure(in: store, password: password) {
                    say("Demo organization \"\(DemoSetup.organizationName)\" created.")
                    say("Users: \(DemoSetup.users.map(\.username).joined(separator: ", "))")
                    if password == nil { say("Password (shown once): \(created)") }
                }
            }
            say("Waypoint (\(store.database.kind.rawValue)) is ready: open \(url)")
        }
        try await app.runService()
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage staff accounts.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read from standard input.",
            discussion: "The organization is created if it does not exist yet, so this also bootstraps a new install.")
        @OptionGroup var storage: StorageOptions
        @Option var username: String
        @Option(help: ArgumentHelp("One of: " + Role.allCases.map(\.rawValue).joined(separator: ", ") + ".")) var role: String
        @Option(help: "Organization name (needed when there is more than one).") var org: String?
        @Option var displayName: String?
        @Option var email: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("Unknown role \(role). Use one of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("Give the password on standard input, e.g. printf '%s' \"$PASSWORD\" | waypoint user add …")
            }
            let (username, org, displayName, email) = (username, org, displayName, email)
            let id = try await storage.withStore(logger: makeLogger()) { store in
                let organization = try await Self.organization(named: org, in: store)
                do {
                    return try await store.users.createAsOperator(
                        NewUser(username: username, role: role, displayName: displayName ?? username, email: email ?? "", password: password),
                        orgId: organization.id, requestId: "cli-" + Tokens.opaqueId())
                } catch let error as AccountError {
                    throw CommandFailure(Localizer(.en)[error.messageKey])
                }
            }
            print("Added \(username) (\(role.rawValue)) with id \(id).")
        }

        static func organization(named name: String?, in store: Store, create: Bool = true) async throws -> Organization {
            if let name {
                if let existing = try await store.organizations.named(name) { return existing }
                guard create else { throw CommandFailure("There is no organization named \(name).") }
                return try await store.organizations.create(name: name, requestId: "cli-" + Tokens.opaqueId())
            }
            let all = try await store.organizations.all()
            guard all.count == 1 else {
                throw CommandFailure(all.isEmpty ? "There is no organization yet: pass --org NAME to create one."
                                                 : "There are several organizations: pass --org NAME.")
            }
            return all[0]
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Work with the audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain; exit 0 when intact, 1 naming the first bad entry.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let result = try await storage.withStore(logger: makeLogger()) { try await $0.audit.verify() }
            switch result {
            case .intact(let count):
                print("The audit log is intact: \(count) entries.")
            case .broken(let seq, let reason):
                FileHandle.standardError.write(Data("The audit log is NOT intact. First bad entry: \(seq) — \(reason)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
