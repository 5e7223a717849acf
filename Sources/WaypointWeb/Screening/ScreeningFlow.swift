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
        let assessment = try ScreeningUseCases.submit(try submission(routes), by: tenant.role, routes: routes, now: store.clock.now())
        return try await store.screenings.save(assessment, in: tenant)
    }
}
