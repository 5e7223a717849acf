import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// `/api/v1/funds`: the organization's funding sources with spent and remaining, and each fund's
/// ledger for its funder as CSV.
struct FundsAPI {
    let store: Store

    struct Listing: Encodable { let funds: [Fund] }

    func register(on api: APIRoutes) {
        api.get("/funds", .permission(.readFunds), use: list)
        api.post("/funds", .permission(.manageFunds), use: create)
        api.get("/funds/:id/export", .permission(.manageFunds), scope: .organization, outbound: .funderExport, use: export)
    }

    @Sendable func list(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        return try JSONBody.response(Listing(funds: try await store.funds.list(in: tenant)))
    }

    @Sendable func create(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let body = try await JSONBody.decode(NewFund.self, from: request, context: context)
        return try JSONBody.response(try await store.funds.create(body, in: tenant), status: .created)
    }

    /// `?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: the fund's period).
    @Sendable func export(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let query = request.uri.queryParameters
        return try await Self.ledgerCSV(store: store, fundId: try context.parameters.require("id"), from: query.get("from"), to: query.get("to"),
                                        in: tenant)
    }

    /// The ledger download, for the API and the funds page alike.
    static func ledgerCSV(store: Store, fundId: String, from: String?, to: String?, in tenant: TenantContext) async throws -> Response {
        let ledger = try await store.funds.ledger(fundId, from: from, to: to, in: tenant)
        return Download.csv(ledger.csv, filename: "fund-ledger-\(ledger.from)-\(ledger.to).csv")
    }
}
