extension FeatureModule {
    /// Each state's reporting routes and the ICD-10-CM assistant.
    static let response = FeatureModule(name: "response") { module in
        RoutePages(store: module.store, renderer: module.renderer).register(on: module.pages)
        ResponseAPI(store: module.store).register(on: module.api)
    }
}
