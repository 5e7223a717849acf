import Hummingbird
import WaypointStore

typealias PageRoutes = DeclaredRoutes<Router<WaypointRequestContext>>
typealias APIRoutes = DeclaredRoutes<RouterGroup<WaypointRequestContext>>

/// What a feature is given to add itself: the store, the page renderer, the settings, and routers
/// that take a declaration with every route (`DeclaredRoutes`).
struct ModuleContext {
    let store: Store
    let renderer: PageRenderer
    let configuration: WebConfiguration
    let pages: PageRoutes
    let api: APIRoutes
    /// The public directory API (rate-limited, no account).
    let hsds: APIRoutes
}

/// A feature as the application sees it: its name and how it adds its routes. Each feature's folder
/// declares one (`<Feature>Module.swift`); `FeatureModule.all` is the list the application, the
/// route gate and the authorization matrix read.
struct FeatureModule: Sendable {
    let name: String
    /// Every place the feature keeps data about a client, and how a purge treats it (the purge walks
    /// `ClientDataMap.all`, the same entries in the order erasure needs).
    var clientData: [ClientData] = []
    let register: @Sendable (ModuleContext) -> Void

    /// Every feature, in the order the application adds them. A new feature is its folder and one line here.
    static let all: [FeatureModule] = [
        .shell, .accounts, .screening, .response, .directory, .referrals, .cases, .crisis, .eligibility, .funds, .housing,
        .partners, .training, .reports, .ads,
    ]
}
