import Testing
@testable import WaypointCore

@Suite("Password policy (NIST SP 800-63B)")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    @Test("length is the rule: 12 characters, counted as people see them")
    func length() {
        #expect(policy.problem(with: "elevenchars", username: "nurse") == .tooShort)
        #expect(policy.problem(with: "twelve chars", username: "nurse") == nil)
        // Twelve characters, more bytes: accepted, not judged by bytes.
        #expect(policy.problem(with: "ñandú cañón!", username: "nurse") == nil)
        #expect(policy.problem(with: String(repeating: "ab", count: 513), username: "nurse") == .tooLong)
    }

    @Test("no composition rules: a long lower-case phrase is fine")
    func noCompositionRules() {
        #expect(policy.problem(with: "the river runs under the old bridge", username: "nurse") == nil)
    }

    @Test("common, contextual and repetitive passwords are refused", arguments: [
        ("Password1234", PasswordPolicy.Problem.common),
        ("QWERTYUIOP12", .common),
        ("waypoint2026", .common),
        ("my name is nurse-joy ok", .containsUsername),
        ("aaaaaaaaaaaaaa", .repetitive),
        ("abababababababab", .repetitive),
        ("abcdefghijklmn", .repetitive),
        ("2345678901234", .repetitive),
    ])
    func refused(password: String, problem: PasswordPolicy.Problem) {
        #expect(policy.problem(with: password, username: "nurse-joy") == problem)
    }

    @Test("the bundled blocklist is loaded and every entry is at least 12 characters")
    func blocklistLoaded() {
        #expect(PasswordPolicy.bundledBlocklist.count > 100)
        #expect(PasswordPolicy.bundledBlocklist.allSatisfy { $0.count >= PasswordPolicy.minimumLength })
    }
}
