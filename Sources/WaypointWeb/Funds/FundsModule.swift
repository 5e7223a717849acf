import WaypointStore

extension FeatureModule {
    /// Funds, charges and the funder's ledger.
    static let funds = FeatureModule(name: "funds", clientData: ClientDataMap.funds) { module in
        FundPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        FundsAPI(store: module.store).register(on: module.api)
    }
}
