import WaypointStore

extension FeatureModule {
    /// De-identified reports.
    static let reports = FeatureModule(name: "reports", clientData: ClientDataMap.reports) { module in
        ReportPages(store: module.store, renderer: module.renderer, policy: module.configuration.reportPolicy).register(on: module.pages)
        ReportsAPI(store: module.store, policy: module.configuration.reportPolicy).register(on: module.api)
    }
}
