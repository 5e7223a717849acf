/// What a staff member may do inside their organization.
public enum Role: String, CaseIterable, Codable, Sendable {
    /// Manages the organization: users and settings. Sees no client content by virtue of the role.
    case admin
    /// Screens, responds and refers at the point of care.
    case clinician
    /// Works a caseload: the clients assigned to them, over months.
    case caseManager = "case_manager"
    /// Leads a team of case managers: sees the team's caseload, approves purges, may open another
    /// team's client for an hour with a reason (break-the-glass), reviewed afterwards.
    case supervisor
    /// Keeps the organization's local entries in the resource directory current.
    case directoryEditor = "directory_editor"
    /// Reads the audit log; never client content.
    case auditor
    /// Answers the 24/7 line: logs contacts (anonymous by default), agrees callbacks, hands a caller
    /// who wants help over to a case manager. Sees no case files.
    case advocate
    /// Writes and imports courses, sees their answers and the organization's training records.
    /// Everyone on staff, whatever their role, is a learner.
    case trainer
    /// Reads the de-identified reports: aggregates only, never a client, screening or contact.
    case analyst
    /// Works the ads workbench: imports online ads and missing-person posters, reviews families of
    /// ads and poster matches, exports lead packages. Sees no client, screening or contact.
    case investigator

}

/// Who is acting, for whom, and in which request. Every repository call that touches tenant-owned
/// rows takes one of these, so there is no way to query without naming the tenant.
public struct TenantContext: Sendable, Equatable {
    public let orgId: String
    public let userId: String
    public let role: Role
    public let requestId: String

    public init(orgId: String, userId: String, role: Role, requestId: String) {
        self.orgId = orgId
        self.userId = userId
        self.role = role
        self.requestId = requestId
    }
}
