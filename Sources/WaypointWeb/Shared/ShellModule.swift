extension FeatureModule {
    /// What every page stands on: static files, the OpenAPI document, the operator's metrics.
    static let shell = FeatureModule(name: "shell") { module in
        StaticAssets.register(on: module.pages, api: module.api)
        MetricsEndpoint(token: module.configuration.metricsToken, trustedProxies: module.configuration.trustedProxies).register(on: module.pages)
    }
}
