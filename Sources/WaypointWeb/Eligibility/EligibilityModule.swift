extension FeatureModule {
    /// Foreign-national clients' requests and letters.
    static let eligibility = FeatureModule(name: "eligibility") { module in
        EligibilityAPI(store: module.store).register(on: module.api)
    }
}
