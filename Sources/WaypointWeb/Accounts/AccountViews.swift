import Foundation
import WaypointCore
import WaypointStore

/// What the account templates show, one type per page.
enum AccountViews {
    struct Home {
        let organization: String; let introKey: String; let isClinician: Bool; let isDirectoryEditor: Bool; let worksCases: Bool
        /// For admins and supervisors: partner agreements ending within the reminder window or ended unrenewed.
        let renewalReminder: String?
        /// The person's own required trainings due soon or overdue, and refreshers due; worded neutrally (a glance at the screen tells nothing).
        let trainingReminders: [Reminder]
        /// Stored, not computed: templates read a view's stored properties only.
        let hasTrainingReminders: Bool
    }
    struct Reminder { let text: String, href: String, overdue: Bool }

    struct SignIn { let signInCSRF: String; let notice: String?; let error: String? }

    struct Users {
        struct Row { let id: String; let username: String; let displayName: String; let email: String; let role: String; let active: Bool; let isSelf: Bool }
        struct RoleChoice { let value: String; let label: String; let selected: Bool }
        /// What was typed, shown again after an error (never the password).
        struct Typed { let username: String; let display_name: String; let email: String }
        let users: [Row]
        let roles: [RoleChoice]
        let form: Typed
        let notice: String?
        let error: String?
        let invalid_username: Bool
        let invalid_password: Bool
        let invalid_role: Bool
    }

    struct Audit {
        struct Entry { let time: String; let actor: String; let action: String; let object: String; let requestId: String }
        let entries: [Entry]
        let intact: Bool
        let broken: Bool
    }

    static func users(_ list: [StaffUser], viewer: TenantContext, typed: NewUserForm?, notice: String?, error: (any UserFacingError)?,
                      strings: Localizer) -> Users {
        // The least-privileged role is the default choice.
        let chosenRole = typed?.role ?? Role.clinician.rawValue
        return Users(
            users: list.map {
                Users.Row(id: $0.id, username: $0.username, displayName: $0.displayName, email: $0.email, role: strings["role_" + $0.role.rawValue],
                          active: $0.active, isSelf: $0.id == viewer.userId)
            },
            roles: Role.allCases.map { .init(value: $0.rawValue, label: strings["role_" + $0.rawValue], selected: chosenRole == $0.rawValue) },
            form: Users.Typed(username: typed?.username ?? "", display_name: typed?.displayName ?? "", email: typed?.email ?? ""),
            notice: notice, error: error.map { strings[$0.messageKey] },
            invalid_username: error?.field == "username", invalid_password: error?.field == "password", invalid_role: error?.field == "role")
    }
}

/// The form an administrator posts to add a staff member.
struct NewUserForm: Decodable {
    let username: String?
    let role: String?
    let displayName: String?
    let email: String?
    let password: String?

    enum CodingKeys: String, CodingKey { case username, role, displayName = "display_name", email, password }
}
