import WaypointStore

extension FeatureModule {
    /// Foreign-national clients' requests and letters.
    static let eligibility = FeatureModule(name: "eligibility", clientData: ClientDataMap.eligibility) { module in
        EligibilityAPI(store: module.store).register(on: module.api)
    }
}
