import Foundation
import NIOConcurrencyHelpers
import SQLKit
import WaypointCore

public enum JurisdictionError: UserFacingError, Equatable {
    case invalidState
    case missingField(String)

    public var messageKey: String { "error_invalid_route" }
    public var kind: FailureKind { .invalid }
    public var field: String? {
        switch self {
        case .invalidState: "state"
        case .missingField(let name): name
        }
    }
    public var detail: LocalizedText? {
        switch self {
        case .invalidState: LocalizedText("error_detail_state_code")
        case .missingField(let name): LocalizedText("error_detail_required", ["name": name])
        }
    }
}

/// The reporting routes an organization uses: the bundled table, with the organization
/// administrator's corrections and additions on top. Route data is not client content, but every
/// change is audited because a wrong number sends a child-abuse report nowhere.
public struct JurisdictionRoutes: Repository {
    let shared: StoreContext
    let bundled: JurisdictionTable
    let cache = TableCache()

    /// Every screening plans with this table, so it is kept for a few seconds instead of read and
    /// rebuilt per request. An edit in this process takes effect at once; another instance sharing
    /// the PostgreSQL database sees it within `TableCache.lifetime`.
    public func table(for context: TenantContext) async throws -> JurisdictionTable {
        if let cached = cache.table(for: context.orgId) { return cached }
        let table = try await load(for: context)
        cache.keep(table, for: context.orgId)
        return table
    }

    final class TableCache: Sendable {
        static let lifetime: Duration = .seconds(5)
        private let tables = NIOLockedValueBox<[String: (table: JurisdictionTable, loaded: ContinuousClock.Instant)]>([:])

        func table(for orgId: String) -> JurisdictionTable? {
            tables.withLockedValue { tables in
                guard let entry = tables[orgId], ContinuousClock.now - entry.loaded < Self.lifetime else { return nil }
                return entry.table
            }
        }

        func keep(_ table: JurisdictionTable, for orgId: String) {
            tables.withLockedValue { $0[orgId] = (table, ContinuousClock.now) }
        }

        func forget(_ orgId: String) {
            _ = tables.withLockedValue { $0.removeValue(forKey: orgId) }
        }
    }

    private func load(for context: TenantContext) async throws -> JurisdictionTable {
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT * FROM jurisdiction_routes WHERE org_id = \(bind: context.orgId)").all()
        }
        var states = Dictionary(bundled.states.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for row in rows {
            let code = try row.decode(column: "state_code", as: String.self)
            // The administrator's correction replaces the child-abuse route; adult protective
            // services and the verified duties stay as bundled.
            let edited = ReportingRoute(
                agency: try row.decode(column: "agency", as: String.self), phone: try row.decode(column: "phone", as: String.self),
                route: try row.decode(column: "route", as: String.self), source: try row.decode(column: "source", as: String.self),
                verified: try row.decode(column: "verified", as: String.self))
            states[code] = Jurisdiction(code: code, name: try row.decode(column: "name", as: String.self), childReport: edited,
                                        aps: states[code]?.aps, duties: states[code]?.duties ?? [])
        }
        return JurisdictionTable(states: states.values.sorted { $0.code < $1.code }, fallback: bundled.fallback)
    }

    /// An administrator sets the route for one state in their organization.
    public func set(_ route: Jurisdiction, in context: TenantContext) async throws {
        guard Policy.allows(context, .manageReportingRoutes) else { throw AccessError.forbidden }
        let code = route.code.uppercased()
        guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw JurisdictionError.invalidState }
        for (name, value) in [("name", route.name), ("agency", route.agency), ("phone", route.phone), ("source", route.source)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw JurisdictionError.missingField(name)
        }
        let now = clock.millis()
        let verified = route.verified.isEmpty ? clock.today() : route.verified
        try await database.transaction { db in
            try await db.raw("DELETE FROM jurisdiction_routes WHERE org_id = \(bind: context.orgId) AND state_code = \(bind: code)").run()
            try await db.raw("""
                INSERT INTO jurisdiction_routes (org_id, state_code, name, agency, phone, route, source, verified, updated_by, updated_at)
                VALUES (\(bind: context.orgId), \(bind: code), \(bind: route.name), \(bind: route.agency), \(bind: route.phone),
                        \(bind: route.route), \(bind: route.source), \(bind: verified), \(bind: context.userId), \(bind: now))
                """).run()
            try await audit.append(AuditEvent(context, action: "jurisdiction.update", objectType: "jurisdiction", objectId: code), on: db)
        }
        cache.forget(context.orgId)
    }
}
