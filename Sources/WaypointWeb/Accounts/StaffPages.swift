import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// The signed-in pages: a home page per role, user administration and the activity log.
struct StaffPages {
    let store: Store
    let renderer: PageRenderer

    func register(on router: PageRoutes) {
        router.get("/home", .signedIn, use: home)
        router.get("/admin/users", .permission(.manageUsers), use: users)
        router.post("/admin/users", .permission(.manageUsers), use: createUser)
        router.post("/admin/users/:id/active", .permission(.manageUsers), scope: .organization, use: setActive)
        router.get("/audit", .permission(.readAudit), use: auditLog)
    }

    @Sendable func home(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let organization = try await store.organizations.current(tenant)
        let role = tenant.role
        let strings = Localizer(context.language)
        var reminder: String?
        if Policy.allows(role, .managePartners) {
            let ending = try await store.partners.network(in: tenant).agreementsEnding.count
            if ending > 0 { reminder = strings.format("home_agreements_to_renew", ["count": String(ending)]) }
        }
        let reminders = try await trainingReminders(tenant, strings: strings)
        let view = AccountViews.Home(organization: organization.name, introKey: strings["home_\(role.rawValue)_intro"],
                                     isClinician: Policy.allows(role, .screen), isDirectoryEditor: Policy.allows(role, .editDirectory),
                                     worksCases: Policy.allows(role, .readCaseload), renewalReminder: reminder,
                                     trainingReminders: reminders, hasTrainingReminders: !reminders.isEmpty)
        return renderer.page("home", titleKey: "home_title", view: view, request: request, context: context)
    }

    /// Required trainings overdue or due within the reminder window, then refreshers due.
    func trainingReminders(_ tenant: TenantContext, strings: Localizer) async throws -> [AccountViews.Reminder] {
        let due = ComplianceRules.reminders(try await store.compliance.mine(in: tenant), today: store.clients.today())
        let refreshers = try await store.enrollments.refreshersDue(in: tenant)
        return due.map { line in
            let overdue = line.status.state == .overdue
            return AccountViews.Reminder(text: strings.format(overdue ? "home_training_overdue" : "home_training_due",
                                                              ["state": line.jurisdiction, "date": line.status.dueOn ?? ""]),
                                         href: "/training", overdue: overdue)
        } + refreshers.map {
            AccountViews.Reminder(text: strings.format("home_refresher_due", ["course": $0.courseTitle, "months": String($0.months)]),
                                  href: "/training/enrollments/\($0.enrollmentId)/refresher", overdue: false)
        }
    }

    @Sendable func users(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try await usersPage(request: request, context: context)
    }

    private func usersPage(request: Request, context: WaypointRequestContext, noticeKey: String? = nil,
                           error: (any UserFacingError)? = nil, form: NewUserForm? = nil) async throws -> Response {
        let tenant = try context.tenant()
        let strings = Localizer(context.language)
        let view = AccountViews.users(try await store.users.list(in: tenant), viewer: tenant, typed: form,
                                      notice: noticeKey.map { strings[$0] }, error: error, strings: strings)
        return renderer.page("users", titleKey: "users_title", view: view, request: request, context: context,
                             status: error.map(\.httpStatus) ?? .ok)
    }

    @Sendable func createUser(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let form = try await FormReader.decode(NewUserForm.self, request, context: context)
        let tenant = try context.tenant()
        do {
            guard let role = Role(rawValue: form.role ?? "") else { throw AccountError.invalidRole }
            _ = try await store.users.create(
                NewUser(username: form.username ?? "", role: role, displayName: form.displayName ?? "",
                        email: form.email ?? "", password: form.password ?? ""), in: tenant)
            return try await usersPage(request: request, context: context, noticeKey: "user_created")
        } catch let error as AccountError {
            return try await usersPage(request: request, context: context, error: error, form: form)
        }
    }

    @Sendable func setActive(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        struct ActiveForm: Decodable { let active: String? }
        let form = try await FormReader.decode(ActiveForm.self, request, context: context)
        let id = try context.parameters.require("id")
        try await store.users.setActive(id, active: form.active == "1", in: try context.tenant())
        return PageRenderer.redirect(to: "/admin/users")
    }

    @Sendable func auditLog(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let entries = try await store.audit.recent(in: tenant)
        // Only what was appended since this instance last checked: the whole chain is `waypoint audit verify`.
        let verification = try await store.audit.verifySinceCheckpoint()
        let formatter = ISO8601DateFormatter()
        let view = AccountViews.Audit(
            entries: entries.map { entry in
                // No sequence numbers: they count every organization's activity, not the viewer's.
                .init(time: formatter.string(from: Date(millis: entry.at)), actor: entry.actorId, action: entry.action,
                      object: "\(entry.objectType) \(entry.objectId)", requestId: entry.requestId)
            },
            // Where it broke is for the operator (`waypoint audit verify`); the entry numbers span organizations.
            intact: verification.isIntact, broken: !verification.isIntact)
        return renderer.page("audit", titleKey: "audit_title", view: view, request: request, context: context)
    }
}
