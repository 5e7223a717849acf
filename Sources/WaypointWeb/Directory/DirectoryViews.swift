import Foundation
import WaypointCore
import WaypointStore

/// Turns directory data into what templates show, in the reader's language. Shared by the search,
/// detail, card, editor and referral pages.
struct DirectoryViews {
    let strings: Localizer
    let vocabulary = DirectoryVocabulary.bundled

    func termLabel(_ group: DirectoryVocabulary.Group, _ shortCode: String) -> String {
        strings["term_" + group.rawValue.replacingOccurrences(of: "-", with: "_") + "_" + shortCode.replacingOccurrences(of: "-", with: "_")]
    }

    /// One tick box of a form.
    struct Choice { let name: String; let id: String; let label: String; let checked: Bool; let value: String }
    struct LanguageChoice { let code: String; let label: String; let selected: Bool }

    /// Checkbox rows for one group of terms, ticking those in `chosen`.
    func choices(_ group: DirectoryVocabulary.Group, chosen: [String], prefix: String) -> [Choice] {
        vocabulary.terms(in: group).map { term in
            Choice(name: prefix + term.shortCode, id: prefix.replacingOccurrences(of: ":", with: "-") + term.shortCode,
                   label: termLabel(group, term.shortCode), checked: chosen.contains(term.shortCode), value: term.shortCode)
        }
    }

    func languageChoices(_ codes: [String], selected: [String]) -> [LanguageChoice] {
        codes.map { LanguageChoice(code: $0, label: languageName($0), selected: selected.contains($0)) }
    }

    func languageName(_ code: String) -> String {
        let key = "language_" + code
        let name = strings[key]
        return name == key ? code : name
    }

    /// One result. Every property is a plain value, never nil: a nil one inside a list would make
    /// the template look the name up in the page around it (`types`, `languages` exist there too).
    struct Hit {
        let serviceId: String, name: String, distance: String, approximate: Bool, openNow: Bool, alwaysOpen: Bool
        let languages: String, serves: String, types: String, verified: String
    }

    func hit(_ hit: DirectoryHit) -> Hit {
        Hit(serviceId: hit.serviceId, name: hit.serviceName,
            distance: hit.distanceKm.map { String(format: "%.1f km", $0) } ?? strings["directory_remote"],
            approximate: hit.confidential, openNow: hit.openNow, alwaysOpen: hit.alwaysOpen,
            languages: hit.languages.map(languageName).joined(separator: ", "),
            serves: hit.populations.map { termLabel(.population, $0) }.joined(separator: ", "),
            types: hit.serviceTypes.map { termLabel(.serviceType, $0) }.joined(separator: ", "),
            verified: hit.verifiedOn ?? strings["directory_not_verified"])
    }

    /// The search page: the form as filled in, and (once searched) the results.
    struct Search {
        let q: String, zip: String, radius: String
        let languagesList: [LanguageChoice]
        let populations: [Choice]
        let types: [Choice]
        let openNow: Bool, alwaysOpen: Bool
        let screening: String?
        var searched = false
        var hits: [Hit] = []
        var hasHits = false
        var total: Int?
        var canRefer = false
        var error: String?
    }

    struct EditorList {
        struct Row { let id: String; let name: String; let status: String; let verified: String; let stale: Bool }
        let services: [Row]
        let notice: Bool
    }

    struct EditorForm {
        struct Status { let value: String; let label: String; let selected: Bool }
        let serviceId: String, name: String, description: String, phone: String, url: String
        let street: String, city: String, state: String, postalCode: String
        let statuses: [Status]
        let languagesList: [Choice]
        let populations: [Choice]
        let types: [Choice]
        let days: [Choice]
        let opensAt: String, closesAt: String, alwaysOpen: Bool, confidential: Bool
        let verifiedOn: String
        let lastVerified: String?
        let error: String?
    }

    /// A service as the detail page and the card show it.
    struct Service {
        struct Phone { let number: String; let type: String; let description: String }
        let id: String, name: String, organization: String?, description: String, eligibility: String?, url: String?
        let phones: [Phone]
        let addresses: [String]
        let confidential: Bool
        let hours: [String]
        let alwaysOpen: Bool
        let openNow: Bool
        let languages: String
        let serves: [String]
        let types: [String]
        let verified: String
        let source: String?
        let active: Bool
        /// Set by the detail page: whether this reader may refer to it, and from which screening.
        var canRefer = false
        var screening: String?
    }

    func service(_ details: ServiceDetails) -> Service {
        Service(
            id: details.id, name: details.name, organization: details.organization.isEmpty ? nil : details.organization,
            description: details.description, eligibility: details.eligibility.isEmpty ? nil : details.eligibility,
            url: details.url.isEmpty ? nil : details.url,
            phones: details.phones.map { Service.Phone(number: $0.number, type: strings["phone_type_" + $0.type], description: $0.description) },
            addresses: details.addresses.map(\.line), confidential: details.addressWithheld, hours: details.hours.map(\.text),
            alwaysOpen: details.alwaysOpen, openNow: details.openNow, languages: details.languages.map(languageName).joined(separator: ", "),
            serves: vocabulary.terms(in: .population).filter { details.populations.contains($0.shortCode) }.map { termLabel(.population, $0.shortCode) },
            types: vocabulary.terms(in: .serviceType).filter { details.serviceTypes.contains($0.shortCode) }.map { termLabel(.serviceType, $0.shortCode) },
            verified: details.assuredDate ?? strings["directory_not_verified"], source: details.verificationSource, active: details.isActive)
    }
}
