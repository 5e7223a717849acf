extension FeatureModule {
    /// The resource directory: search, editing, the public HSDS API.
    static let directory = FeatureModule(name: "directory") { module in
        DirectoryPages(store: module.store, renderer: module.renderer).register(on: module.pages)
        DirectoryAPI(store: module.store).register(hsds: module.hsds, api: module.api)
    }
}
