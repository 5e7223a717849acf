extension FeatureModule {
    /// The analysts' ads workbench.
    static let ads = FeatureModule(name: "ads") { module in
        AdPages(store: module.store, renderer: module.renderer).register(on: module.pages)
    }
}
