import ArgumentParser
import Foundation
import WaypointCore
import WaypointStore

/// `waypoint demo seed`: fictional records in the demo organization, so reports, dashboards and
/// benchmarks have something to show.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "The demonstration organization.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill the demo organization with synthetic records across every module.",
            discussion: """
                Each client gets 20 case events (2 referrals, 6 services, 8 notes, 4 tasks; one in six is closed); ten screenings per \
                client and one crisis-line contact for every two are added, spread over the last two years, and one youth \
                program exit (the HMIS R15/R16 form) for every ten. Aliases read \
                "Synthetic client N" and programs end in "(synthetic)". The demo organization and its users are created first if \
                they do not exist (password from WAYPOINT_DEMO_PASSWORD or generated and printed once).
                """)
        @OptionGroup var storage: StorageOptions
        @Option(help: "How many synthetic clients to add (1–1,000,000).") var clients: Int

        func validate() throws {
            guard (1...1_000_000).contains(clients) else { throw ValidationError("--clients must be between 1 and 1,000,000.") }
        }

        func run() async throws {
            let clients = self.clients
            let started = ContinuousClock.now
            let summary = try await storage.withStore(logger: makeLogger()) { store -> SyntheticData.Summary in
                let password = ProcessInfo.processInfo.environment["WAYPOINT_DEMO_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
                if let created = try await DemoSetup.ensure(in: store, password: password) {
                    say("Demo organization \"\(DemoSetup.organizationName)\" created; users: \(DemoSetup.users.map(\.username).joined(separator: ", "))")
                    if password == nil { say("Password (shown once): \(created)") }
                }
                guard let organization = try await store.organizations.named(DemoSetup.organizationName) else {
                    throw CommandFailure("The demo organization could not be found.")
                }
                do {
                    return try await store.syntheticData.seed(orgId: organization.id, clients: clients) { step in
                        if step.hasSuffix("0000/\(clients)") || step.hasSuffix("/\(clients)") && step.hasPrefix("clients") { say(step) }
                    }
                } catch let error as SyntheticData.MissingStaff { throw CommandFailure(error.description) }
            }
            say("Added \(summary.clients) synthetic clients (\(summary.caseEvents) case events), \(summary.screenings) screenings, "
                + "\(summary.crisisContacts) crisis-line contacts, \(summary.youthExits) youth exits in \(BackupCommand.seconds(since: started)).")
        }
    }
}
