import Foundation

/// Where the screen happens and who is in the room. No name: none is needed, and none is asked for.
public struct Encounter: Sendable, Equatable {
    /// The settings a clinician picks from; anything else is refused.
    public static let settings = ["ed", "clinic", "school", "shelter", "other"]

    public let age: Int
    public let language: Language
    public let setting: String
    public let companionPresent: Bool
    /// Two-letter postal code of a US state or territory; nil when not given. States missing from
    /// the reporting table plan with its labelled fallback route.
    public let state: String?

    /// USPS codes of the states, the District of Columbia and the territories.
    public static let postalCodes: Set<String> = Set("""
        AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC \
        SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP
        """.split(separator: " ").map(String.init))

    /// The same checks for every way in (pages, API, command line). A state that is not a postal
    /// code is refused rather than dropped: it picks the child-abuse reporting route, and a silently
    /// ignored "Texas" would plan with the fallback instead of Texas's own line.
    public init(age: Int, language: String?, setting: String?, companionPresent: Bool, state: String?,
                routes: JurisdictionTable) throws {
        guard (0...130).contains(age) else { throw ScreeningError.invalidAge(age) }
        let languageCode = (language ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard let parsed = languageCode.isEmpty ? .en : Language(rawValue: languageCode) else {
            throw ScreeningError.invalidEncounter(field: "language")
        }
        let settingCode = (setting ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard settingCode.isEmpty || Self.settings.contains(settingCode) else { throw ScreeningError.invalidEncounter(field: "setting") }
        let stateCode = (state ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard stateCode.isEmpty || Self.postalCodes.contains(stateCode) || routes.states.contains(where: { $0.code == stateCode }) else {
            throw ScreeningError.invalidEncounter(field: "state")
        }
        self.age = age
        self.language = parsed
        self.setting = settingCode.isEmpty ? "other" : settingCode
        self.companionPresent = companionPresent
        self.state = stateCode.isEmpty ? nil : stateCode
    }
}

/// Answers as a shell received them: in question order (the command line, an API array) or keyed
/// by the questions' linkIds (the pages, an API object).
public enum AnswerInput: Sendable, Equatable {
    case positional([ScreenAnswer])
    case keyed([String: ScreenAnswer])
}

/// One screen as submitted, before anything is decided about it.
public struct ScreeningSubmission: Sendable, Equatable {
    public var instrument: String
    public var encounter: Encounter
    public var answers: AnswerInput
    public var concern: Concern
    public var danger: Bool
    public var consentToReferral: Bool
    /// Not a U.S. citizen or lawful permanent resident (as far as the clinician knows).
    public var foreignNational: Bool
    /// An adult who depends on others for care (adult protective services may apply).
    public var dependentAdult: Bool
    public var note: String
    /// Chosen by the client so a retried request is stored once; empty for a screen not stored.
    public var idempotencyKey: String

    public init(instrument: String, encounter: Encounter, answers: AnswerInput, concern: Concern = .none, danger: Bool = false,
                consentToReferral: Bool = false, foreignNational: Bool = false, dependentAdult: Bool = false,
                note: String = "", idempotencyKey: String = "") {
        self.instrument = instrument
        self.encounter = encounter
        self.answers = answers
        self.concern = concern
        self.danger = danger
        self.consentToReferral = consentToReferral
        self.foreignNational = foreignNational
        self.dependentAdult = dependentAdult
        self.note = note
        self.idempotencyKey = idempotencyKey
    }
}

/// A screen scored and planned: what the clinician is shown, and (once submitted) what is stored.
public struct ScreeningAssessment: Sendable, Equatable {
    public let request: ScreeningRequest
    public let outcome: ScreenOutcome
    public let actions: [PlannedAction]
    /// What to say before the first question.
    public let confidentiality: LocalizedText
}

/// The screening use cases. Pure: the reporting routes and the instruments are passed in.
public enum ScreeningUseCases {

    /// Scores and plans; stores nothing (the command line's `screen`, and the first half of `submit`).
    public static func assess(_ submission: ScreeningSubmission, routes: JurisdictionTable, now: Date,
                              screener: Screener = Screener()) throws -> ScreeningAssessment {
        let encounter = submission.encounter
        let answers: [String: ScreenAnswer] = switch submission.answers {
        case .positional(let list): try screener.keyed(submission.instrument, positional: list)
        case .keyed(let map): map
        }
        let outcome = try screener.screen(submission.instrument, age: encounter.age, answers: answers, now: now)
        let planner = ResponsePlanner(jurisdictions: routes)
        let actions = planner.plan(PlanInput(age: encounter.age, result: outcome.result, concern: submission.concern,
                                             danger: submission.danger, companionPresent: encounter.companionPresent,
                                             state: encounter.state, consentToReferral: submission.consentToReferral,
                                             foreignNational: submission.foreignNational, dependentAdult: submission.dependentAdult))
        let request = ScreeningRequest(
            instrument: submission.instrument, age: encounter.age, language: encounter.language.rawValue, setting: encounter.setting,
            answers: answers, state: encounter.state, concern: submission.concern, danger: submission.danger,
            companionPresent: encounter.companionPresent, consentToReferral: submission.consentToReferral,
            foreignNational: submission.foreignNational, dependentAdult: submission.dependentAdult, note: submission.note, idempotencyKey: submission.idempotencyKey.trimmingCharacters(in: .whitespaces))
        return ScreeningAssessment(request: request, outcome: outcome, actions: actions,
                                   confidentiality: planner.confidentiality(age: encounter.age, state: encounter.state))
    }

    /// Submitting a screen at the point of care: the role, the key that keeps a retry from being
    /// stored twice, then the assessment. The result is what the store keeps, as decided here.
    public static func submit(_ submission: ScreeningSubmission, by role: Role, routes: JurisdictionTable, now: Date,
                              screener: Screener = Screener()) throws -> ScreeningAssessment {
        guard Policy.allows(role, .screen) else { throw AccessError.forbidden }
        let key = submission.idempotencyKey.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.count <= 200 else { throw ScreeningError.idempotencyKeyMissing }
        return try assess(submission, routes: routes, now: now, screener: screener)
    }
}

/// A screening as stored: the encounter, the answers by linkId and the clinician's choices. The
/// plan is stored beside it as made, so the record shows what the clinician was told even if the
/// rules or the state table change later.
public struct ScreeningRequest: Sendable, Codable, Equatable {
    public var instrument: String
    public var age: Int
    public var language: String
    public var setting: String
    public var answers: [String: ScreenAnswer]
    public var state: String?
    public var concern: Concern
    public var danger: Bool
    public var companionPresent: Bool
    public var consentToReferral: Bool
    public var foreignNational: Bool
    public var dependentAdult: Bool
    public var note: String
    public var idempotencyKey: String

    public init(instrument: String, age: Int, language: String = "en", setting: String = "", answers: [String: ScreenAnswer],
                state: String? = nil, concern: Concern = .none, danger: Bool = false, companionPresent: Bool = false,
                consentToReferral: Bool = false, foreignNational: Bool = false, dependentAdult: Bool = false,
                note: String = "", idempotencyKey: String) {
        self.foreignNational = foreignNational
        self.dependentAdult = dependentAdult
        self.instrument = instrument
        self.age = age
        self.language = language
        self.setting = setting
        self.answers = answers
        self.state = state
        self.concern = concern
        self.danger = danger
        self.companionPresent = companionPresent
        self.consentToReferral = consentToReferral
        self.note = note
        self.idempotencyKey = idempotencyKey
    }
}

extension ScreeningRequest {
    /// Records stored before the foreign-national and dependent-adult questions read as "no".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(instrument: try container.decode(String.self, forKey: .instrument), age: try container.decode(Int.self, forKey: .age),
                  language: try container.decode(String.self, forKey: .language), setting: try container.decode(String.self, forKey: .setting),
                  answers: try container.decode([String: ScreenAnswer].self, forKey: .answers),
                  state: try container.decodeIfPresent(String.self, forKey: .state), concern: try container.decode(Concern.self, forKey: .concern),
                  danger: try container.decode(Bool.self, forKey: .danger), companionPresent: try container.decode(Bool.self, forKey: .companionPresent),
                  consentToReferral: try container.decode(Bool.self, forKey: .consentToReferral),
                  foreignNational: try container.decodeIfPresent(Bool.self, forKey: .foreignNational) ?? false,
                  dependentAdult: try container.decodeIfPresent(Bool.self, forKey: .dependentAdult) ?? false,
                  note: try container.decode(String.self, forKey: .note), idempotencyKey: try container.decode(String.self, forKey: .idempotencyKey))
    }
}

/// A stored screening: the request, the scored outcome and the plan made at the time.
public struct ScreeningRecord: Sendable, Codable, Equatable {
    /// The card given to a young person carries the child-abuse line of their state as well.
    public var cardShowsChildLine: Bool { request.age < 18 }

    public let id: String
    public let createdAt: Date
    public let request: ScreeningRequest
    public let outcome: ScreenOutcome
    public let actions: [PlannedAction]

    public init(id: String, createdAt: Date, request: ScreeningRequest, outcome: ScreenOutcome, actions: [PlannedAction]) {
        self.id = id
        self.createdAt = createdAt
        self.request = request
        self.outcome = outcome
        self.actions = actions
    }
}

public struct ScreeningSummary: Sendable, Equatable {
    public let id: String
    public let createdAt: Date
    public let instrument: String
    public let result: ScreenResult

    public init(id: String, createdAt: Date, instrument: String, result: ScreenResult) {
        self.id = id
        self.createdAt = createdAt
        self.instrument = instrument
        self.result = result
    }
}
