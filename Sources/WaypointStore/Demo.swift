import Foundation
import WaypointCore

/// The demo organization a newcomer signs in to. Created once; later runs leave it as it is.
public struct DemoSetup: Sendable {
    public static let organizationName = "Demo Clinic"
    public static let users: [(username: String, role: Role, displayName: String)] = [
        ("demo-admin", .admin, "Demo Administrator"),
        ("demo-clinician", .clinician, "Demo Clinician"),
        ("demo-auditor", .auditor, "Demo Auditor"),
        ("demo-editor", .directoryEditor, "Demo Directory Editor"),
        ("demo-casemanager", .caseManager, "Demo Case Manager"),
        ("demo-supervisor", .supervisor, "Demo Supervisor"),
        ("demo-advocate", .advocate, "Demo Advocate"),
        ("demo-trainer", .trainer, "Demo Trainer"),
        ("demo-analyst", .analyst, "Demo Analyst"),
        ("demo-investigator", .investigator, "Demo Investigator"),
    ]
    static let team = "demo-team"

    /// Fictional clients on the demo case manager's caseload.
    static let clients: [NewClient] = [
        NewClient(alias: "Robin (demo)", phase: .survive, flags: ClientFlags(safetyConcern: true), languages: ["en"],
                  identity: ClientIdentity(legalName: "Demo Person One", dob: "1999-04-02", phone: "555-0100")),
        NewClient(alias: "Marisol (demo)", phase: .thrive, flags: ClientFlags(foreignNational: true), languages: ["es", "en"]),
        NewClient(alias: "Sky (demo)", phase: .prevent, flags: ClientFlags(minor: true), languages: ["en"]),
    ]

    /// Returns the password when the demo was created now (so it can be printed once), nil when it
    /// already existed.
    public static func ensure(in store: Store, password: String?) async throws -> String? {
        if try await store.organizations.named(organizationName) != nil { return nil }
        let password = password ?? Tokens.randomBase64URL(byteCount: 12)
        let organization = try await store.organizations.create(name: organizationName, requestId: "demo-setup")
        var caseManager: TenantContext?
        var supervisor: TenantContext?
        var ids: [String: String] = [:]
        for user in users {
            let id = try await store.users.createAsOperator(
                NewUser(username: user.username, role: user.role, displayName: user.displayName,
                        email: "\(user.username)@demo.invalid", password: password,
                        team: Policy.allows(user.role, .readCaseload) ? team : ""),
                orgId: organization.id, requestId: "demo-setup")
            if user.role == .caseManager { caseManager = TenantContext(orgId: organization.id, userId: id, role: .caseManager, requestId: "demo-setup") }
            if user.role == .supervisor { supervisor = TenantContext(orgId: organization.id, userId: id, role: .supervisor, requestId: "demo-setup") }
            ids[user.username] = id
        }
        if let supervisor { try await fundsAndHousing(in: store, by: supervisor) }
        if let caseManager {
            for client in clients { _ = try await store.clients.create(client, in: caseManager) }
        }
        // Fictional local entries owned by the demo organization, so search, the editor and the
        // referral inbox have something to show.
        try await store.directory.prepare(requestId: "demo-setup")
        _ = try await store.directory.importRecords(BundledDirectory.read("demo-local"), owner: organization.id, skipInvalid: false,
                                                     actor: AuditEvent(orgId: organization.id, actorId: "demo-setup", action: "", objectType: "",
                                                                       objectId: "", requestId: "demo-setup"))
        if let supervisor { try await partner(in: store, by: supervisor) }
        try await trainingProfiles(in: store, ids: ids, orgId: organization.id)
        return password
    }

    /// Two fictional funds for this year and next, and one shelter with a fictional address.
    static func fundsAndHousing(in store: Store, by supervisor: TenantContext) async throws {
        let year = String(store.clients.today().prefix(4))
        let nextYear = String((Int(year) ?? 2026) + 1)
        let costs = [Fund.UnitCost(serviceType: .emergencyHousingNight, cents: 8_500), Fund.UnitCost(serviceType: .transport, cents: 1_250),
                     Fund.UnitCost(serviceType: .caseManagement, cents: 4_500), Fund.UnitCost(serviceType: .crisisIntervention, cents: 4_500),
                     Fund.UnitCost(serviceType: .interpretation, cents: 6_000), Fund.UnitCost(serviceType: .financialAssistance, cents: 100)]
        _ = try await store.funds.create(NewFund(name: "State victim services (demo)", kind: .state, budgetCents: 5_000_000,
                                                 periodStart: "\(year)-01-01", periodEnd: "\(nextYear)-12-31", unitCosts: costs), in: supervisor)
        _ = try await store.funds.create(NewFund(name: "TVAP (demo)", kind: .tvap, budgetCents: 200_000, periodStart: "\(year)-01-01",
                                                 periodEnd: "\(nextYear)-12-31", unitCosts: Array(costs.prefix(2))), in: supervisor)
        _ = try await store.housing.createSite(NewHousingSite(name: "Harbor House (demo)", address: "100 Example Way, Demo City (fictional)", beds: 6),
                                               in: supervisor)
    }

    /// A fictional partner, linked to the demo directory organization, whose MOU is due for renewal.
    static func partner(in store: Store, by supervisor: TenantContext) async throws {
        let today = store.clients.today()
        let partner = try await store.partners.create(
            NewPartner(name: "Demo community partners (fictional)", scope: .local, directoryOrganizationId: "b0e82099-89f1-5996-bbb6-d4679b6cb01c",
                       contacts: [PartnerContact(name: "Dana Demo", role: "Program lead", phone: "555-0150", email: "dana@demo.invalid")]),
            in: supervisor)
        _ = try await store.partners.addAgreement(NewAgreement(kind: .mou, title: "Referral MOU (demo)", startsOn: CaseloadPolicy.day(today, plus: -320),
                                                               endsOn: CaseloadPolicy.day(today, plus: 45)), to: partner.id, in: supervisor)
        _ = try await store.partners.addEvent(NewPartnerEvent(kind: .training, title: "Joint training: screening and safe referral (demo)",
                                                              heldOn: CaseloadPolicy.day(today, plus: -30)), to: partner.id, in: supervisor)
    }

    /// Fictional licenses and hire dates, so the compliance report has something to show.
    static func trainingProfiles(in store: Store, ids: [String: String], orgId: String) async throws {
        guard let trainer = ids["demo-trainer"] else { return }
        let context = TenantContext(orgId: orgId, userId: trainer, role: .trainer, requestId: "demo-setup")
        let today = store.clients.today()
        let profiles: [(String, TrainingProfile)] = [
            ("demo-clinician", TrainingProfile(states: ["FL", "TX"], licenseType: "nurse", licenseRenewalOn: CaseloadPolicy.day(today, plus: 75),
                                               department: "Emergency department")),
            ("demo-casemanager", TrainingProfile(states: ["TX"], licenseType: "social_worker", licenseRenewalOn: CaseloadPolicy.day(today, plus: 200),
                                                 department: "Case management")),
            ("demo-supervisor", TrainingProfile(states: ["NJ"], hiredOn: CaseloadPolicy.day(today, plus: -30), department: "Case management",
                                                facilityRoles: ["facility_staff"])),
            ("demo-advocate", TrainingProfile(states: ["NJ"], hiredOn: CaseloadPolicy.day(today, plus: -200), department: "Crisis line",
                                              facilityRoles: ["facility_staff"])),
        ]
        for (username, profile) in profiles {
            if let id = ids[username] { try await store.compliance.setProfile(profile, of: id, in: context) }
        }
    }
}
