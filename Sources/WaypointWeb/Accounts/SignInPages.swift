import HTTPTypes
import Hummingbird
import WaypointCore
import WaypointStore

/// Sign-in and sign-out in the browser.
struct SignInPages {
    let store: Store
    let renderer: PageRenderer
    let cookies: CookiePolicy
    let trustedProxies: [String]

    func register(on router: PageRoutes) {
        router.get("/", .open) { _, context in
            PageRenderer.redirect(to: context.session == nil ? "/signin" : "/home")
        }
        router.get("/signin", .open, use: showSignIn)
        router.post("/signin", .open, use: signIn)
        router.post("/signout", .open, use: signOut)
    }

    @Sendable func showSignIn(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let notice = query["ended"] != nil ? "signed_out" : query["expired"] != nil ? "session_expired" : nil
        return signInPage(request: request, context: context, messageKey: notice)
    }

    private func signInPage(request: Request, context: WaypointRequestContext, messageKey: String? = nil,
                            errorKey: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let csrf = Tokens.secret()
        let strings = Localizer(context.language)
        let view = AccountViews.SignIn(signInCSRF: csrf, notice: messageKey.map { strings[$0] }, error: errorKey.map { strings[$0] })
        var response = renderer.page("signin", titleKey: "signin_title", view: view, request: request, context: context, status: status)
        response.setCookie(cookies.cookie(cookies.signInCSRF, csrf))
        return response
    }

    @Sendable func signIn(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        struct SignInForm: Decodable { let username: String?; let password: String? }
        let form = try await FormReader.decode(SignInForm.self, request, context: context)
        do {
            let tenant = try await store.auth.signIn(
                username: form.username ?? "", password: form.password ?? "",
                address: context.clientAddress(request, trustedProxies: trustedProxies), requestId: context.requestId)
            let (token, _) = try await store.auth.startSession(for: tenant)
            var response = PageRenderer.redirect(to: "/home")
            response.setCookie(cookies.cookie(cookies.session, token))
            response.setCookie(cookies.cookie(cookies.signInCSRF, "", maxAge: 0))
            return response
        } catch let error as AccountError {
            var page = signInPage(request: request, context: context, errorKey: error.messageKey,
                                  status: error.httpStatus)
            if case .throttled(let wait) = error { page.headers[.retryAfter] = String(wait) }
            return page
        }
    }

    @Sendable func signOut(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        _ = try await FormReader.read(request, context: context)
        if let token = context.sessionToken {
            try await store.auth.endSession(token: token, context: try context.tenant())
        }
        var response = PageRenderer.redirect(to: "/signin?ended=1")
        response.setCookie(cookies.cookie(cookies.session, "", maxAge: 0))
        // The browser drops its cache, cookies and storage for this site: a shared computer keeps nothing.
        response.headers[HTTPField.Name("Clear-Site-Data")!] = "\"cache\", \"cookies\", \"storage\""
        return response
    }
}
