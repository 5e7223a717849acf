import Foundation
import SQLKit
import Testing
import WaypointCore
@testable import WaypointStore
import WaypointTestSupport

@Suite("Sealed fields at rest")
struct SealingTests {
    static let planted = "Zebra-Planted-Name-4471"

    @Test("a user's display name and email never reach the database in plaintext", arguments: Backend.allCases)
    func plaintextNeverStored(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic S", displayName: Self.planted)
            // It reads back through the application…
            #expect(try await test.store.users.find(org.userId, in: org.context).displayName == Self.planted)
            // …but is nowhere in what the database holds.
            switch test.location {
            case .sqlite(let path):
                for file in [path, path + "-wal"] {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                    #expect(bytes.range(of: Data(Self.planted.utf8)) == nil, "plaintext found in \(file)")
                    #expect(bytes.range(of: Data("\(org.username)@example.invalid".utf8)) == nil, "email found in \(file)")
                }
            case .postgres:
                let dump = try await test.store.database.withConnection { db in
                    try await db.raw("SELECT CAST(u.* AS TEXT) AS row FROM users u").all()
                        .map { try $0.decode(column: "row", as: String.self) }.joined(separator: "\n")
                }
                #expect(!dump.isEmpty && !dump.contains(Self.planted) && !dump.contains("@example.invalid"))
            }
            let auditDump = try await test.store.audit.recent(
                in: TenantContext(orgId: org.orgId, userId: org.userId, role: .auditor, requestId: "r"))
            #expect(!String(describing: auditDump).contains(Self.planted))
        }
    }

    @Test("a sealed value copied to another user's row does not open", arguments: Backend.allCases)
    func ciphertextIsBoundToItsRow(backend: Backend) async throws {
        try await TestStore.withStore(backend) { test in
            let org = try await test.organization("Clinic T")
            let otherId = try await test.store.users.create(
                NewUser(username: "other-user", role: .clinician, displayName: "Other", password: TestStore.password), in: org.context)
            try await test.sql("UPDATE users SET display_name_sealed = (SELECT display_name_sealed FROM users WHERE id = '\(org.userId)') WHERE id = '\(otherId)'")
            await #expect(throws: SealingError.authenticationFailed) { try await test.store.users.find(otherId, in: org.context) }
        }
    }

    @Test("the master key file is created private and a readable one is refused")
    func keyFilePermissions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keys-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("master.key").path
        _ = try KeyRing.loadOrCreate(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: KeyFileError.self) { try KeyRing.loadOrCreate(path: path) }
    }
}
