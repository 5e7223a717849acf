import ArgumentParser
import Foundation
import WaypointCore

extension ICD10Assistant.ExploitationType: ExpressibleByArgument {}
extension ICD10Assistant.Status: ExpressibleByArgument {}
extension ICD10Assistant.Encounter: ExpressibleByArgument {}

struct ICD10Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "icd10", abstract: "ICD-10-CM documentation help.", subcommands: [Suggest.self])

    struct Suggest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suggest the ICD-10-CM code and the safety check to do before attaching it. Needs no database.")
        @Option(help: "sex or labor") var type: ICD10Assistant.ExploitationType
        @Option(help: "confirmed, suspected, ruled-out or history") var status: ICD10Assistant.Status
        @Option(help: "Age in years") var age: Int
        @Option(help: "Age in years when the exploitation happened (child or adult code follows it); needed for history and for subsequent or sequela encounters")
        var ageAtExploitation: Int?
        @Option(help: "initial, subsequent or sequela") var encounter: ICD10Assistant.Encounter

        func validate() throws {
            guard (0...130).contains(age) else { throw ValidationError("--age must be between 0 and 130") }
            if let ageAtExploitation, !(0...age).contains(ageAtExploitation) {
                throw ValidationError("--age-at-exploitation must be between 0 and --age")
            }
        }

        func run() async throws {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            do {
                let suggestion = try ICD10Assistant.suggest(type: type, status: status, age: age, ageAtExploitation: ageAtExploitation, encounter: encounter)
                say(String(decoding: try encoder.encode(suggestion), as: UTF8.self))
            } catch let error as ICD10Assistant.CodingError {
                throw CommandFailure(error.detail?.english ?? Localizer.english[error.messageKey])
            }
        }
    }
}
