import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Crisis line: anonymous contacts, safe callbacks, code words, hand-over to a case")
struct CrisisStoreTests {
    static let number = "208-555-0177"
    static let note = "Quokka-Crisis-Note-4420"

    struct Line {
        let org: TenantFixture
        let advocate, supervisor, manager, clinician: TenantContext
    }

    static func line(_ test: TestStore, _ name: String = "Line Org") async throws -> Line {
        let org = try await test.organization(name)
        let suffix = String(UUID().uuidString.prefix(6)).lowercased()
        func member(_ role: Role, _ username: String) async throws -> TenantContext {
            let id = try await test.store.users.createAsOperator(
                NewUser(username: username + suffix, role: role, displayName: username, password: TestStore.password, team: "north"),
                orgId: org.orgId, requestId: "test")
            return TenantContext(orgId: org.orgId, userId: id, role: role, requestId: "test-" + username)
        }
        return Line(org: org, advocate: try await member(.advocate, "adv-"), supervisor: try await member(.supervisor, "sup-"),
                    manager: try await member(.caseManager, "cm-"), clinician: try await member(.clinician, "clin-"))
    }

    static func call(callback: Callback? = nil, codeWord: String? = nil, danger: Bool = false, outcome: [CrisisContact.Outcome] = [.information]) -> NewCrisisContact {
        NewCrisisContact(channel: .call, callerRole: .person, concerns: [.labor, .labor], language: "es", danger: danger, outcome: outcome,
                         callback: callback, codeWord: codeWord, note: note)
    }

    @Test("a contact is anonymous by default; a callback needs an explicit safe answer and a safe time; the number and note are sealed",
          arguments: Backend.allCases)
    func anonymousAndSafeCallbacks(backend: Backend) async throws {
        let clock = ManualClock()
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let line = try await Self.line(test)
            let plain = try await test.store.crisis.log(Self.call(), in: line.advocate)
            #expect(plain.anonymous && plain.concerns == [.labor] && plain.callback == nil && plain.status == .closed && plain.note == Self.note)

            for unsafe in [Callback(safe: nil, safeTimes: "evenings"), Callback(safe: false, safeTimes: "evenings"), Callback(safe: true, safeTimes: " ")] {
                await #expect(throws: CrisisError.unsafeCallback) { try await test.store.crisis.log(Self.call(callback: unsafe), in: line.advocate) }
            }
            await #expect(throws: CrisisError.unsafeCallback) { try await test.store.crisis.log(Self.call(outcome: [.callbackAgreed]), in: line.advocate) }
            await #expect(throws: CrisisError.self) {
                try await test.store.crisis.log(Self.call(callback: Callback(safe: true, number: "call me maybe", safeTimes: "evenings")), in: line.advocate)
            }
            let agreed = try await test.store.crisis.log(
                Self.call(callback: Callback(safe: true, number: Self.number, safeTimes: "after 6 pm", codeWord: "bluebird",
                                             dueAt: clock.clock.now().addingTimeInterval(2 * 3600))), in: line.advocate)
            #expect(agreed.status == .open && agreed.outcome.contains(.callbackAgreed) && agreed.callback?.number == Self.number)

            // Only the line's roles, only within the organization.
            for outsider in [line.manager, line.clinician] {
                await #expect(throws: AccessError.forbidden) { try await test.store.crisis.find(agreed.id, in: outsider) }
                await #expect(throws: AccessError.forbidden) { try await test.store.crisis.log(Self.call(), in: outsider) }
            }
            let stranger = try await Self.line(test, "Other Line Org")
            await #expect(throws: AccessError.notFound) { try await test.store.crisis.find(agreed.id, in: stranger.advocate) }
            await #expect(throws: AccessError.notFound) { try await test.store.crisis.close(agreed.id, in: stranger.supervisor) }
            #expect(try await test.store.crisis.find(agreed.id, in: line.supervisor).callback?.safeTimes == "after 6 pm")

            switch test.location {
            case .sqlite(let path):
                for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                    for planted in [Self.number, Self.note, "bluebird", "after 6 pm"] {
                        #expect(bytes.range(of: Data(planted.utf8)) == nil, "\(planted) found in \(file)")
                    }
                }
            case .postgres:
                let dump = try await test.store.database.withConnection { db in
                    try await db.raw("SELECT CAST(c.* AS TEXT) AS row FROM crisis_contacts c").all()
                        .map { try $0.decode(column: "row", as: String.self) }.joined(separator: "\n")
                }
                #expect(!dump.isEmpty)
                for planted in [Self.number, Self.note, "bluebird", "after 6 pm"] { #expect(!dump.contains(planted)) }
            }
        }
    }

    @Test("repeat contacts are linked by the caller's own code word only, never by number", arguments: Backend.allCases)
    func codeWords(backend: Backend) async throws {
        let clock = ManualClock()
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let line = try await Self.line(test)
            let first = try await test.store.crisis.log(Self.call(codeWord: "Golden Finch"), in: line.advocate)
            clock.advance(600)
            let again = try await test.store.crisis.log(Self.call(codeWord: "  golden   fínch "), in: line.advocate)
            #expect(again.earlierContacts == [first.id])
            let sameNumber = try await test.store.crisis.log(
                Self.call(callback: Callback(safe: true, number: Self.number, safeTimes: "noon"), codeWord: "other word"), in: line.advocate)
            let sameNumberAgain = try await test.store.crisis.log(
                Self.call(callback: Callback(safe: true, number: Self.number, safeTimes: "noon")), in: line.advocate)
            #expect(sameNumber.earlierContacts.isEmpty && sameNumberAgain.earlierContacts.isEmpty)
            // Another organization's line never sees this one's callers.
            let stranger = try await Self.line(test, "Other Line Org")
            #expect(try await test.store.crisis.log(Self.call(codeWord: "Golden Finch"), in: stranger.advocate).earlierContacts.isEmpty)
            let stored = try await test.store.database.withConnection { db in
                try await db.raw("SELECT code_digest FROM crisis_contacts WHERE id = \(bind: first.id)").first()!.decode(column: "code_digest", as: String.self)
            }
            #expect(!stored.lowercased().contains("finch"))
        }
    }

    @Test("the shift shows open contacts, callbacks due soon or late, and the day's and week's counts", arguments: Backend.allCases)
    func shift(backend: Backend) async throws {
        let clock = ManualClock()
        try await TestStore.withStore(backend, clock: clock.clock) { test in
            let line = try await Self.line(test)
            _ = try await test.store.crisis.log(Self.call(danger: true), in: line.advocate)
            clock.advance(3 * 86_400)
            let soon = try await test.store.crisis.log(
                Self.call(callback: Callback(safe: true, safeTimes: "any time", dueAt: clock.clock.now().addingTimeInterval(3600))), in: line.advocate)
            let later = try await test.store.crisis.log(
                Self.call(callback: Callback(safe: true, safeTimes: "any time", dueAt: clock.clock.now().addingTimeInterval(10 * 3600))), in: line.advocate)
            var shift = try await test.store.crisis.shift(in: line.advocate)
            #expect(Set(shift.open.map(\.id)) == [soon.id, later.id])
            #expect(shift.callbacksDue.map(\.id) == [soon.id])
            #expect(shift.counts.last24h == 2 && shift.counts.last7d == 3 && shift.counts.danger24h == 0)
            clock.advance(7 * 3600)  // the later one is now within four hours, the first one late
            shift = try await test.store.crisis.shift(in: line.supervisor)
            #expect(shift.callbacksDue.map(\.id) == [soon.id, later.id])
            try await test.store.crisis.callbackDone(soon.id, in: line.advocate)
            try await test.store.crisis.close(soon.id, in: line.advocate)
            await #expect(throws: CrisisError.closed) { try await test.store.crisis.close(soon.id, in: line.advocate) }
            shift = try await test.store.crisis.shift(in: line.advocate)
            #expect(shift.open.map(\.id) == [later.id] && shift.callbacksDue.map(\.id) == [later.id])
            #expect(try await test.store.crisis.find(soon.id, in: line.advocate).callback?.doneAt != nil)
        }
    }

    @Test("a caller who agrees becomes a client of a case manager without retyping; the advocate does not get the case",
          arguments: Backend.allCases)
    func handOver(backend: Backend) async throws {
        try await TestStore.withStore(backend, clock: ManualClock().clock) { test in
            let line = try await Self.line(test)
            let contact = try await test.store.crisis.log(
                Self.call(callback: Callback(safe: true, number: Self.number, safeTimes: "weekday mornings", codeWord: "heron"), danger: true),
                in: line.advocate)
            await #expect(throws: CrisisError.self) {
                try await test.store.crisis.convert(contact.id, CrisisConversion(consent: false, alias: "Heron", caseManagerId: line.manager.userId), in: line.advocate)
            }
            await #expect(throws: CrisisError.self) {  // an advocate must name who takes the case
                try await test.store.crisis.convert(contact.id, CrisisConversion(consent: true, alias: "Heron"), in: line.advocate)
            }
            await #expect(throws: CrisisError.self) {
                try await test.store.crisis.convert(contact.id, CrisisConversion(consent: true, alias: "Heron", caseManagerId: line.clinician.userId), in: line.advocate)
            }
            let clientId = try await test.store.crisis.convert(
                contact.id, CrisisConversion(consent: true, alias: "Heron", caseManagerId: line.manager.userId, foreignNational: true), in: line.advocate)
            let file = try await test.store.cases.caseFile(clientId, in: line.manager)
            #expect(file.client.alias == "Heron" && file.client.languages == ["es"])
            #expect(file.client.flags == ClientFlags(minor: false, foreignNational: true, safetyConcern: true))
            #expect(file.client.caseManagers == [line.manager.userId])
            #expect(file.client.contactSafety.call == true && file.client.contactSafety.safeTimes == "weekday mornings"
                    && file.client.contactSafety.codeWord == "heron")
            #expect(file.notes.map(\.text) == [Self.note])
            #expect(try await test.store.crisis.find(contact.id, in: line.advocate).clientId == clientId)
            await #expect(throws: CrisisError.self) {
                try await test.store.crisis.convert(contact.id, CrisisConversion(consent: true, alias: "Again", caseManagerId: line.manager.userId), in: line.advocate)
            }
            await #expect(throws: AccessError.forbidden) { try await test.store.clients.find(clientId, in: line.advocate) }
            let actions = try await test.store.audit.recent(in: TenantContext(orgId: line.org.orgId, userId: line.org.userId, role: .auditor, requestId: "r"))
                .map(\.action)
            #expect(actions.contains("crisis.log") && actions.contains("crisis.convert") && actions.contains("client.create"))
        }
    }
}
