/// One action a staff member may be allowed to take. Every check of who may do what names one of
/// these; `Policy` alone says which roles hold it and how far it reaches into the caseload.
public enum Permission: String, CaseIterable, Codable, Sendable {
    // Accounts and the organization
    case manageUsers, readAudit, manageSettings, readOrganizationLists
    // Recognize and respond
    case screen, handOverScreening, manageReportingRoutes
    // Refer
    case referFromScreening, followReferral, readOutbox, readInbox, editDirectory
    // Coordinate: a client's case
    case readCaseload, createClient, readClient, writeCase, revealIdentity, manageConsent, referFromCase, followCaseReferral
    case exportClient, assignCaseStaff, purgeClient, breakGlass, reviewBreakGlass, readAccessLog, listCaseStaff, overrideFund
    case cosignNote, writeRestrictedNotes, readSubstanceUseNotes
    // The line
    case answerLine
    // Housing, funds, partners
    case readHousingSites, manageHousingSites, readFunds, manageFunds, readPartners, managePartners
    // Training
    case learn, authorCourses, revokeCertificates, readCompliance, setOthersTrainingProfile, exportStatements, configureLRS
    // Reports and the ads workbench
    case readReports, defineReports, investigate
}

/// How an actor stands to a client. A permission about one client reaches it only through the
/// relations `Policy` lists for it.
public enum ClientReach: String, CaseIterable, Sendable {
    /// The actor is on the case (`client_staff`).
    case assigned
    /// The actor supervises a team one of whose members is on the case.
    case team
    /// The actor opened the client by breaking the glass less than an hour ago: reading only.
    case breakGlass
}

/// The one table of who may do what. Nothing else compares roles.
public enum Policy {
    /// Which roles hold a permission, and, for a permission about one client, through which
    /// relations each role reaches the client.
    struct Rule {
        let grants: [Role: Set<ClientReach>]
    }

    private static let caseStaff: [Role: Set<ClientReach>] = [.caseManager: [.assigned], .supervisor: [.assigned, .team]]
    private static let caseStaffReading: [Role: Set<ClientReach>] = [.caseManager: [.assigned], .supervisor: [.assigned, .team, .breakGlass]]

    private static func roles(_ roles: Role...) -> Rule { Rule(grants: Dictionary(uniqueKeysWithValues: roles.map { ($0, []) })) }

    static func rule(_ permission: Permission) -> Rule {
        switch permission {
        case .manageUsers, .manageSettings, .manageReportingRoutes, .configureLRS, .defineReports: roles(.admin)
        case .readAudit: roles(.auditor, .admin)
        // The organization's programs and funding sources: picked by those who record a case, kept by its administrators.
        case .readOrganizationLists: roles(.admin, .caseManager, .supervisor)
        case .screen, .handOverScreening, .referFromScreening, .readOutbox: roles(.clinician)
        // Following up a referral: its clinician's from a screening, the case team's from a case (the store checks which).
        case .followReferral: roles(.clinician, .caseManager, .supervisor)
        case .readInbox: roles(.clinician, .directoryEditor)
        case .editDirectory: roles(.directoryEditor)
        case .readCaseload, .createClient: roles(.caseManager, .supervisor)
        // Break-the-glass reads; it never changes, exports, consents, assigns or purges.
        case .readClient, .revealIdentity: Rule(grants: caseStaffReading)
        case .writeCase, .manageConsent, .referFromCase, .followCaseReferral, .exportClient: Rule(grants: caseStaff)
        // Only a supervisor who may open the case without breaking the glass reassigns or purges it.
        case .assignCaseStaff, .purgeClient: Rule(grants: [.supervisor: [.assigned, .team]])
        case .breakGlass, .reviewBreakGlass, .overrideFund, .cosignNote: roles(.supervisor)
        // Therapy and legally privileged notes are written by the licensed supervisor of record;
        // substance-use notes are read, besides their author, by the supervisor only.
        case .writeRestrictedNotes: roles(.supervisor)
        // Through the team, never by breaking the glass.
        case .readSubstanceUseNotes: Rule(grants: [.supervisor: [.assigned, .team]])
        case .readAccessLog: Rule(grants: [.supervisor: [.assigned, .team], .auditor: []])
        case .listCaseStaff: roles(.supervisor, .advocate, .clinician)
        case .answerLine: roles(.advocate, .supervisor)
        case .readHousingSites: roles(.admin, .supervisor, .caseManager)
        case .manageHousingSites, .manageFunds, .managePartners: roles(.admin, .supervisor)
        case .readFunds: roles(.admin, .supervisor, .caseManager)
        case .readPartners: roles(.admin, .supervisor, .caseManager, .advocate)
        case .learn: Rule(grants: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, []) }))
        case .authorCourses, .revokeCertificates: roles(.trainer)
        case .readCompliance: roles(.trainer, .admin, .supervisor)
        case .setOthersTrainingProfile, .exportStatements: roles(.trainer, .admin)
        case .readReports: roles(.analyst, .admin)
        case .investigate: roles(.investigator)
        }
    }

    /// Whether the role holds the permission at all (for a client, through at least one relation or
    /// organization-wide).
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        rule(permission).grants[role] != nil
    }

    public static func allows(_ actor: TenantContext, _ permission: Permission) -> Bool {
        allows(actor.role, permission)
    }

    /// The relations through which the role reaches a client for this permission; empty when the
    /// permission is not about one client (or the role does not hold it).
    public static func reach(_ role: Role, _ permission: Permission) -> Set<ClientReach> {
        rule(permission).grants[role] ?? []
    }

    /// Whether a permission reaches a client through the relations the actor has to it.
    public static func allows(_ role: Role, _ permission: Permission, through relations: Set<ClientReach>) -> Bool {
        !reach(role, permission).isDisjoint(with: relations)
    }

    /// The roles that hold a permission (for the authorization matrix and the staff pages).
    public static func roles(holding permission: Permission) -> Set<Role> {
        Set(rule(permission).grants.keys)
    }
}
