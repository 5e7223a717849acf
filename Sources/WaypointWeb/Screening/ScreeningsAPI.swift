import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/instruments` and `/api/v1/screenings`.
struct ScreeningsAPI {
    let store: Store

    /// Answers as an array in question order, or an object keyed by linkId.
    enum AnswersInput: Decodable {
        case positional([String])
        case keyed([String: String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([String].self) { self = .positional(list); return }
            self = .keyed(try container.decode([String: String].self))
        }

        func input() throws -> AnswerInput {
            switch self {
            case .positional(let words): .positional(try words.map(ScreenAnswer.init(word:)))
            case .keyed(let map): .keyed(try map.mapValues(ScreenAnswer.init(word:)))
            }
        }
    }

    struct ScreeningBody: Decodable {
        let instrument: String
        let age: Int
        let answers: AnswersInput
        let idempotencyKey: String
        let state: String?
        let concern: Concern?
        let danger: Bool?
        let companionPresent: Bool?
        let consentToReferral: Bool?
        let foreignNational: Bool?
        let dependentAdult: Bool?
        let note: String?
        let language: String?
        let setting: String?
    }

    struct ScreeningView: Encodable {
        let id: String, createdAt: Date, instrument: String, instrumentVersion: String?, result: ScreenResult
        let yes: Int, open: Int, warnings: [String], missing: [String], actions: [WordedAction], note: String?
        init(_ record: ScreeningRecord, includeNote: Bool, language: Language) {
            let strings = Localizer(language)
            id = record.id
            createdAt = record.createdAt
            instrument = record.outcome.instrument
            instrumentVersion = record.outcome.version
            result = record.outcome.result
            yes = record.outcome.yes
            open = record.outcome.open
            warnings = record.outcome.warnings.map { strings($0) }
            missing = record.outcome.missing
            actions = record.actions.map { WordedAction($0, in: strings) }
            note = includeNote ? record.request.note : nil
        }
    }

    struct InstrumentList: Encodable { let instruments: [InstrumentInfo] }

    struct IndicatorView: Encodable {
        let id: String, text: String, kind: Indicator.Kind, population: Indicator.Population, sector: String, source: String
    }
    struct IndicatorList: Encodable { let indicators: [IndicatorView] }

    func register(on api: APIRoutes) {
        api.get("/instruments", .signedIn) { _, context in
            let tenant = try context.tenant()
            return try JSONBody.response(InstrumentList(instruments: try await store.instruments.catalog(for: tenant).instruments))
        }
        api.get("/instruments/:id", .signedIn) { _, context in
            let tenant = try context.tenant()
            let questionnaire = try await store.instruments.catalog(for: tenant).questionnaire(try context.parameters.require("id"))
            return try fhir(questionnaire.raw)
        }
        api.get("/indicators", .signedIn) { request, context in
            _ = try context.tenant()
            let library = IndicatorLibrary.bundled
            var signs = library.indicators
            if let text = request.uri.queryParameters["age"] {
                guard let age = Int(text), (0...130).contains(age) else { throw ScreeningError.invalidAge(Int(text) ?? -1) }
                signs = library.forAge(age)
            }
            return try JSONBody.response(IndicatorList(indicators: signs.map {
                IndicatorView(id: $0.id, text: $0.text(in: context.language), kind: $0.kind, population: $0.population,
                              sector: $0.sector, source: $0.source)
            }))
        }
        api.post("/screenings", .permission(.screen), use: create)
        api.get("/screenings/:id", .permission(.screen), scope: .organization, use: read)
        api.post("/screenings/:id/handover", .permission(.handOverScreening), scope: .organization, outbound: .handover, use: handOver)
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        // Refused before the body is read: a role that may not screen learns nothing from validation.
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(ScreeningBody.self, from: request, context: context)
        let (record, created) = try await ScreeningFlow(store: store).submit(in: tenant) { routes in
            ScreeningSubmission(
                instrument: body.instrument,
                encounter: try Encounter(age: body.age, language: body.language, setting: body.setting,
                                         companionPresent: body.companionPresent ?? false, state: body.state, routes: routes),
                answers: try body.answers.input(), concern: body.concern ?? .none, danger: body.danger ?? false,
                consentToReferral: body.consentToReferral ?? false, foreignNational: body.foreignNational ?? false,
                dependentAdult: body.dependentAdult ?? false, note: body.note ?? "", idempotencyKey: body.idempotencyKey)
        }
        return try JSONBody.response(ScreeningView(record, includeNote: false, language: context.language), status: created ? .created : .ok)
    }

    /// `{"consent": true, "alias", "case_manager_id"}` → 201 `{"client_id", "eligibility_id"}`.
    @Sendable func handOver(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(ScreeningHandover.self, from: request, context: context)
        return try JSONBody.response(try await store.cases.handOver(screening: try context.parameters.require("id"), body, in: tenant), status: .created)
    }

    @Sendable func read(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let record = try await store.screenings.find(try context.parameters.require("id"), in: try context.tenant())
        if request.uri.queryParameters["format"] == "fhir" {
            guard case .object(var response) = record.outcome.response else { throw AccessError.notFound }
            response["id"] = .string(record.id)
            response["authored"] = .string(ISO8601DateFormatter().string(from: record.createdAt))
            return try fhir(.object(response))
        }
        return try JSONBody.response(ScreeningView(record, includeNote: true, language: context.language))
    }

    func fhir(_ resource: JSONValue) throws -> Response { try JSONBody.document(resource, contentType: "application/fhir+json") }
}
