import Foundation
import Testing
@testable import WaypointCore

/// What a search keeps and in which order, decided without a database.
@Suite("Directory ranking")
struct DirectoryRankingTests {
    func candidate(_ name: String, latitude: Double?, longitude: Double?, confidential: Bool = false, verified: String? = "2026-06-01") -> DirectoryCandidate {
        DirectoryCandidate(hit: DirectoryHit(key: name, serviceId: name, serviceName: name, organizationName: "Org", distanceKm: nil,
                                             populations: [], serviceTypes: [], languages: [], openNow: false, alwaysOpen: false,
                                             confidential: confidential, verifiedOn: verified),
                           latitude: latitude, longitude: longitude)
    }

    @Test("outside the radius is dropped; confidential distances come in 5 km steps; phone-only services stay")
    func radius() throws {
        var query = DirectoryQuery()
        query.latitude = 43.6
        query.longitude = -116.2
        query.radiusKm = 50
        let page = DirectoryRanking.page([
            candidate("Near Clinic", latitude: 43.61, longitude: -116.21),
            candidate("Safe House", latitude: 43.65, longitude: -116.25, confidential: true),
            candidate("Far Clinic", latitude: 45.0, longitude: -116.2),
            candidate("Phone Line", latitude: nil, longitude: nil),
        ], for: query, today: "2026-11-30")
        #expect(page.hits.map(\.serviceName) == ["Near Clinic", "Safe House", "Phone Line"])
        #expect(page.total == 3)
        let safe = try #require(page.hits.first { $0.confidential })
        #expect(safe.distanceKm == 10, "6.8 km rounds up to a 5 km step")
        #expect(page.hits.last?.distanceKm == nil)
    }

    @Test("words in the service's own name and a recent check rank higher; pages split the list")
    func order() throws {
        var query = DirectoryQuery()
        query.text = "legal"
        query.perPage = 1
        query.page = 2
        let candidates = [candidate("Harbor Counselling", latitude: nil, longitude: nil),
                          candidate("Harbor Legal Clinic", latitude: nil, longitude: nil, verified: "2022-01-01"),
                          candidate("Legal Aid Line", latitude: nil, longitude: nil)]
        let page = DirectoryRanking.page(candidates, for: query, today: "2026-11-30")
        #expect(page.total == 3 && page.hits.map(\.serviceName) == ["Harbor Legal Clinic"])
        #expect(DirectoryRanking.freshnessScore(verifiedOn: "2026-01-01", today: "2026-11-30") == 1)
        #expect(DirectoryRanking.freshnessScore(verifiedOn: "2023-01-01", today: "2026-11-30") == 0)
        #expect(DirectoryRanking.needsReverification(verifiedOn: "2025-11-01", today: "2026-11-30"))
        #expect(!DirectoryRanking.needsReverification(verifiedOn: "2026-01-01", today: "2026-11-30"))
        #expect(DirectoryRanking.needsReverification(verifiedOn: nil, today: "2026-11-30"))
    }
}

/// A service as the pages read it, built from its rows; the editor's form comes back from it unchanged.
@Suite("Service details")
struct ServiceDetailsTests {
    @Test("a local service's rows read back as the same editor form, and as plain details")
    func roundTrip() throws {
        var draft = LocalServiceDraft()
        draft.serviceId = LocalServiceDraft.derivedId("org-1", "service")
        draft.name = "Harbor Legal Clinic"
        draft.description = "Immigration advice"
        draft.phone = "208-555-0100"
        draft.url = "https://harbor.example"
        draft.street = "1 Main St"
        draft.city = "Boise"
        draft.state = "ID"
        draft.postalCode = "83702"
        draft.languages = ["en", "es"]
        draft.populations = ["adults"]
        draft.serviceTypes = ["legal-immigration"]
        draft.days = ["MO", "TU"]
        draft.opensAt = "09:00"
        draft.closesAt = "17:00"
        draft.verifiedOn = "2026-11-01"
        let records = try draft.records(organizationId: "org-1", organizationName: "Harbor", today: "2026-11-30")
        let nested = try #require(HSDSGraph(records).nested("service", draft.serviceId!))
        let details = try #require(ServiceDetails(nested: nested, vocabulary: .bundled, at: Date(timeIntervalSince1970: 1_796_000_000)))
        #expect(details.name == "Harbor Legal Clinic" && details.organization == "Harbor" && details.isActive)
        #expect(details.phones.map(\.number) == ["208-555-0100"])
        #expect(details.addresses.first?.line.contains("Boise") == true && !details.addressWithheld)
        #expect(details.serviceTypes == ["legal-immigration"] && details.populations == ["adults"])
        #expect(Set(details.declaredLanguages) == ["en", "es"])
        var back = LocalServiceDraft(editing: details)
        back.languages.sort()
        #expect(back == draft)
    }
}
