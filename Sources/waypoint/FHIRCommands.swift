import ArgumentParser
import Foundation
import WaypointCore

struct FHIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fhir", abstract: "Work with FHIR Questionnaires.", subcommands: [Evaluate.self])

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a QuestionnaireResponse: enabled items, final values, score (JSON on stdout).",
            discussion: "CONTEXT maps SDC launch-context names to resources, e.g. {\"patient\": {...}}. Needs no database.")
        @Argument var questionnaire: String
        @Argument var response: String
        @Argument var context: String?

        func run() async throws {
            do {
                let form = try Questionnaire.load(try read(questionnaire))
                let answers = try JSONValue.parse(try read(response))
                var launch: [String: JSONValue] = [:]
                if let context {
                    guard case .object(let fields) = try JSONValue.parse(try read(context)) else {
                        throw CommandFailure("\(context): the launch context must be a JSON object of name → resource")
                    }
                    launch = fields
                }
                let evaluation = try QuestionnaireEngine(form).evaluate(response: answers, context: launch, now: Date(), timeZone: .current)
                say(EvaluationReport.encoded(EvaluationReport.json(evaluation, questionnaire: form)))
            } catch let error as FHIRLoadError {
                throw CommandFailure(error.description)
            } catch let error as FHIRPathEvaluationError {
                throw CommandFailure("An expression could not be evaluated: \(error.message)")
            }
        }

        func read(_ path: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the file") }
            return data
        }
    }
}
