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

/// `waypoint indicators list`: the cited signs that call for further assessment.
struct IndicatorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "indicators", abstract: "Observable signs, with sources.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the indicator library: sex and labor, minors and adults, by sector, each with its source.",
            discussion: "A sign calls for a private, further assessment; it never decides anything. Needs no database.")
        @Option(help: "Only the signs that apply to this age") var age: Int?
        @Option(help: "Wording language: en or es") var language: Language = .en
        @Flag var json = false

        struct Row: Encodable {
            let id: String, text: String, kind: Indicator.Kind, population: Indicator.Population, sector: String, source: String
        }

        func run() async throws {
            let library = IndicatorLibrary.bundled
            let signs = age.map { library.forAge($0) } ?? library.indicators
            let rows = signs.map { Row(id: $0.id, text: $0.text(in: language), kind: $0.kind, population: $0.population, sector: $0.sector, source: $0.source) }
            if json { return try printJSON(rows) }
            for row in rows { say("[\(row.kind.rawValue), \(row.population.rawValue), \(row.sector)] \(row.text)\n   Source: \(row.source)") }
        }
    }
}

extension Language: ExpressibleByArgument {}
