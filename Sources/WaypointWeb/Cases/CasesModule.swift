import WaypointStore

extension FeatureModule {
    /// Clients and their cases, oversight, purge.
    static let cases = FeatureModule(name: "cases", clientData: ClientDataMap.cases + ClientDataMap.consent) { module in
        CasePages(store: module.store, renderer: module.renderer).register(on: module.pages)
        ClientsAPI(store: module.store).register(on: module.api)
        CaseAPI(store: module.store).register(on: module.api)
    }
}
