import WaypointStore

extension FeatureModule {
    /// Housing sites, stays and transport vouchers.
    static let housing = FeatureModule(name: "housing", clientData: ClientDataMap.housing) { module in
        HousingPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        HousingAPI(store: module.store).register(on: module.api)
    }
}
