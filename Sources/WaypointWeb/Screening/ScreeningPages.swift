import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// The point-of-care flow: start (no name) → before you ask → questions → result and plan → card.
/// Every step posts its data; only the stored screening's random id ever appears in a URL.
struct ScreeningPages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/screenings", .permission(.screen), use: list)
        router.get("/screenings/new", .permission(.screen), use: start)
        router.post("/screenings/prepare", .permission(.screen), use: prepare)
        router.post("/screenings/questions", .permission(.screen), use: questions)
        router.post("/screenings", .permission(.screen), use: save)
        router.get("/screenings/:id", .permission(.screen), scope: .organization, use: result)
        router.get("/screenings/:id/card", .permission(.screen), scope: .organization, use: card)
        router.post("/screenings/:id/coding", .permission(.screen), scope: .organization, use: coding)
        router.post("/screenings/:id/handover", .permission(.handOverScreening), scope: .organization, outbound: .handover, use: handOver)
    }

    /// The encounter facts, checked by the core, carried from step to step in hidden fields.
    static func encounter(form: [String: String], routes: JurisdictionTable) throws -> Encounter {
        guard let age = Int(form["age"] ?? "") else { throw ScreeningError.invalidAge(-1) }
        return try Encounter(age: age, language: form["patient_language"], setting: form["setting"],
                             companionPresent: form["present"] == "companion", state: form["state"], routes: routes)
    }

    @Sendable func start(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let strings = Localizer(context.language)
        let routes = try await store.jurisdictions.table(for: tenant)
        let view = ScreeningViews.Start(settings: Encounter.settings.map { .init(value: $0, label: strings["setting_" + $0]) },
                                        states: routes.states.map { .init(code: $0.code, name: $0.name) })
        return renderer.page("screening-start", titleKey: "screen_start_title", view: view, request: request, context: context)
    }

    @Sendable func prepare(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let routes = try await store.jurisdictions.table(for: tenant)
        let planner = ResponsePlanner(jurisdictions: routes)
        let form = try await FormReader.read(request, context: context)
        let encounter = try Self.encounter(form: form, routes: routes)
        let strings = Localizer(context.language)
        let catalog = try await store.instruments.catalog(for: tenant)
        let suggested = catalog.suggested(forAge: encounter.age)
        // Ticked signs shape this page only: they are not carried to the questions or stored.
        let library = IndicatorLibrary.bundled
        let ticked = Set(form.compactMap { key, value in key.hasPrefix("indicator-") && value == "on" ? String(key.dropFirst(10)) : nil })
        let assessment = library.assess(observed: ticked, age: encounter.age, catalog: catalog)
        let options = catalog.instruments.filter(\.isAvailable).map { info -> ScreeningViews.Prepare.Instrument in
            // The form's own neutral title, never the published name (which may name the topic).
            let title = (try? catalog.questionnaire(info.id)).map { Self.title(of: $0.raw, in: context.language) } ?? info.shortName
            var label = title
            if info.id == suggested?.id { label += " — " + strings["suggested"] }
            if !info.validated { label += " — " + strings["not_validated"] }
            return .init(id: info.id, label: label, selected: info.id == suggested?.id)
        }
        let view = ScreeningViews.Prepare(
            hidden: ScreeningViews.hidden(encounter), instruments: options, noSuggestion: suggested == nil,
            confidentiality: strings(planner.confidentiality(age: encounter.age, state: encounter.state)),
            companionPresent: encounter.companionPresent,
            population: ScreeningViews.population(of: suggested, age: encounter.age, strings),
            hasPopulation: suggested != nil,
            laborGap: (10...17).contains(encounter.age),
            signs: library.forAge(encounter.age).map {
                .init(name: "indicator-" + $0.id, id: "indicator-" + $0.id, text: $0.text(in: context.language),
                      group: strings["indicator_kind_" + $0.kind.rawValue], checked: ticked.contains($0.id))
            },
            signsNotice: ScreeningViews.signsNotice(assessment, strings),
            hasSignsNotice: assessment.callsForFurtherAssessment)
        return renderer.page("screening-prepare", titleKey: "prepare_title", view: view, request: request, context: context)
    }

    @Sendable func questions(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let encounter = try Self.encounter(form: form, routes: try await store.jurisdictions.table(for: tenant))
        let instrumentId = form["instrument"] ?? ""
        let questionnaire = try await store.instruments.catalog(for: tenant).questionnaire(instrumentId)
        let strings = Localizer(context.language)
        let items = questionnaire.questions.enumerated().map { index, item in
            ScreeningViews.Questions.Item(
                linkId: item.linkId, number: index + 1, text: Self.text(of: item.raw, in: encounter.language),
                // The question's own options (a count band, say); yes/no and the open answers in the staff's words.
                options: ScreenAnswer.choices(for: item).map { answer, option in
                    let label = answer.optionCode == nil ? strings["answer_" + answer.rawValue.replacingOccurrences(of: "-", with: "_")]
                        : option.map { $0.translated("display", in: encounter.language) } ?? answer.rawValue
                    let slug = answer.rawValue.replacingOccurrences(of: ":", with: "-")
                    return .init(value: answer.rawValue, label: label, id: "\(item.linkId)-\(slug)")
                })
        }
        let view = ScreeningViews.Questions(
            hidden: ScreeningViews.hidden(encounter) + [.init(name: "instrument", value: instrumentId)],
            items: items, questionLanguage: encounter.language.rawValue, idempotencyKey: Tokens.opaqueId(),
            concerns: Concern.allCases.map { .init(value: $0.rawValue, label: strings["concern_" + $0.rawValue], checked: $0 == .none) },
            adult: encounter.age >= 18)
        return renderer.page("screening-questions", titleKey: "questions_title", view: view, request: request, context: context)
    }

    static func title(of questionnaire: JSONValue, in language: Language) -> String {
        questionnaire.translated("title", in: language)
    }

    /// Item text in the patient's language, from the FHIR translation extension; English otherwise.
    static func text(of item: JSONValue, in language: Language) -> String {
        item.translated("text", in: language)
    }

    @Sendable func save(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let form = try await FormReader.read(request, context: context)
        let catalog = try await store.instruments.catalog(for: tenant)
        let (record, _) = try await ScreeningFlow(store: store).submit(in: tenant) { routes in
            let encounter = try Self.encounter(form: form, routes: routes)
            let instrumentId = form["instrument"] ?? ""
            var answers: [String: ScreenAnswer] = [:]
            for item in try catalog.questionnaire(instrumentId).questions {
                if let word = form["answer-" + item.linkId], !word.isEmpty { answers[item.linkId] = try ScreenAnswer(word: word) }
            }
            return ScreeningSubmission(
                instrument: instrumentId, encounter: encounter, answers: .keyed(answers),
                concern: Concern(rawValue: form["concern"] ?? "") ?? .none, danger: form["danger"] == "on",
                consentToReferral: form["consent"] == "on", foreignNational: form["foreign_national"] == "on",
                dependentAdult: form["dependent_adult"] == "on", note: form["note"] ?? "", idempotencyKey: form["idempotency_key"] ?? "")
        }
        return PageRenderer.redirect(to: "/screenings/\(record.id)")
    }

    @Sendable func result(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let record = try await store.screenings.find(try context.parameters.require("id"), in: tenant)
        return try resultPage(record, coding: nil, handover: try await handover(record, tenant: tenant), request: request, context: context)
    }

    /// The hand-over form, for a positive screen or a child's eligibility request to start; once
    /// done, only a notice (the clinician does not open the case).
    func handover(_ record: ScreeningRecord, tenant: TenantContext, form: [String: String] = [:], error: String? = nil) async throws -> ScreeningViews.Result.Handover? {
        let startsEligibility = ScreeningHandoverRules.eligibility(for: record) != nil
        guard record.outcome.result == .positive || startsEligibility else { return nil }
        if try await store.cases.isHandedOver(screening: record.id, in: tenant) {
            return .init(staff: [], startsEligibility: startsEligibility, alias: "", error: nil, done: true)
        }
        let staff = try await store.clients.caseStaff(in: tenant).map {
            Option(value: $0.id, label: $0.displayName, selected: form["case_manager_id"] == $0.id)
        }
        return .init(staff: staff, startsEligibility: startsEligibility, alias: form["alias"] ?? "", error: error, done: false)
    }

    /// Hands the person screened over to a case manager, with their agreement: the same use case as the API.
    @Sendable func handOver(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let form = try await FormReader.read(request, context: context)
        do {
            _ = try await store.cases.handOver(screening: id, ScreeningHandover(consent: form["consent"] == "on", alias: form["alias"] ?? "",
                                                                                 caseManagerId: form["case_manager_id"] ?? ""), in: tenant)
            return PageRenderer.redirect(to: "/screenings/\(id)#handover")
        } catch let error as CaseError {
            let record = try await store.screenings.find(id, in: tenant)
            return try resultPage(record, coding: nil,
                                  handover: try await handover(record, tenant: tenant, form: form, error: error.message(in: Localizer(context.language))),
                                  status: error.httpStatus, request: request, context: context)
        }
    }

    /// The documentation assistant: the safety check comes first; the code is shown only once the
    /// clinician confirms it was done, because codes travel to portals and insurance statements.
    @Sendable func coding(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        struct CodingForm: Decodable {
            let safetyChecked: String?, type: String?, status: String?, encounter: String?, ageAtExploitation: String?
            enum CodingKeys: String, CodingKey {
                case safetyChecked = "safety_checked", type, status, encounter, ageAtExploitation = "age_at_exploitation"
            }
        }
        // Refused before the form is read: a role that may not screen learns nothing from it.
        let tenant = try context.tenant()
        let form = try await FormReader.decode(CodingForm.self, request, context: context)
        let record = try await store.screenings.find(try context.parameters.require("id"), in: tenant)
        var coding = ScreeningViews.Result.Coding(code: nil, description: nil, rationale: nil, needsCheck: true)
        if form.safetyChecked == "on", let type = form.type.flatMap(ICD10Assistant.ExploitationType.init(rawValue:)),
           let status = form.status.flatMap(ICD10Assistant.Status.init(rawValue:)),
           let encounter = form.encounter.flatMap(ICD10Assistant.Encounter.init(rawValue:)) {
            let strings = Localizer(context.language)
            do {
                let typed = form.ageAtExploitation?.trimmingCharacters(in: .whitespaces) ?? ""
                guard typed.isEmpty || Int(typed) != nil else { throw ICD10Assistant.CodingError.invalidAge(field: "age_at_exploitation") }
                let suggestion = try ICD10Assistant.suggest(type: type, status: status, age: record.request.age,
                                                            ageAtExploitation: Int(typed), encounter: encounter)
                coding = .init(code: suggestion.code, description: suggestion.description,
                               rationale: suggestion.rationale(in: strings), needsCheck: false, reminders: suggestion.reminders(in: strings))
            } catch let error as ICD10Assistant.CodingError {
                coding = .init(code: nil, description: nil, rationale: nil, needsCheck: false, problem: error.message(in: strings))
            }
        }
        return try resultPage(record, coding: coding, request: request, context: context)
    }

    func resultPage(_ record: ScreeningRecord, coding: ScreeningViews.Result.Coding?, handover: ScreeningViews.Result.Handover? = nil,
                    status: HTTPResponse.Status = .ok, request: Request, context: WaypointRequestContext) throws -> Response {
        let view = ScreeningViews.result(record, instrumentName: try InstrumentCatalog.bundled.info(record.outcome.instrument).shortName, coding: coding,
                                         handover: handover, strings: Localizer(context.language))
        return renderer.page("screening-result", titleKey: "result_title", view: view, request: request, context: context, status: status)
    }

    @Sendable func card(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let record = try await store.screenings.find(try context.parameters.require("id"), in: tenant)
        // The card is in the patient's language unless the clinician picks another with ?lang=.
        var cardContext = context
        if request.uri.queryParameters["lang"] == nil { cardContext.language = Language(rawValue: record.request.language) ?? .en }
        var childLine: ScreeningViews.Card.ChildLine?
        if record.cardShowsChildLine {
            let route = try await store.jurisdictions.table(for: tenant).route(for: record.request.state)
            childLine = .init(agency: route.agency, phone: route.phone)
        }
        return renderer.page("screening-card", titleKey: "card_title", view: ScreeningViews.Card(id: record.id, childLine: childLine),
                             request: request, context: cardContext)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let summaries = try await store.screenings.list(in: try context.tenant())
        let strings = Localizer(context.language)
        let formatter = ISO8601DateFormatter()
        let rows = summaries.map {
            ScreeningViews.List.Row(id: $0.id, when: formatter.string(from: $0.createdAt),
                                    instrument: (try? InstrumentCatalog.bundled.info($0.instrument).shortName) ?? $0.instrument,
                                    result: ScreeningViews.resultText($0.result, strings))
        }
        return renderer.page("screening-list", titleKey: "screenings_title", view: ScreeningViews.List(screenings: rows, empty: rows.isEmpty),
                             request: request, context: context)
    }
}
