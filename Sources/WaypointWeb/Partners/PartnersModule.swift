extension FeatureModule {
    /// The partner network.
    static let partners = FeatureModule(name: "partners") { module in
        PartnerPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        PartnersAPI(store: module.store).register(on: module.api)
    }
}
