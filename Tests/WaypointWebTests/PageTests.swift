import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WaypointTestSupport
@testable import WaypointWeb

@Suite("Web pages")
struct PageTests {
    @Test("every page starts with quick exit and has a neutral title and strict headers", arguments: Backend.allCases)
    func safetyChrome(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            let signIn = try await browser.get("/signin")
            _ = try await browser.signIn("demo-admin")
            for response in [signIn, try await browser.get("/home"), try await browser.get("/admin/users"),
                             try await browser.get("/audit"), try await browser.get("/no-such-page")] {
                let html = String(buffer: response.body)
                let body = html[html.range(of: "<body")!.lowerBound...]
                let firstFocusable = body.range(of: "<a ")!.lowerBound
                #expect(body[firstFocusable...].hasPrefix(#"<a class="quick-exit" href="https://neutral.example/" data-quick-exit"#))
                let title = html[html.range(of: "<title>")!.upperBound..<html.range(of: "</title>")!.lowerBound]
                #expect(title.hasSuffix("· Waypoint"))
                #expect(!html.lowercased().contains("trafficking"))
                #expect(response.headers[values: .contentSecurityPolicy] == [
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; "
                        + "form-action 'self'; frame-ancestors 'none'"])
                #expect(response.headers[values: .xContentTypeOptions] == ["nosniff"])
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(!html.contains("<script>") && !html.contains("style=\""), "inline code would break the CSP")
            }
        }
    }

    @Test("sign in, see the role's home page, sign out ends the session on the server", arguments: Backend.allCases)
    func signInAndOut(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            let signedIn = try await browser.signIn("demo-clinician")
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/home")
            let cookie = signedIn.headers[values: .setCookie].first { $0.hasPrefix("wp_session=") } ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            let home = try await browser.get("/home")
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains("Demo Clinic"))
            #expect(String(buffer: home.body).contains("demo-clinician"))
            // A clinician has no user administration.
            #expect(try await browser.get("/admin/users").status == .forbidden)

            let stolen = browser.cookies["wp_session"]!
            let signedOut = try await browser.post("/signout", form: ["_csrf": Browser.csrf(in: home)])
            #expect(signedOut.status == .seeOther)
            // The old cookie, replayed, no longer opens anything.
            var replay = Browser(client)
            replay.cookies["wp_session"] = stolen
            let after = try await replay.get("/home")
            #expect(after.status == .seeOther && after.headers[.location] == "/signin?expired=1")
            #expect(String(buffer: try await replay.get("/signin?expired=1").body).contains("Your session ended"))
            #expect(replay.cookies["wp_session"] == nil, "the dead cookie is cleared")
        }
    }

    @Test("forms without the CSRF token are refused and change nothing", arguments: Backend.allCases)
    func csrf(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, store in
            var browser = Browser(client)
            let noToken = try await browser.post("/signin", form: ["username": "demo-admin", "password": WebHarness.password])
            #expect(noToken.status == .forbidden)
            #expect(browser.cookies["wp_session"] == nil)
            _ = try await browser.signIn("demo-admin")
            let forged = try await browser.post("/admin/users", form: [
                "_csrf": "forged", "username": "intruder", "role": "admin", "display_name": "X", "password": "a long enough passphrase"])
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("This form has expired"))
            let users = try await browser.get("/admin/users")
            #expect(!String(buffer: users.body).contains("intruder"))
        }
    }

    @Test("a wrong password shows a clear message; the form is shown again", arguments: Backend.allCases)
    func wrongPassword(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            let response = try await browser.signIn("demo-admin", password: "not the right one at all")
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains("The username or password is not correct."))
            #expect(browser.cookies["wp_session"] == nil)
        }
    }

    @Test("an administrator adds a user; a weak password is explained and nothing is saved", arguments: Backend.allCases)
    func userAdmin(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            _ = try await browser.signIn("demo-admin")
            var page = try await browser.get("/admin/users")
            let weak = try await browser.post("/admin/users", form: [
                "_csrf": Browser.csrf(in: page), "username": "new-nurse", "role": "clinician",
                "display_name": "New Nurse", "password": "short"])
            #expect(weak.status == .unprocessableContent)
            let weakHTML = String(buffer: weak.body)
            #expect(weakHTML.contains("at least 12 characters") && weakHTML.contains(#"aria-invalid="true""#))
            #expect(!weakHTML.contains("<td>new-nurse</td>"))
            page = try await browser.get("/admin/users")
            let created = try await browser.post("/admin/users", form: [
                "_csrf": Browser.csrf(in: page), "username": "new-nurse", "role": "clinician",
                "display_name": "New Nurse", "password": "a perfectly long passphrase"])
            #expect(created.status == .ok)
            #expect(String(buffer: created.body).contains("<td>new-nurse</td>"))
            var nurse = Browser(client)
            #expect(try await nurse.signIn("new-nurse", password: "a perfectly long passphrase").status == .seeOther)
        }
    }

    @Test("a form body that cannot be read is a clear 400 in the reader's language, and nothing changes", arguments: [Backend.sqlite])
    func unreadableForm(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            _ = try await browser.signIn("demo-admin")
            let garbled = try await browser.send("/admin/users", method: .post,
                                                 headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "es"],
                                                 body: ByteBuffer(string: "username=%zz&role=admin"))
            #expect(garbled.status == .badRequest)
            #expect(String(buffer: garbled.body).contains("No se pudo leer el formulario"))
        }
    }

    @Test("pages follow Accept-Language and the language switch", arguments: Backend.allCases)
    func spanish(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            let byHeader = try await browser.get("/signin", headers: [.acceptLanguage: "es-MX,es;q=0.9,en;q=0.5"])
            #expect(String(buffer: byHeader.body).contains("Salida rápida"))
            #expect(String(buffer: byHeader.body).contains(#"<html lang="es">"#))
            _ = try await browser.get("/signin?lang=es")
            let remembered = try await browser.get("/signin")
            #expect(String(buffer: remembered.body).contains("Iniciar sesión"))
            _ = try await browser.get("/signin?lang=en")
            #expect(String(buffer: try await browser.get("/signin").body).contains("Quick exit"))
        }
    }

    @Test("the auditor sees the organization's log and that it is intact", arguments: Backend.allCases)
    func auditView(backend: Backend) async throws {
        try await WebHarness.withApp(backend) { client, _ in
            var browser = Browser(client)
            _ = try await browser.signIn("demo-auditor")
            let page = String(buffer: try await browser.get("/audit").body)
            #expect(page.contains("The log is intact"))
            #expect(page.contains("signin.success") && page.contains("user.create"))
            #expect(!page.contains("Demo Auditor"), "the audit view shows ids, never names")
        }
    }
}
