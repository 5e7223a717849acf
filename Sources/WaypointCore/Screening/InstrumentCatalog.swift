import Foundation

/// What we know about a screening instrument: who it is for, how it scores, how well it was
/// validated, where it comes from — and, for tools we could not encode faithfully, why not.
public struct InstrumentInfo: Codable, Sendable, Equatable {
    public struct Scoring: Codable, Sendable, Equatable {
        /// `count-threshold`, `determination` (interviewer decides), `none` (data collection), `unknown`.
        public let rule: String
        public let threshold: Int?
    }

    public let id: String
    public internal(set) var status: String
    public internal(set) var file: String?
    public let shortName: String
    public let name: String
    public let exploitation: String
    public let minAge: Int
    public let maxAge: Int
    public let setting: String
    public let mode: String
    public let scoring: Scoring
    public let validated: Bool
    public let validation: String
    public let citation: String
    public internal(set) var licence: String
    public internal(set) var unavailableReason: String?
    /// Who the validation studies enrolled, in plain words, for the page where the tool is chosen.
    public let population: String?
    /// An upper age some programs use the tool to by policy, beyond its validation population.
    public let policyMaxAge: Int?
    public let policy: String?

    public var isAvailable: Bool { status == "available" && file != nil }
    /// The validation population's ages.
    public func covers(age: Int) -> Bool { (minAge...maxAge).contains(age) }
    /// Validated for this age, or used for it by a published policy (with a warning).
    public func usable(forAge age: Int) -> Bool { covers(age: age) || (policyMaxAge.map { (minAge...$0).contains(age) } ?? false) }
}

public enum ScreeningError: UserFacingError, Equatable {
    case unknownInstrument(String)
    case instrumentUnavailable(String, reason: String)
    case wrongNumberOfAnswers(expected: Int, got: Int)
    case unknownAnswer(String)
    case unknownItem(String)
    case invalidAge(Int)
    /// The language, setting or state of the encounter is not one we know.
    case invalidEncounter(field: String)
    case idempotencyKeyMissing

    public var messageKey: String {
        switch self {
        case .invalidEncounter: "error_invalid_encounter"
        case .idempotencyKeyMissing: "error_malformed"
        case .unknownInstrument: "error_unknown_instrument"
        case .instrumentUnavailable: "error_instrument_unavailable"
        case .wrongNumberOfAnswers: "error_wrong_number_of_answers"
        case .unknownAnswer: "error_unknown_answer"
        case .unknownItem: "error_unknown_item"
        case .invalidAge: "error_invalid_age"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .unknownInstrument: .notFound
        case .instrumentUnavailable: .conflict
        case .idempotencyKeyMissing: .malformed
        default: .invalid
        }
    }

    public var field: String? {
        switch self {
        case .wrongNumberOfAnswers, .unknownAnswer, .unknownItem: "answers"
        case .invalidAge: "age"
        case .invalidEncounter(let field): field
        case .idempotencyKeyMissing: "idempotency_key"
        default: "instrument"
        }
    }

    /// Detail for the command line, pages and problem documents.
    public var detail: LocalizedText? {
        switch self {
        case .unknownInstrument(let id): LocalizedText("error_detail_unknown_instrument", ["id": id.debugDescription])
        case .instrumentUnavailable(let id, let reason): LocalizedText("error_detail_instrument_unavailable", ["id": id, "reason": reason])
        case .wrongNumberOfAnswers(let expected, let got):
            LocalizedText("error_detail_wrong_number_of_answers", ["expected": String(expected), "got": String(got)])
        case .unknownAnswer(let word): LocalizedText("error_detail_unknown_answer", ["word": word.debugDescription])
        case .unknownItem(let linkId): LocalizedText("error_detail_unknown_item", ["item": linkId.debugDescription])
        case .invalidAge(let age): LocalizedText("error_detail_invalid_age", ["age": String(age)])
        case .invalidEncounter(let field): switch field {
            case "language": LocalizedText("error_detail_encounter_language", ["values": Language.allCases.map(\.rawValue).joined(separator: ", ")])
            case "setting": LocalizedText("error_detail_encounter_setting", ["values": Encounter.settings.joined(separator: ", ")])
            default: LocalizedText("error_detail_encounter_state")
            }
        case .idempotencyKeyMissing: LocalizedText("error_detail_idempotency_key")
        }
    }
}

/// An organization's copy of an instrument was refused.
public enum InstrumentImportError: UserFacingError, Equatable {
    case notImportable(String, importable: [String])
    case invalid(String)

    public var messageKey: String { "error_instrument_import" }
    public var kind: FailureKind { .invalid }
    public var field: String? { "questionnaire" }
    public var detail: LocalizedText? {
        switch self {
        case .notImportable(let id, let importable):
            LocalizedText("error_detail_instrument_not_importable", ["id": id, "ids": importable.joined(separator: ", ")])
        case .invalid(let reason): LocalizedText("error_detail_instrument_invalid", ["reason": reason])
        }
    }
}

/// The instruments shipped in `Resources/instruments`, loaded once.
public struct InstrumentCatalog: Sendable {
    public let instruments: [InstrumentInfo]
    private let questionnaires: [String: Questionnaire]
    private let engines: [String: QuestionnaireEngine]

    static let loaded = BundledResources.load("instruments/catalog.json") { data in
        try InstrumentCatalog(catalog: data) { file in
            let path = "instruments/" + file
            do { return try Questionnaire.load(try BundledResources.data(path)) } catch let error as BundledResourceError { throw error } catch {
                throw BundledResourceError(file: path, reason: "is not a valid Questionnaire (\(error))")
            }
        }
    }

    public static var bundled: InstrumentCatalog { loaded.loadedValue }

    init(catalog: Data, questionnaire: (String) throws -> Questionnaire) throws {
        let infos = try JSONDecoder().decode([String: [InstrumentInfo]].self, from: catalog)["instruments"] ?? []
        var questionnaires: [String: Questionnaire] = [:]
        for info in infos where info.isAvailable {
            questionnaires[info.id] = try questionnaire(info.file!)
        }
        self.instruments = infos
        self.questionnaires = questionnaires
        self.engines = questionnaires.mapValues(QuestionnaireEngine.init)
    }

    private init(instruments: [InstrumentInfo], questionnaires: [String: Questionnaire]) {
        self.instruments = instruments
        self.questionnaires = questionnaires
        self.engines = questionnaires.mapValues(QuestionnaireEngine.init)
    }

    /// This catalog with an organization's own copies of tools we do not ship (imported under the
    /// organization's licence): those entries become available to that organization only.
    public func with(imported: [String: Questionnaire]) -> InstrumentCatalog {
        guard !imported.isEmpty else { return self }
        var questionnaires = self.questionnaires
        let infos = instruments.map { info -> InstrumentInfo in
            guard let form = imported[info.id], !info.isAvailable else { return info }
            questionnaires[info.id] = form
            var copy = info
            copy.status = "available"
            copy.file = "imported"
            copy.unavailableReason = nil
            copy.licence = "Imported by this organization under its own licence; " + info.licence
            return copy
        }
        return InstrumentCatalog(instruments: infos, questionnaires: questionnaires)
    }

    /// Checks an organization's copy of a tool we do not ship before it is stored: the engine's
    /// loader must accept it, it must stand for one of the catalog's unavailable entries, and every
    /// question must be answerable on the screening pages.
    public func checkImport(_ data: Data, as id: String) throws -> Questionnaire {
        guard let info = instruments.first(where: { $0.id == id }), !info.isAvailable else {
            throw InstrumentImportError.notImportable(id, importable: instruments.filter { !$0.isAvailable }.map(\.id))
        }
        let form: Questionnaire
        do { form = try Questionnaire.load(data) } catch let error as FHIRLoadError {
            throw InstrumentImportError.invalid(error.description)
        }
        guard !form.questions.isEmpty else { throw InstrumentImportError.invalid("it has no questions") }
        if let item = form.questions.first(where: { !["choice", "boolean", "coding"].contains($0.type) }) {
            throw InstrumentImportError.invalid("question \(item.linkId) is of type \(item.type); only choice or boolean questions can be asked here")
        }
        return form
    }

    public func info(_ id: String) throws -> InstrumentInfo {
        guard let info = instruments.first(where: { $0.id == id }) else { throw ScreeningError.unknownInstrument(id) }
        return info
    }

    public func questionnaire(_ id: String) throws -> Questionnaire {
        let info = try info(id)
        guard info.isAvailable, let questionnaire = questionnaires[id] else {
            throw ScreeningError.instrumentUnavailable(id, reason: info.unavailableReason ?? "not shipped")
        }
        return questionnaire
    }

    /// The instrument's engine, prepared once when the catalog loads.
    public func engine(_ id: String) throws -> QuestionnaireEngine {
        _ = try questionnaire(id)
        return engines[id]!
    }

    /// The validated, available screen for a person of this age (clinicians may pick another).
    public func suggested(forAge age: Int) -> InstrumentInfo? {
        instruments.first { $0.isAvailable && $0.validated && $0.scoring.rule == "count-threshold" && $0.covers(age: age) }
            ?? instruments.first { $0.isAvailable && $0.validated && $0.scoring.rule == "count-threshold" && $0.usable(forAge: age) }
    }
}
