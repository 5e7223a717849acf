import WaypointStore

extension FeatureModule {
    /// Closed-loop referrals and the receiving service's link.
    static let referrals = FeatureModule(name: "referrals", clientData: ClientDataMap.referrals) { module in
        ReferralPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        ReferralsAPI(store: module.store).register(on: module.api)
    }
}
