extension FeatureModule {
    /// Sign-in, staff accounts, the audit log, API tokens.
    static let accounts = FeatureModule(name: "accounts") { module in
        let cookies = CookiePolicy(secure: module.configuration.secureCookies)
        SignInPages(store: module.store, renderer: module.renderer, cookies: cookies, trustedProxies: module.configuration.trustedProxies).register(on: module.pages)
        StaffPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        AccountsAPI(store: module.store, trustedProxies: module.configuration.trustedProxies).register(on: module.pages, api: module.api)
        ListPages(store: module.store, renderer: module.renderer).register(on: module.pages, api: module.api)
    }
}
