import WaypointCore
import WaypointStore

/// Submitting a screen, the same for the pages and the API: the organization's reporting routes,
/// the core's decision (`ScreeningUseCases.submit`), then storage of exactly what was decided.
struct ScreeningFlow: Sendable {
    let store: Store

    /// `submission` is built with the routes in hand: the encounter's state is checked against them.
    func submit(in tenant: TenantContext, _ submission: (JurisdictionTable) throws -> ScreeningSubmission) async throws
        -> (record: ScreeningRecord, created: Bool) {
        let routes = try await store.jurisdictions.table(for: tenant)
        // The organization's catalog: the bundled tools plus its own licensed copies.
        let screener = Screener(catalog: try await store.instruments.catalog(for: tenant))
        let assessment = try ScreeningUseCases.submit(try submission(routes), by: tenant.role, routes: routes, now: store.clock.now(),
                                                      screener: screener)
        return try await store.screenings.save(assessment, in: tenant)
    }
}
