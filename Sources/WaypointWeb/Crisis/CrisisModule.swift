import WaypointStore

extension FeatureModule {
    /// The line: contacts, callbacks, hand-over to a case.
    static let crisis = FeatureModule(name: "crisis", clientData: ClientDataMap.crisis) { module in
        CrisisPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        CrisisAPI(store: module.store).register(on: module.api)
    }
}
