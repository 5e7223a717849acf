import ArgumentParser
import Foundation
import WaypointCore

extension Concern: ExpressibleByArgument {}

/// Pretty, stable JSON for command output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    say(String(decoding: try encoder.encode(value), as: UTF8.self))
}

struct InstrumentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "instruments", abstract: "Screening instruments shipped with Waypoint.",
                                                    subcommands: [List.self, Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an organization's own licensed copy of a tool Waypoint lists but does not ship (RAFT, TVIT, AHTST).",
            discussion: "FILE is a FHIR R4 Questionnaire; the engine's loader checks it before it is stored for that organization only. The import is audited.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The Questionnaire JSON file") var file: String
        @Option(help: "Which catalog entry the copy stands for, e.g. raft") var id: String
        @Option(help: "Organization name (needed when there is more than one).") var org: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file): cannot read the file") }
            let (id, org) = (id, org)
            try await storage.withStore(logger: makeLogger()) { store in
                let organization = try await UserCommand.Add.organization(named: org, in: store, create: false)
                do {
                    try await store.instruments.importCopy(data, as: id, orgId: organization.id, actorId: "system",
                                                           requestId: "cli-" + Tokens.opaqueId())
                } catch let error as InstrumentImportError {
                    throw CommandFailure(Localizer.english[error.messageKey] + " " + (error.detail.map(\.english) ?? ""))
                }
            }
            say("Imported \(id) for this organization; its clinicians can now choose it.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the instruments, their populations and status. Needs no database.")
        @Flag var json = false

        func run() async throws {
            let instruments = InstrumentCatalog.bundled.instruments
            if json { return try printJSON(instruments) }
            for info in instruments {
                let status = info.isAvailable ? (info.validated ? "validated" : "NOT VALIDATED") : "unavailable"
                say("\(info.id.padding(toLength: 14, withPad: " ", startingAt: 0)) \(info.shortName.padding(toLength: 14, withPad: " ", startingAt: 0)) ages \(info.minAge)–\(info.maxAge)  \(status)")
                if let reason = info.unavailableReason { say("    \(reason)") }
            }
        }
    }
}

struct ScreenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Score a screen and plan the response. Needs no database; nothing is stored.",
        discussion: "Answers are given in question order: yes, no, declined, unknown or not-asked.")

    @Argument(help: "Instrument id (see `waypoint instruments list`)") var instrument: String
    @Option var age: Int
    @Option(help: "Comma-separated answers in question order") var answers: String
    @Option(help: "Two-letter US state for the reporting route") var state: String?
    @Option(help: "Disclosure or reasonable suspicion: sex, labor, both or none") var disclosed: Concern = .none
    @Flag(help: "Someone is in immediate danger") var danger = false
    @Flag(help: "A companion is present") var companion = false
    @Flag(help: "The person consented to a referral") var consent = false
    @Flag(help: "Not a U.S. citizen or lawful permanent resident (as far as known)") var foreignNational = false
    @Flag(help: "An adult who depends on others for care (adult protective services)") var dependentAdult = false
    @Flag var json = false

    struct Output: Encodable {
        let result: ScreenResult
        let yes: Int
        let open: Int
        let warnings: [String]
        let missing: [String]
        let confidentiality: String
        let actions: [WordedAction]
    }

    func run() async throws {
        do {
            let words = answers.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let routes = JurisdictionTable.bundled
            let submission = ScreeningSubmission(
                instrument: instrument,
                encounter: try Encounter(age: age, language: nil, setting: nil, companionPresent: companion, state: state, routes: routes),
                answers: .positional(try words.map(ScreenAnswer.init(word:))), concern: disclosed, danger: danger, consentToReferral: consent,
                foreignNational: foreignNational, dependentAdult: dependentAdult)
            // The same use case the pages and the API submit through, minus storage.
            let assessment = try ScreeningUseCases.assess(submission, routes: routes, now: Date())
            let (outcome, actions) = (assessment.outcome, assessment.actions)
            let output = Output(result: outcome.result, yes: outcome.yes, open: outcome.open, warnings: outcome.warnings.map(\.english), missing: outcome.missing,
                                confidentiality: assessment.confidentiality.english, actions: actions.map { WordedAction($0, in: .english) })
            if json { return try printJSON(output) }
            say("Result: \(outcome.result.rawValue) (yes \(outcome.yes), open \(outcome.open))")
            outcome.warnings.forEach { say("Warning: \($0.english)") }
            if !outcome.missing.isEmpty { say("Not answered (required): \(outcome.missing.joined(separator: ", "))") }
            // With a companion present, the steps that need a private word come last, under their own heading.
            let now = actions.filter { !$0.whenAlone }, alone = actions.filter(\.whenAlone)
            for (index, action) in (now + alone).enumerated() {
                if index == now.count && !alone.isEmpty { say(Localizer.english["plan_when_alone"] + ":") }
                say("\(index + 1). [\(action.kind.rawValue)] \(action.instruction)\n   Why: \(action.reason)\n   Source: \(action.source)")
            }
        } catch let error as ScreeningError {
            throw CommandFailure(error.detail?.english ?? Localizer(.en)[error.messageKey])
        }
    }
}
