import Foundation
import Hummingbird
import WaypointCore
import WaypointStore

/// The certificate: a printable page for the learner, the public `/verify/{code}` page (valid,
/// revoked or unknown — nothing else) and the issuer profile verifiers fetch at `/issuers/{id}`.
struct CertificatePages {
    let store: Store
    let renderer: PageRenderer
    /// Where the server is reached from outside (`WAYPOINT_PUBLIC_URL`): verify links and issuer ids are built on it.
    let publicURL: String

    struct Printable {
        let learner: String, courseTitle: String, version: String, hours: String, completedOn: String, code: String, verifyURL: String, revoked: Bool
        let provider: String?, statement: String?
    }
    struct Verify { let code: String, valid: Bool, revoked: Bool, unknown: Bool }

    func register(on router: PageRoutes) {
        router.get("/training/enrollments/:id/certificate", .permission(.learn), scope: .person(owner: .clinician), use: printable)
        router.get("/verify/:code", .open, use: verify)
        router.get("/issuers/:id", .open, use: issuer)
    }

    @Sendable func printable(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let tenant = try context.tenant()
        let id = try context.parameters.require("id")
        let certificate = try await store.certificates.certificate(for: id, in: tenant)
        let learner = try await store.users.find(tenant.userId, in: tenant).displayName
        let course = try await store.courses.find(certificate.courseId, version: certificate.courseVersion, in: tenant)
        let formatter = DateFormatter()
        formatter.dateStyle = .long
        formatter.locale = Locale(identifier: context.language.rawValue)
        let view = Printable(learner: learner, courseTitle: certificate.courseTitle, version: certificate.courseVersion, hours: certificate.hours,
                             completedOn: formatter.string(from: certificate.completedAt), code: certificate.code,
                             verifyURL: "\(publicURL)/verify/\(certificate.code)", revoked: certificate.revokedAt != nil,
                             provider: course.ce?.provider, statement: course.ce?.statement)
        if request.uri.queryParameters["format"] == "pdf" {
            return Download.file(Self.pdf(view, strings: Localizer(context.language)), type: "application/pdf", filename: "certificate-\(certificate.code).pdf")
        }
        return renderer.page("certificate", titleKey: "certificate_title", view: view, request: request, context: context)
    }

    /// The same certificate as a PDF to file or print.
    static func pdf(_ view: Printable, strings: Localizer) -> Data {
        var pdf = SimplePDF(footer: "\(strings["certificate_number"]) \(view.code) · \(view.verifyURL)")
        pdf.space(90)
        pdf.paragraph(strings["certificate_heading"], size: 26, bold: true, centered: true, after: 30)
        if view.revoked { pdf.paragraph(strings["certificate_revoked"], size: 14, bold: true, centered: true, after: 20) }
        pdf.paragraph(view.learner, size: 22, bold: true, centered: true, after: 16)
        pdf.paragraph(strings["certificate_completed"], size: 12, centered: true)
        pdf.paragraph("\(view.courseTitle) (\(strings["training_version"]) \(view.version))", size: 16, bold: true, centered: true, after: 16)
        pdf.paragraph("\(strings["certificate_hours"]): \(view.hours) · \(strings["certificate_date"]): \(view.completedOn)", size: 12, centered: true, after: 24)
        if let provider = view.provider { pdf.paragraph("\(strings["certificate_provider"]): \(provider)", size: 11, centered: true) }
        if let statement = view.statement { pdf.paragraph(statement, size: 9, centered: true, after: 16) }
        pdf.space(20)
        pdf.paragraph("\(strings["certificate_number"]): \(view.code)", size: 12, bold: true, centered: true)
        pdf.paragraph("\(strings["certificate_verify_at"]) \(view.verifyURL)", size: 10, centered: true)
        return pdf.data()
    }

    /// Public: anyone holding a printed certificate may check it.
    @Sendable func verify(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let status = try await store.certificates.status(of: code)
        let view = Verify(code: CertificateRules.normalized(code) ?? "", valid: status == .valid, revoked: status == .revoked, unknown: status == .unknown)
        return renderer.page("verify", titleKey: "verify_title", view: view, request: request, context: context)
    }

    /// Public: the Open Badges issuer profile with its public key.
    @Sendable func issuer(_ request: Request, context: WaypointRequestContext) async throws -> Response {
        try JSONBody.plain(try await store.certificates.issuerProfile(of: try context.parameters.require("id"), publicURL: publicURL))
    }
}
