import Foundation
import Testing
@testable import WaypointCore

@Suite("Languages")
struct LocalizationTests {
    @Test("Accept-Language picks the best supported language", arguments: [
        ("es-MX,es;q=0.9,en;q=0.8", Language.es),
        ("en-US,en;q=0.9", .en),
        ("fr-FR,fr;q=0.9,es;q=0.5", .es),
        ("de,fr", .en),
        ("en;q=0.2, es;q=0.8", .es),
        ("es;q=0", .en),
    ])
    func negotiation(header: String, expected: Language) {
        #expect(Language.negotiate(acceptLanguage: header) == expected)
    }

    @Test("both catalogs have exactly the same keys, and no value is empty")
    func catalogsComplete() {
        #expect(!Localizer.keys(of: .en).isEmpty)
        #expect(Localizer.keys(of: .en) == Localizer.keys(of: .es))
        for language in Language.allCases {
            #expect(Localizer(language).all.values.allSatisfy { !$0.isEmpty })
        }
    }

    @Test("every error a person can meet has a message in both languages")
    func errorMessages() {
        let keys = [AccessError.forbidden, .notFound].map(\.messageKey)
            + [AccountError.invalidCredentials, .throttled(retryAfterSeconds: 1), .usernameTaken, .invalidUsername,
               .invalidRole, .unknownOrganization].map(\.messageKey)
            + PasswordPolicy.Problem.allCases.map(\.rawValue)
        for language in Language.allCases {
            for key in keys { #expect(Localizer.keys(of: language).contains(key), "\(language) lacks \(key)") }
        }
    }

    @Test("no string on any screen names the topic a trafficker would recognise")
    func neutralWording() {
        for language in Language.allCases {
            for value in Localizer(language).all.values {
                #expect(!value.lowercased().contains("traffick") && !value.lowercased().contains("trata"))
            }
        }
    }
}

@Suite("Durations")
struct DurationTests {
    @Test("whole seconds are not dropped when a duration is turned into seconds")
    func inSeconds() {
        #expect(Duration.seconds(2).inSeconds == 2)
        #expect(abs(Duration.milliseconds(1_250).inSeconds - 1.25) < 1e-9)
    }
}

@Suite("Bundled resources")
struct BundledResourceTests {
    @Test("everything shipped loads; a missing or unreadable file is an error that names it")
    func loading() throws {
        try BundledResources.checkAll()
        let missing = BundledResources.load("directory/nowhere.json") { $0 }
        #expect(throws: BundledResourceError.self) { _ = try missing.get() }
        if case .failure(let error) = missing { #expect(error.description.contains("Resources/directory/nowhere.json is missing")) }
        let unreadable = BundledResources.load("jurisdictions/us-states.json") { try JSONDecoder().decode([Int].self, from: $0) }
        if case .failure(let error) = unreadable {
            #expect(error.description.contains("Resources/jurisdictions/us-states.json cannot be read"))
        } else {
            Issue.record("a file that does not parse loaded")
        }
        #expect(!PasswordPolicy.bundledBlocklist.isEmpty, "the blocklist is never silently empty")
    }
}

@Suite("Error details in both languages")
struct ErrorDetailTests {
    /// Every detail the core can attach to an error: a catalog key in English and Spanish, every
    /// placeholder filled.
    @Test("details are catalog sentences, complete in both languages")
    func details() throws {
        let screening: [ScreeningError] = [
            .unknownInstrument("x"), .instrumentUnavailable("raft", reason: "r"), .wrongNumberOfAnswers(expected: 6, got: 2),
            .unknownAnswer("perhaps"), .unknownItem("q9"), .invalidAge(140), .invalidEncounter(field: "language"),
            .invalidEncounter(field: "setting"), .invalidEncounter(field: "state"), .idempotencyKeyMissing,
        ]
        let referral: [ReferralError] = [.transitionNotAllowed(from: .sent, to: .closed, by: .receiver), .reasonRequired(.declined, allowed: [.noCapacity])]
        var errors: [any UserFacingError] = screening + referral + [DirectoryError.unreadable("/tmp/x does not exist")]
        // The payload and consent checks, each refusal they can give.
        let consent = ReferralConsent(method: .verbal, scope: [.needs], recipient: "Harbor", expiresOn: "2027-01-01")
        let payload = ReferralPayload(alias: "Rosa", needs: ["legal-immigration"], language: "es", doNotContact: false,
                                      contactMethod: .text, contactDetail: "555", safeTimes: "")
        for (consent, payload, recipient, today) in [(nil, payload, "Harbor", "2026-12-01"), (consent, payload, "Elsewhere", "2026-12-01"),
                                                     (consent, payload, "Harbor", "2027-02-01"), (consent, payload, "Harbor", "2026-12-01")] {
            do { _ = try payload.checked(consent: consent, recipient: recipient, today: today) } catch let error as ReferralError { errors.append(error) }
        }
        var query = DirectoryQuery()
        query.radiusKm = 900
        do { _ = try query.validated() } catch let error as DirectoryError { errors.append(error) }
        #expect(errors.count >= 17)
        for error in errors {
            let detail = try #require(error.detail, "\(error) has no detail")
            for language in Language.allCases {
                #expect(Localizer.keys(of: language).contains(detail.key), "\(language) lacks \(detail.key)")
                #expect(!Localizer(language)(detail).contains("{"), "\(detail.key) in \(language)")
            }
        }
        #expect(Localizer(.es)(ScreeningError.wrongNumberOfAnswers(expected: 6, got: 2).detail!) == "Se esperaban 6 respuestas, una por pregunta y en orden; llegaron 2.")
    }
}
