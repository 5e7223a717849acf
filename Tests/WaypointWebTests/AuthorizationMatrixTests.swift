import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport
@testable import WaypointWeb

/// What the matrix expects of a route, worked out from its declaration (`RouteRule`) and the one
/// permission table (`Policy`): nobody lists roles here, so the matrix cannot drift from the code.
enum MatrixAccess: Sendable {
    /// No account needed (sign-in itself, the public directory API, a receiver's signed link).
    case open
    /// Any signed-in role.
    case signedIn
    /// Only these roles, in their own organization.
    case roles(Set<Role>)
    /// Only this role, and only for a record of its own organization (the record's own sender or
    /// learner): other holders of the permission are refused, the other organization's get 404.
    case owner(Role)
    /// Only these roles, and only for a record of their organization (a client on their caseload,
    /// a fund, a course): the other organization's same roles get 404.
    case caseload(Set<Role>)
    /// No staff role: a scraper on loopback or with the operator's token (neither in this test).
    case operatorOnly

    init(_ rule: RouteRule) {
        switch rule.access {
        case .open: self = .open
        case .signedIn: self = .signedIn
        case .operatorOnly: self = .operatorOnly
        case .permission(let permission):
            let roles = Policy.roles(holding: permission)
            switch rule.scope {
            case .none: self = .roles(roles)
            case .organization: self = .caseload(roles)
            case .person(let owner): self = .owner(owner)
            }
        }
    }
}

@Suite("Authorization matrix: every route × role × tenant")
struct AuthorizationMatrixTests {
    /// Routes whose query or body narrows who may, past what the declaration lets through its gate.
    static let narrowed: [String: MatrixAccess] = [
        // The default box is the outbox, a clinician's own; editors read the inbox (?box=inbox) through the same route.
        "GET /api/v1/referrals": .roles([.clinician]),
        // A learner sets their own profile; the matrix's body sets the administrator's, which trainers and admins may.
        "PUT /api/v1/training/profiles/{id}": .caseload([.trainer, .admin]),
    ]

    /// Every route the application serves, with what the matrix expects of it.
    static func matrix(_ table: RouteTable) -> [String: MatrixAccess] {
        Dictionary(uniqueKeysWithValues: table.all.map { ($0.key, narrowed[$0.key] ?? MatrixAccess($0)) })
    }

    static let everyone = Set(Role.allCases)

    /// Values planted in the own organization's records; no refusal may contain any of them.
    static let secrets = ["Okapi-Alias-5521", "208-555-0142", "Okapi-Note-7730", "Demo Clinician", "demo-clinician@demo.invalid",
                          "Okapi-Client-3381", "Okapi-Legal-Name-6620", "Okapi-Address-4417", "Okapi-Contact-8812"]

    struct Caller: Sendable, CustomStringConvertible {
        let role: Role?
        let own: Bool
        let context: TenantContext?
        var description: String { role.map { "\($0.rawValue) (\(own ? "own" : "other") organization)" } ?? "anonymous" }
    }

    @Test("each route answers each role of each organization as the matrix says, and refusals carry no record data",
          arguments: Backend.allCases)
    func matrix(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            // The route table the application actually serves, and each route's declaration.
            let (router, table) = try await buildRoutes(store: store, configuration: WebConfiguration())
            let routes = router.routes.map { "\($0.method) \($0.path)" }
            let matrix = Self.matrix(table)
            let undeclared = routes.filter { matrix[$0] == nil }
            #expect(undeclared.isEmpty, "routes served without a declaration: \(undeclared)")
            #expect(Set(matrix.keys).subtracting(routes).isEmpty, "declarations of routes that are not served")
            #expect(Set(Self.narrowed.keys).isSubset(of: routes), "narrowed entries for routes that do not exist")

            let fixtures = try await Fixtures.make(client: client, store: store)
            var callers = [Caller(role: nil, own: true, context: nil)]
            for role in Role.allCases {
                callers.append(Caller(role: role, own: true, context: fixtures.own[role]))
                callers.append(Caller(role: role, own: false, context: fixtures.other[role]))
            }
            for route in routes.sorted() {
                guard let access = matrix[route] else { continue }
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(rawValue: String(parts[0]))!
                let pattern = String(parts[1])
                for caller in callers {
                    let response = try await fixtures.send(method, pattern, as: caller, client: client, store: store)
                    let status = Int(response.status.code)
                    let body = String(buffer: response.body)
                    let cell = "\(route) as \(caller)"
                    #expect(status < 500, "\(cell): \(status)")
                    let expected = Self.expectation(access, caller: caller)
                    switch expected {
                    case .open:
                        break
                    case .allowed:
                        #expect(![401, 403, 404].contains(status) && !Self.isSignInRedirect(response), "\(cell) was refused: \(status)")
                    case .signInRequired:
                        #expect(status == 401 || Self.isSignInRedirect(response), "\(cell) should need sign-in: \(status)")
                    case .refused:
                        #expect([403, 404].contains(status), "\(cell) should be refused: \(status)")
                    case .notFound:
                        #expect(status == 404, "\(cell) should not find another organization's record: \(status)")
                    }
                    if expected != .allowed && expected != .open {
                        let leaked = Self.secrets.filter(body.contains)
                        #expect(leaked.isEmpty, "\(cell) leaked \(leaked)")
                    }
                    // Labelled notes: the supervisor's therapy note reaches its author and nobody else, page or API.
                    if method == .get, pattern == "/api/v1/clients/{id}" || pattern == "/cases/{id}", status == 200 {
                        #expect(body.contains(Fixtures.therapyNote) == (caller.role == .supervisor && caller.own), "\(cell): labelled note")
                    }
                }
            }
        }
    }

    @Test("an analyst reaches the reports and nothing that names a client, a screening, a referral or a contact")
    func analystsReadAggregatesOnly() async throws {
        try await TestStore.withStore(.sqlite) { test in
            let matrix = Self.matrix(try await buildRoutes(store: test.store, configuration: WebConfiguration()).table)
            for (route, access) in matrix where !route.contains("/reports") {
                switch access {
                case .roles(let roles), .caseload(let roles):
                    // Everyone on staff is a learner: courses, enrollments and the issuer are their own training, not a client's record.
                    let training = ["/courses", "/training", "/enrollments"].contains { route.contains($0) } && roles == Self.everyone
                    #expect(!roles.contains(.analyst) || training, "\(route) lets an analyst in")
                case .owner(let role): #expect(role != .analyst, "\(route) lets an analyst in")
                case .signedIn:
                    // What every signed-in person may open: their own account, the public directory and catalogs, the home page.
                    #expect(["/home", "/api/v1/me", "/auth/token", "/directory", "/instruments", "/indicators"]
                                .contains { route.contains($0) }, "\(route) is open to every role: check it shows no client")
                case .open, .operatorOnly: break
                }
            }
        }
    }

    /// `open`: any answer below 500 (sign-in itself answers 401 to a wrong password).
    enum Expectation: Equatable { case open, allowed, signInRequired, refused, notFound }

    static func expectation(_ access: MatrixAccess, caller: Caller) -> Expectation {
        if case .open = access { return .open }
        if case .operatorOnly = access { return .refused }
        guard let role = caller.role else { return .signInRequired }
        switch access {
        case .open: return .open
        case .operatorOnly: return .refused
        case .signedIn: return .allowed
        case .roles(let allowed): return allowed.contains(role) ? .allowed : .refused
        case .owner(let owner):
            guard role == owner else { return .refused }
            return caller.own ? .allowed : .notFound
        case .caseload(let roles):
            guard roles.contains(role) else { return .refused }
            return caller.own ? .allowed : .notFound
        }
    }

    static func isSignInRedirect(_ response: TestResponse) -> Bool {
        let location = response.headers[.location] ?? ""
        return response.status == .seeOther && location.hasPrefix("/signin") && location != "/signin?ended=1"
    }
}

/// The records every cell is tried against: the own organization's (the demo clinic's) screening,
/// referral, local entry and users, and a second organization with one user per role.
struct Fixtures: Sendable {
    static let therapyNote = "Okapi-Therapy-5150"
    var own: [Role: TenantContext] = [:]
    var other: [Role: TenantContext] = [:]
    var screeningId = ""
    var referralId = ""
    var receiverLink = ""
    var localServiceId = ""
    var publicServiceId = ""
    var userId = ""
    var clientId = ""
    var consentId = ""
    var goalId = ""
    var noteId = ""
    var taskId = ""
    var grantId = ""
    var crisisId = ""
    var eligibilityId = ""
    var fundId = ""
    var siteId = ""
    var stayId = ""
    var voucherId = ""
    var partnerId = ""
    var courseId = ""
    var enrollmentId = ""
    var certificateCode = ""
    var adImportId = ""
    var adFamilyId = ""
    var posterId = ""
    var matchId = ""

    static func make(client: any TestClientProtocol, store: Store) async throws -> Fixtures {
        var fixtures = Fixtures()
        let rows = try await store.database.withConnection { db in
            try await db.raw("SELECT id, org_id, role FROM users").all()
        }
        for row in rows {
            let role = Role(rawValue: try row.decode(column: "role", as: String.self))!
            fixtures.own[role] = TenantContext(orgId: try row.decode(column: "org_id", as: String.self),
                                               userId: try row.decode(column: "id", as: String.self), role: role, requestId: "matrix")
        }
        let other = try await store.organizations.create(name: "Matrix Other Clinic", requestId: "matrix")
        for role in Role.allCases {
            let id = try await store.users.createAsOperator(
                NewUser(username: "other-\(role.rawValue.replacingOccurrences(of: "_", with: "-"))", role: role, displayName: "Other",
                        email: "", password: WebHarness.password), orgId: other.id, requestId: "matrix")
            fixtures.other[role] = TenantContext(orgId: other.id, userId: id, role: role, requestId: "matrix")
        }
        let auth = try await ScreeningAPITests.bearer(client, "demo-clinician")
        let screening = try WebHarness.json(try await ScreeningAPITests.post(client, auth, #"""
            {"instrument":"sscst","age":15,"answers":["yes","yes","no","no","no","no"],"note":"Okapi-Note-7730","idempotency_key":"matrix-1"}
            """#))
        fixtures.screeningId = try #require(screening["id"] as? String)
        var query = DirectoryQuery()
        query.text = "Casa Puente"
        let service = try #require(try await store.directory.search(query).hits.first?.serviceId)
        let referral = try WebHarness.json(try await client.execute(uri: "/api/v1/referrals", method: .post, headers: auth, body: ByteBuffer(string: #"""
            {"service_id":"\#(service)","consent":{"method":"verbal","scope":["needs","contact"],"recipient":"Casa Puente counselling line (demo)","expires_on":"\#(WebHarness.consentExpiry)"},
             "payload":{"alias":"Okapi-Alias-5521","needs":["mental-health"],"language":"es","do_not_contact":false,"contact_method":"text",
                        "contact_detail":"208-555-0142","safe_times":"","note":""}}
            """#)))
        fixtures.referralId = try #require((referral["referral"] as? [String: Any])?["id"] as? String)
        fixtures.receiverLink = try #require(referral["receiver_link"] as? String)
        fixtures.localServiceId = try #require(try await store.directory.localServices(in: fixtures.own[.directoryEditor]!).first?.id)
        query.text = "Runaway"
        fixtures.publicServiceId = try #require(try await store.directory.search(query).hits.first?.serviceId)
        fixtures.userId = fixtures.own[.clinician]!.userId
        // A client on the demo case manager's caseload (the demo supervisor leads that team), with a consent.
        let client = try await store.clients.create(
            NewClient(alias: "Okapi-Client-3381", phase: .survive, flags: ClientFlags(foreignNational: true),
                      identity: ClientIdentity(legalName: "Okapi-Legal-Name-6620")),
            in: fixtures.own[.caseManager]!)
        fixtures.clientId = client.id
        fixtures.consentId = try await store.consents.create(
            NewConsent(purpose: "matrix", recipientOrg: "Matrix Recipient", categories: [.needs], method: .verbal, givenBy: .client,
                       expiresOn: store.clock.now().addingTimeInterval(30 * 86400).calendarDay()), for: client.id, in: fixtures.own[.caseManager]!).id
        let manager = fixtures.own[.caseManager]!
        fixtures.goalId = try await store.cases.addGoal(NewGoal(domain: .housing, text: "a place of my own"), to: client.id, in: manager).id
        fixtures.noteId = try await store.cases.addNote(NewNote(text: "Okapi-Note-7730"), to: client.id, in: manager).id
        _ = try await store.cases.addNote(NewNote(text: Fixtures.therapyNote, sensitivity: .therapy), to: client.id, in: fixtures.own[.supervisor]!)
        fixtures.taskId = try await store.cases.addTask(NewTask(title: "call back", due: "2099-01-01"), to: client.id, in: manager).id
        fixtures.grantId = try await store.oversight.breakGlass(client.id, reason: "matrix emergency", in: fixtures.own[.supervisor]!).id
        fixtures.eligibilityId = try await store.eligibility.create(NewEligibility(kind: .adultCertification), for: client.id, in: manager).id
        fixtures.crisisId = try await store.crisis.log(
            NewCrisisContact(channel: .call, callerRole: .person, concerns: [.labor], danger: false, outcome: [],
                             callback: Callback(safe: true, number: "208-555-0142", safeTimes: "after 6 pm"), note: "Okapi-Note-7730"),
            in: fixtures.own[.advocate]!).id
        let supervisor = fixtures.own[.supervisor]!
        let today = store.clients.today()
        fixtures.fundId = try await store.funds.create(
            NewFund(name: "Matrix Fund", kind: .voca, budgetCents: 1_000_000, periodStart: "2000-01-01", periodEnd: "2099-12-31",
                    unitCosts: [Fund.UnitCost(serviceType: .emergencyHousingNight, cents: 5_000), Fund.UnitCost(serviceType: .transport, cents: 500)]),
            in: supervisor).id
        fixtures.siteId = try await store.housing.createSite(NewHousingSite(name: "Matrix House", address: "Okapi-Address-4417", beds: 4), in: supervisor).id
        fixtures.stayId = try await store.housing.checkIn(NewStay(siteId: fixtures.siteId, fundId: fixtures.fundId, checkIn: today), for: client.id, in: manager).id
        fixtures.voucherId = try await store.housing.issueVoucher(NewVoucher(fundId: fixtures.fundId), for: client.id, in: manager).id
        fixtures.partnerId = try await store.partners.create(NewPartner(name: "Matrix Partner", scope: .local,
                                                                        contacts: [PartnerContact(name: "Okapi-Contact-8812")]), in: supervisor).id
        let course = try await store.courses.importBundle(Data(Fixtures.course.utf8), in: fixtures.own[.trainer]!)
        fixtures.courseId = course.id
        let clinician = fixtures.own[.clinician]!
        fixtures.enrollmentId = try await store.enrollments.enroll(in: course.id, context: clinician).id
        // Completed, so the certificate routes have a certificate.
        _ = try await store.enrollments.next(fixtures.enrollmentId, in: clinician)
        _ = try await store.enrollments.submit(.init(lesson: "l1"), to: fixtures.enrollmentId, in: clinician)
        _ = try await store.enrollments.submit(.init(answers: ["q1": ["a"]]), to: fixtures.enrollmentId, in: clinician)
        fixtures.certificateCode = try await store.certificates.certificate(for: fixtures.enrollmentId, in: clinician).code
        // Two ads of one family and a poster one of them matches.
        let investigator = fixtures.own[.investigator]!
        fixtures.adImportId = try await store.ads.beginImport(fileName: "matrix.csv", in: investigator)
        _ = try await store.ads.runImport(fixtures.adImportId, source: .data(Data("""
            id,text,posted_at
            m1,"Hi I'm Jessie, 18 yrs, new in town. Ask about my angel tattoo. Call 212-555-0144",2026-05-01
            m2,"Hi I'm Jessie, 18 yrs, new in town. Ask about my tattoo. Call 212-555-0144",2026-05-03

            """.utf8), name: "matrix.csv"), skipInvalid: false, in: investigator)
        fixtures.adFamilyId = try #require(try await store.ads.families(in: investigator).first?.id)
        _ = try await store.ads.importPosters(Data("""
            case_number,name,aliases,age_at_missing,missing_since,marks,state
            MTX-1,Jessica Okapi,Jess,15,2025-09-01,tattoo 'Angel',OK

            """.utf8), name: "posters.csv", in: investigator)
        fixtures.posterId = try #require(try await store.ads.posters(in: investigator).first?.id)
        fixtures.matchId = try #require(try await store.ads.poster(fixtures.posterId, in: investigator).matches.first?.id)
        return fixtures
    }

    /// A one-module course for the training routes.
    static let course = #"""
        {"format":"waypoint-course/1","id":"matrix-course","version":"1","language":"en","title":"Matrix","summary":"For the matrix.",
         "objectives":["Route checks"],"minutes":10,"pass_percent":80,"time_attestation":false,"topics":[],"evaluation":[],
         "modules":[{"id":"m1","title":"One","minutes":10,"lessons":[{"id":"l1","title":"L","body":"Text.","sources":[{"id":"s","citation":"Source"}]}],
                     "check":{"draw":{"count":1},"pool":[{"id":"q1","text":"Q?","choices":[{"id":"a","text":"A"},{"id":"b","text":"B"}],
                                                         "correct":["a"],"explanation":"E.","source":"S"}]}}]}
        """#

    func path(_ pattern: String) -> String {
        var path = pattern
        let screening = pattern.contains("screenings"), referral = pattern.contains("referrals")
        if pattern.hasPrefix("/r/") { path = receiverLink }
        path = path.replacingOccurrences(of: "{name}", with: "app.css")
        if pattern.hasPrefix("/cases/{id}/{section}/{item}") {
            path = path.replacingOccurrences(of: "{section}/{item}/{step}", with: "tasks/\(taskId)/done")
        }
        for (name, value) in [("{section}", pattern.hasPrefix("/partners/") ? "events" : "notes"), ("{action}", "callback-done"), ("{list}", "program"), ("{cid}", consentId), ("{gid}", pattern.contains("break-glass") ? grantId : goalId), ("{nid}", noteId), ("{tid}", taskId),
                            ("{eid}", pattern.contains("/stays/") ? stayId : pattern.contains("/vouchers/") ? voucherId : eligibilityId)] {
            path = path.replacingOccurrences(of: name, with: value)
        }
        path = path.replacingOccurrences(of: "{code}", with: certificateCode)
        let id = pattern.hasPrefix("/ads/imports/") ? adImportId : pattern.hasPrefix("/ads/families/") ? adFamilyId
            : pattern.hasPrefix("/ads/posters/") ? posterId : pattern.hasPrefix("/ads/matches/") ? matchId
            : pattern.contains("/clients/") || pattern.hasPrefix("/cases/") ? clientId
            : pattern.contains("/training/profiles/") ? own[.admin]!.userId
            : pattern.contains("/certificates/") ? certificateCode : pattern.hasPrefix("/issuers/") ? own[.admin]!.orgId
            : pattern.contains("/courses/") ? courseId : pattern.contains("/enrollments/") ? enrollmentId
            : pattern.contains("/reports/") ? "people-served"
            : pattern.contains("/funds/") ? fundId : pattern.contains("/housing/") ? siteId : pattern.contains("/partners/") ? partnerId : pattern.contains("/crisis-contacts/") || pattern.hasPrefix("/line/") ? crisisId
            : screening ? screeningId : referral ? referralId
            : pattern.hasPrefix("/directory/edit") ? localServiceId
            : pattern.contains("/users/") ? userId
            : pattern.contains("instruments") ? "sscst" : publicServiceId
        return path.replacingOccurrences(of: "{id}", with: id)
    }

    /// A body each route can read, so the answer shows authorization rather than a parse error:
    /// a move the state machine refuses, a reason, a referral without consent (409), a consent.
    func apiBody(_ pattern: String) -> String {
        if pattern.hasSuffix("/partners/{id}/events") { return #"{"kind":"training","title":"","held_on":"z"}"# }
        if pattern.hasSuffix("/events") { return #"{"status":"closed"}"# }
        if pattern.hasSuffix("/retention") { return #"{"years":7}"# }
        if pattern.hasSuffix("/settings/lrs") { return #"{"endpoint":"http://127.0.0.1:9/xapi","username":"matrix","password":"matrix"}"# }
        if pattern == "/api/v1/crisis-contacts" {
            return #"{"channel":"chat","caller_role":"professional","concerns":["unsure"],"danger":false,"outcome":["information"]}"#
        }
        if pattern.hasSuffix("/eligibility") { return #"{"kind":"t-visa"}"# }
        if pattern.hasSuffix("/stays") { return #"{"site_id":"matrix-none","fund_id":"\#(fundId)"}"# }
        if pattern.hasSuffix("/check-out") || pattern.hasSuffix("/used") { return #"{"check_out":"1999-01-01","used_on":"1999-01-01"}"# }
        if pattern.hasSuffix("/vouchers") { return #"{"fund_id":"matrix-none"}"# }
        if pattern == "/api/v1/funds" {
            return #"{"name":"Matrix","kind":"state","budget_cents":100,"period_start":"2026-01-01","period_end":"2026-12-31","unit_costs":[{"service_type":"legal","cents":100}]}"#
        }
        if pattern.hasSuffix("/training/profiles/{id}") { return #"{"states":["TX"],"department":"Matrix","facility_roles":[]}"# }
        if pattern.hasSuffix("/enrollments/{id}/answers") { return #"{"lesson":"not-this-one"}"# }
        if pattern.hasSuffix("/enrollments/{id}/evaluation") { return #"{"answers":{}}"# }
        if pattern == "/api/v1/partners" { return #"{"name":"Matrix partner","scope":"national"}"# }
        if pattern.hasSuffix("/agreements") { return #"{"kind":"mou","title":"","starts_on":"x","ends_on":"y"}"# }
        if pattern == "/api/v1/housing/sites" { return #"{"name":"Matrix","address":"somewhere","beds":1}"# }
        if pattern.hasSuffix("/eligibility/{eid}/status") { return #"{"status":"denied"}"# }
        if pattern.hasSuffix("/screenings/{id}/handover") { return #"{"consent":false,"alias":"matrix","case_manager_id":"none"}"# }
        if pattern.hasSuffix("/crisis-contacts/{id}/client") { return #"{"consent":false,"alias":"matrix"}"# }
        if pattern.hasSuffix("/staff") { return #"{"case_managers":["\#(own[.caseManager]!.userId)"]}"# }
        if pattern.hasSuffix("/reveal") || pattern.hasSuffix("/revoke") || pattern.hasSuffix("/break-glass") { return #"{"reason":"matrix check"}"# }
        if pattern.hasSuffix("/clients/{id}/referrals") { return #"{"service_id":"\#(publicServiceId)","needs":["mental-health"],"do_not_contact":true}"# }
        if pattern == "/api/v1/clients/{id}" { return #"{"reason":"x"}"# }
        let bodies = [
            "/assessments": #"{"levels":{"housing":2}}"#, "/goals": #"{"domain":"housing","text":"matrix goal"}"#,
            "/goals/{gid}": #"{"status":"achieved"}"#, "/services": #"{"type":"transport"}"#, "/notes": #"{"text":"matrix note"}"#,
            "/tasks": #"{"title":"matrix task","due":"2099-01-01"}"#, "/phase": #"{"phase":"thrive"}"#, "/close": #"{"reason":"other"}"#,
            "/screenings": #"{"screening_id":"\#(screeningId)"}"#,
        ]
        if let suffix = bodies.keys.first(where: { pattern.hasPrefix("/api/v1/clients/") && pattern.hasSuffix($0) }) { return bodies[suffix]! }
        if pattern.hasSuffix("/consents") {
            return #"{"purpose":"matrix","recipient_org":"Elsewhere","categories":["needs"],"method":"verbal","given_by":"client","expires_on":"\#(WebHarness.consentExpiry)"}"#
        }
        return "{}"
    }

    /// Sends one request as `caller`: a fresh bearer token for the API, a fresh session (with its
    /// CSRF token on forms) for pages, so a sign-out or a revoked token affects only its own cell.
    func send(_ method: HTTPRequest.Method, _ pattern: String, as caller: AuthorizationMatrixTests.Caller,
              client: any TestClientProtocol, store: Store) async throws -> TestResponse {
        var path = path(pattern)
        if pattern == "/referrals/new" { path += "?service=" + publicServiceId }
        var headers: HTTPFields = [:]
        var body: ByteBuffer?
        if path.hasPrefix("/api/") {
            if let context = caller.context {
                headers[.authorization] = "Bearer " + (try await store.auth.issueToken(for: context)).token
            }
            headers[.contentType] = "application/json"
            // A well-formed move the state machine refuses (409): the answer shows authorization, and nothing changes.
            if method != .get { body = ByteBuffer(string: apiBody(pattern)) }
        } else {
            var csrf = "matrix-csrf"
            if let context = caller.context {
                let (token, info) = try await store.auth.startSession(for: context)
                headers[.cookie] = "wp_session=\(token)"
                csrf = info.csrfToken
            } else {
                headers[.cookie] = "wp_csrf=\(csrf)"
            }
            if method == .post {
                headers[.contentType] = "application/x-www-form-urlencoded"
                let service = pattern == "/referrals" ? "&service_id=\(publicServiceId)" : ""
                body = ByteBuffer(string: "_csrf=\(csrf)&status=accepted&active=1" + service)
            }
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body)
    }
}
