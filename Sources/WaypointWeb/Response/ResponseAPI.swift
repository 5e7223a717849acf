import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/coding-suggestions`: the documentation assistant the result page offers, for systems
/// that document elsewhere. The code comes with the same safety check and guideline reminders.
struct ResponseAPI {
    let store: Store

    struct CodingBody: Decodable {
        let type: ICD10Assistant.ExploitationType
        let status: ICD10Assistant.Status
        let age: Int
        let ageAtExploitation: Int?
        let encounter: ICD10Assistant.Encounter
    }

    struct CodingView: Encodable {
        let code: String, description: String, rationale: String
        let safetyCheck: [String], reminders: [String], securityLabels: [String]
    }

    func register(on api: APIRoutes) {
        api.post("/coding-suggestions", .permission(.screen), use: codingSuggestion)
    }

    @Sendable func codingSuggestion(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        // The clinician's tool: other roles are refused before the body is read.
        _ = try context.tenant()
        let body = try await JSONBody.decode(CodingBody.self, from: request, context: context)
        let suggestion = try ICD10Assistant.suggest(type: body.type, status: body.status, age: body.age,
                                                    ageAtExploitation: body.ageAtExploitation, encounter: body.encounter)
        let strings = Localizer(context.language)
        return try JSONBody.response(CodingView(
            code: suggestion.code, description: suggestion.description, rationale: suggestion.rationale(in: strings),
            safetyCheck: ICD10Assistant.safetyCheck.map { strings($0) }, reminders: suggestion.reminders(in: strings),
            securityLabels: suggestion.securityLabels))
    }
}
