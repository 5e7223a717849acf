import ArgumentParser
import Foundation
import WaypointCore

/// `waypoint jurisdictions list`: the reporting routes shipped with Waypoint, with their sources.
struct JurisdictionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jurisdictions", abstract: "Reporting routes by state.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every state's child-abuse and adult-protective-services routes, the verified duties, and the fallback.",
            discussion: "Each route names its source page and the date it was verified; members that could not be verified are null and listed in not_verified. Needs no database; an organization's own corrections are on /admin/routes.")
        @Flag var json = false

        func run() async throws {
            let table = JurisdictionTable.bundled
            let all = table.states.sorted { $0.code < $1.code } + [table.fallback]
            if json { return try printJSON(all) }
            for state in all {
                say("\(state.code) \(state.name)")
                say("  child abuse: \(state.childReport.agency), \(state.childReport.phone) (\(state.childReport.source), verified \(state.childReport.verified))")
                if !state.childReport.notVerified.isEmpty { say("    not verified: \(state.childReport.notVerified.joined(separator: ", "))") }
                if let aps = state.aps { say("  adult protective services: \(aps.agency), \(aps.phone) (\(aps.source), verified \(aps.verified))") }
                for duty in state.duties { say("  duty: \(duty.text) [\(duty.citation)]") }
            }
        }
    }
}
