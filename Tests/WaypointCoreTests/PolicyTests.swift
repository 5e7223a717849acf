import Foundation
import Testing
@testable import WaypointCore

/// The one table of who may do what, the outbound rules it leans on, and the check that no code
/// outside it compares roles.
@Suite("Policy: permissions, reach into a case, outbound addresses")
struct PolicyTests {
    @Test("break-the-glass reaches a client only to read it; assigning, purging, writing, consenting, exporting and following up need the case team")
    func breakGlassReadsOnly() {
        #expect(Policy.reach(.supervisor, .readClient).contains(.breakGlass))
        #expect(Policy.reach(.supervisor, .revealIdentity).contains(.breakGlass))
        for permission in [Permission.writeCase, .assignCaseStaff, .purgeClient, .manageConsent, .exportClient, .referFromCase, .followCaseReferral] {
            #expect(!Policy.reach(.supervisor, permission).contains(.breakGlass), "\(permission) reached through break-the-glass")
            #expect(!Policy.reach(.supervisor, permission).isEmpty, "\(permission) unreachable for the team's supervisor")
        }
        // A case manager works their own cases only; the team is the supervisor's reach.
        #expect(Policy.reach(.caseManager, .readClient) == [.assigned])
        #expect(!Policy.allows(.caseManager, .purgeClient) && !Policy.allows(.caseManager, .assignCaseStaff))
        #expect(Policy.allows(.supervisor, .purgeClient, through: [.team]) && !Policy.allows(.supervisor, .purgeClient, through: [.breakGlass]))
    }

    @Test("roles that see no client content hold no permission about a client")
    func noClientContentRoles() {
        let aboutClients = Permission.allCases.filter { !Policy.reach(.supervisor, $0).isEmpty || !Policy.reach(.caseManager, $0).isEmpty }
        for role in [Role.admin, .analyst, .investigator, .trainer, .directoryEditor, .clinician, .advocate] {
            for permission in aboutClients where permission != .readAccessLog {
                #expect(!Policy.allows(role, permission), "\(role) holds \(permission)")
            }
        }
        #expect(Policy.allows(.auditor, .readAccessLog) && Policy.reach(.auditor, .readAccessLog).isEmpty)
        #expect(Policy.roles(holding: .investigate) == [.investigator])
        #expect(Policy.roles(holding: .learn) == Set(Role.allCases))
    }

    @Test("no code outside the policy compares roles: the table is the only place that decides")
    func noRoleComparisonsOutsidePolicy() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        // `role == .x`, `.role != .x`, `[.admin, …].contains(role)`, `role IN ('…')` in SQL, and the old role sets.
        let patterns = [#"role\s*[!=]=\s*\."#, #"\.contains\((context\.|tenant\.|viewer\.)?role\)"#, #"role IN \('"#, #"role\s*==\s*Role\."#,
                        #"Set<Role>\s*=\s*\["#, #"case \.(admin|supervisor|clinician|caseManager|auditor|advocate|trainer|analyst|investigator|directoryEditor)\b.*:\s*(true|false)"#]
        let regexes = try patterns.map { try NSRegularExpression(pattern: $0) }
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift", url.lastPathComponent != "Policy.swift" else { continue }
            // Benchmarks and the demo seed pick users by role to act as them; they decide nothing.
            guard !url.path.contains("/WaypointBench/"), url.lastPathComponent != "Demo.swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = String(line)
                let range = NSRange(line.startIndex..., in: line)
                if regexes.contains(where: { $0.firstMatch(in: line, range: range) != nil }) {
                    found.append("\(url.lastPathComponent):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(found.isEmpty, "role comparisons outside Policy:\n\(found.joined(separator: "\n"))")
    }

    @Test("the learning record store may be only a public address: loopback, private, link-local, shared and reserved ranges are refused")
    func outboundAddresses() throws {
        for refused: [UInt8] in [[127, 0, 0, 1], [10, 1, 2, 3], [172, 16, 0, 1], [172, 31, 255, 255], [192, 168, 1, 1], [169, 254, 169, 254],
                                 [100, 64, 0, 1], [0, 0, 0, 0], [224, 0, 0, 1], [255, 255, 255, 255], [198, 18, 0, 1]] {
            #expect(!OutboundAddress.isPublic(refused), "\(refused)")
        }
        for allowed: [UInt8] in [[8, 8, 8, 8], [172, 32, 0, 1], [100, 128, 0, 1], [192, 169, 0, 1]] {
            #expect(OutboundAddress.isPublic(allowed), "\(allowed)")
        }
        let loopback6 = [UInt8](repeating: 0, count: 15) + [1]
        let mapped = [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 10, 0, 0, 1]
        let uniqueLocal: [UInt8] = [0xfd] + [UInt8](repeating: 0, count: 15)
        let linkLocal: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 14)
        let siteLocal: [UInt8] = [0xfe, 0xc0] + [UInt8](repeating: 0, count: 14)
        let sixToFourPrivate: [UInt8] = [0x20, 0x02, 192, 168, 0, 1] + [UInt8](repeating: 0, count: 10)
        let localNAT64: [UInt8] = [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01] + [UInt8](repeating: 0, count: 6) + [8, 8, 8, 8]
        let translated: [UInt8] = [UInt8](repeating: 0, count: 8) + [0xff, 0xff, 0, 0, 10, 0, 0, 1]
        for refused in [loopback6, mapped, uniqueLocal, linkLocal, [UInt8](repeating: 0, count: 16), siteLocal, sixToFourPrivate, localNAT64, translated] {
            #expect(!OutboundAddress.isPublic(refused), "\(refused)")
        }
        #expect(OutboundAddress.isPublic([0x26, 0x06, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11]))
        #expect(OutboundAddress.isLoopback(loopback6) && OutboundAddress.isLoopback([127, 0, 0, 9]) && !OutboundAddress.isLoopback([8, 8, 8, 8]))

        let settings = LRSSettings(endpoint: "http://127.0.0.1:9/xapi", username: "u", password: "p")
        #expect(throws: TrainingError.self) { try settings.checked() }                    // plain http: never, unless allowed for tests
        #expect(try settings.checked(allowLoopbackHTTP: true).endpoint == "http://127.0.0.1:9/xapi")
        #expect(throws: TrainingError.self) {                                            // and then only to loopback
            try LRSSettings(endpoint: "http://lrs.example.org/xapi", username: "u", password: "p").checked(allowLoopbackHTTP: true)
        }
        #expect(try LRSSettings(endpoint: "https://lrs.example.org/xapi/", username: "u", password: "p").checked().endpoint == "https://lrs.example.org/xapi")
    }

    @Test("a Part 2 consent labels what it releases and carries the redisclosure notice; others are only restricted")
    func part2Labels() {
        let plain = ConsentRelease.securityLabels(false)
        #expect(plain.count == 1 && plain[0]["code"]?.string == "R")
        let part2 = ConsentRelease.securityLabels(true)
        #expect(part2.compactMap { $0["code"]?.string } == ["R", "42CFRPart2", "NORDSCLCD"])
        #expect(part2.last?["display"]?.string == ConsentRelease.part2Notice)
        let consent = ConsentRecord(id: "c", clientId: "k", purpose: "p", recipient: ConsentRecipient(serviceId: nil, name: "X"), categories: [.needs, .substanceUse],
                                    method: .written, givenBy: .client, startsOn: "2027-01-01", expiresOn: "2027-06-01", evidence: "", part2: true,
                                    createdAt: Date(), revocation: nil)
        #expect(ConsentUseCases.referralConsent(consent).part2 == true)
    }

    @Test("a referral's consent is held to a year like every consent, and safe times need consent to contact")
    func referralConsentRules() throws {
        let payload = ReferralPayload(alias: "Rosa", needs: ["mental-health"], language: "es", doNotContact: false, contactMethod: nil,
                                      safeTimes: "after 3 pm")
        let long = ReferralConsent(method: .verbal, scope: [.needs, .contact], recipient: "X", expiresOn: "2099-12-31")
        #expect(throws: ConsentError.self) { try payload.checked(consent: long, recipient: "X", today: "2027-01-01") }
        let needsOnly = ReferralConsent(method: .verbal, scope: [.needs], recipient: "X", expiresOn: "2027-06-01")
        #expect(try payload.checked(consent: needsOnly, recipient: "X", today: "2027-01-01").safeTimes == "")
        let contact = ReferralConsent(method: .verbal, scope: [.needs, .contact], recipient: "X", expiresOn: "2027-06-01")
        #expect(try payload.checked(consent: contact, recipient: "X", today: "2027-01-01").safeTimes == "after 3 pm")
    }
}
