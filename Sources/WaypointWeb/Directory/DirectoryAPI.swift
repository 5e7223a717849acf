import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// The read-only Open Referral HSDS 3.0 API for other systems (`/hsds/…`, no account: directory
/// entries are public; confidential addresses never leave), and `/api/v1/directory/search` for our UI.
struct DirectoryAPI {
    let store: Store

    func register(hsds: APIRoutes, api: APIRoutes) {
        hsds.get("", .open, use: root)
        hsds.get("/services", .open, use: services)
        hsds.get("/services/:id", .open, use: service)
        api.get("/directory/search", .signedIn, use: search)
    }

    /// How far into the public listing paging may reach (page × per_page). Narrow with `search`,
    /// `taxonomy_term_id` or `modified_after`; a whole copy is `waypoint directory export`.
    static let maxListingDepth = 10_000

    struct Root: Encodable { let version: String; let profile: String; let openapiUrl: String }

    @Sendable func root(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.response(Root(version: HSDSModel.version, profile: "https://openreferral.org/",
                                   openapiUrl: "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"))
    }

    static func int(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        try QueryParameters.int(request, name, default: value, range: range, refusal: DirectoryError.badQuery)
    }

    /// true/false (or 1/0); anything else is refused rather than read as false.
    static func bool(_ request: Request, _ name: String) throws -> Bool {
        let values = request.uri.queryParameters.getAll(name)
        guard let raw = values.last else { return false }
        switch raw {
        case "true", "1": return true
        case "false", "0": return false
        default: throw DirectoryError.badQuery(field: name, reason: LocalizedText("error_detail_boolean", ["name": name]))
        }
    }

    @Sendable func services(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let perPage = try Self.int(request, "per_page", default: 20, range: 1...100)
        // Deep offsets make the database walk and discard every row before them; anyone can call this.
        let page = try Self.int(request, "page", default: 1, range: 1...(Self.maxListingDepth / perPage))
        var modifiedAfter: Date?
        if let raw = request.uri.queryParameters["modified_after"] {
            let text = String(raw)
            modifiedAfter = ISO8601DateFormatter().date(from: text)
                ?? ISO8601DateFormatter().date(from: text + "T00:00:00Z")
            if modifiedAfter == nil {
                throw DirectoryError.badQuery(field: "modified_after", reason: LocalizedText("error_detail_date"))
            }
        }
        let listing = try await store.directory.servicePage(
            search: request.uri.queryParameters["search"].map(String.init) ?? "",
            taxonomyTermId: request.uri.queryParameters["taxonomy_term_id"].map(String.init),
            modifiedAfter: modifiedAfter, page: page, perPage: perPage)
        let contents = try await store.directory.services(listing.ids, viewer: nil)
        let totalPages = max(1, (listing.total + perPage - 1) / perPage)
        let body: JSONValue = .object([
            "total_items": .integer(listing.total), "total_pages": .integer(totalPages), "page_number": .integer(page),
            "size": .integer(contents.count), "first_page": .bool(page == 1), "last_page": .bool(page >= totalPages),
            "empty": .bool(contents.isEmpty), "contents": .array(contents),
        ])
        return try JSONBody.document(body)
    }

    @Sendable func service(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        guard let service = try await store.directory.services([try context.parameters.require("id")], viewer: nil).first else {
            throw AccessError.notFound
        }
        return try JSONBody.document(service)
    }

    struct SearchResult: Encodable { let total: Int; let page: Int; let perPage: Int; let results: [DirectoryHit] }

    /// Query: q, zip or lat+lon, radius_km, population, language, service_type (each may repeat),
    /// open_now, always_open, page, per_page.
    @Sendable func search(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        _ = try context.tenant()
        let parameters = request.uri.queryParameters
        var query = DirectoryQuery()
        query.text = parameters["q"].map(String.init) ?? ""
        query.zip = parameters["zip"].map(String.init)
        query.latitude = try parameters["lat"].map { try Self.number(String($0), "lat") }
        query.longitude = try parameters["lon"].map { try Self.number(String($0), "lon") }
        query.radiusKm = try parameters["radius_km"].map { try Self.number(String($0), "radius_km") } ?? 40
        query.populations = parameters.getAll("population").map { String($0) }
        query.languages = parameters.getAll("language").map { String($0) }
        query.serviceTypes = parameters.getAll("service_type").map { String($0) }
        query.openNow = try Self.bool(request, "open_now")
        query.twentyFourSeven = try Self.bool(request, "always_open")
        query.page = try Self.int(request, "page", default: 1, range: 1...1000)
        query.perPage = try Self.int(request, "per_page", default: 20, range: 1...100)
        let page = try await store.directory.search(query)
        return try JSONBody.response(SearchResult(total: page.total, page: page.page, perPage: page.perPage, results: page.hits))
    }

    static func number(_ text: String, _ field: String) throws -> Double {
        guard let value = Double(text), value.isFinite else { throw DirectoryError.badQuery(field: field, reason: LocalizedText("error_detail_number", ["name": field])) }
        return value
    }
}
