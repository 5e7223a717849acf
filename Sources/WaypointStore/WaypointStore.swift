import Foundation
import Logging
import ServiceLifecycle
import WaypointCore

/// Everything the web layer and the command line need from storage, wired once.
public final class Store: Sendable {
    public let shared: StoreContext
    public let organizations: Organizations
    public let users: Users
    public let auth: Authenticator
    public let screenings: Screenings
    public let jurisdictions: JurisdictionRoutes
    public let instruments: OrganizationInstruments
    public let directory: Directory
    public let referrals: Referrals
    public let clients: Clients
    public let consents: Consents
    public let cases: CaseRecords
    public let oversight: CaseOversight
    /// Synthetic caseloads for the benchmark only.
    public let caseSeeding: CaseSeeding
    public let syntheticData: SyntheticData
    /// Synthetic staff for the compliance benchmark only.
    public let trainingSeeding: TrainingSeeding
    public let crisis: CrisisContacts
    public let eligibility: EligibilityRequests
    public let funds: Funds
    public let housing: Housing
    public let partners: Partners
    public let courses: Courses
    public let enrollments: Enrollments
    public let certificates: Certificates
    public let compliance: Compliance
    public let statements: Statements
    public let reports: ReportData
    public let reportDefinitions: ReportDefinitions
    public let ads: AdWorkbench
    public let lists: OrganizationLists
    /// Jobs a request starts and the server finishes (ads imports), under the service lifecycle.
    public let background = BackgroundWork()

    public init(database: Database, keys: KeyRing, clock: Clock = .system, sessionPolicy: SessionPolicy = SessionPolicy()) {
        let shared = StoreContext(database: database, keys: keys, clock: clock)
        self.shared = shared
        let hasher = PasswordHasher()
        organizations = Organizations(shared: shared)
        users = Users(shared: shared, hasher: hasher)
        auth = Authenticator(shared: shared, hasher: hasher, policy: sessionPolicy)
        jurisdictions = JurisdictionRoutes(shared: shared, bundled: .bundled)
        instruments = OrganizationInstruments(shared: shared, bundled: .bundled)
        screenings = Screenings(shared: shared)
        directory = Directory(shared: shared)
        referrals = Referrals(shared: shared, directory: directory)
        clients = Clients(shared: shared)
        consents = Consents(shared: shared, clients: clients, directory: directory)
        cases = CaseRecords(shared: shared, clients: clients)
        oversight = CaseOversight(shared: shared, clients: clients)
        caseSeeding = CaseSeeding(shared: shared)
        syntheticData = SyntheticData(shared: shared)
        trainingSeeding = TrainingSeeding(shared: shared)
        crisis = CrisisContacts(shared: shared, clients: clients)
        eligibility = EligibilityRequests(shared: shared, clients: clients)
        funds = Funds(shared: shared)
        housing = Housing(shared: shared, clients: clients, cases: cases)
        partners = Partners(shared: shared, clients: clients)
        courses = Courses(shared: shared)
        enrollments = Enrollments(shared: shared, clients: clients)
        certificates = Certificates(shared: shared)
        compliance = Compliance(shared: shared, clients: clients, requirements: RequirementCatalog.bundled)
        statements = Statements(shared: shared)
        reports = ReportData(shared: shared, compliance: compliance)
        reportDefinitions = ReportDefinitions(shared: shared)
        ads = AdWorkbench(shared: shared)
        lists = OrganizationLists(shared: shared)
    }

    public var database: Database { shared.database }
    public var keys: KeyRing { shared.keys }
    public var clock: Clock { shared.clock }
    public var audit: AuditLog { shared.audit }

    /// What must run while the store serves requests: the database's services and the audit
    /// sequencer's steady beat.
    public var services: [any Service] {
        database.services + [AuditSequencerService(sequencer: audit.sequencer), AdRetentionService(ads: ads), background.service]
    }

    /// Opens the database and the key file, and brings the schema up to date.
    public static func open(_ location: DatabaseLocation, keyFile: String, logger: Logger,
                            clock: Clock = .system, sessionPolicy: SessionPolicy = SessionPolicy()) async throws -> Store {
        let keys = try KeyRing.loadOrCreate(path: keyFile)
        let database = try await Database.open(location, logger: logger)
        return Store(database: database, keys: keys, clock: clock, sessionPolicy: sessionPolicy)
    }
}
