extension FeatureModule {
    /// Courses, enrollments, certificates and badges, compliance, xAPI.
    static let training = FeatureModule(name: "training") { module in
        let publicURL = module.configuration.effectivePublicURL
        TrainingPages(store: module.store, renderer: module.renderer, publicURL: publicURL).register(on: module.pages)
        CertificatePages(store: module.store, renderer: module.renderer, publicURL: publicURL).register(on: module.pages)
        TrainingAPI(store: module.store, publicURL: publicURL, lrsAllowLoopback: module.configuration.lrsAllowLoopback).register(on: module.api)
    }
}
