extension FeatureModule {
    /// Screening at the point of care, its plan, and the hand-over to a case.
    static let screening = FeatureModule(name: "screening") { module in
        ScreeningPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        ScreeningsAPI(store: module.store).register(on: module.api)
    }
}
