extension ClientDataMap {
    /// The case itself.
    public static let cases: [ClientData] = [
        ClientData("client_keys", .deleteRows, why: "the client's key: destroying it shreds every value sealed with it, in any copy"),
        ClientData("case_notes", .deleteRows, why: "notes"),
        ClientData("case_services", .deleteRows, why: "services delivered (the funds keep the money spent)"),
        ClientData("case_tasks", .deleteRows, why: "tasks"),
        ClientData("case_goals", .deleteRows, why: "goals in the person's words"),
        ClientData("case_assessments", .deleteRows, why: "needs assessments"),
        ClientData("client_closures", .deleteRows, why: "closures and their outcomes"),
        ClientData("client_screenings", .deleteRows, why: "which screenings were this person's"),
        ClientData("client_phases", .deleteRows, why: "the phase history"),
        ClientData("client_staff", .deleteRows, why: "who worked the case"),
        ClientData("client_reveals", .deleteRows, why: "why the identity was opened"),
        ClientData("break_glass", .blank(["reason_sealed": .empty]),
                   why: "an emergency opening stays for its review, without its reason (which was about the person)"),
        ClientData("clients", by: ["id"], .blank([
            "alias_sealed": .empty, "languages_sealed": .empty, "contact_safety_sealed": .empty, "identity_sealed": .null,
            "program": .empty, "exploitation": .empty, "first_exploited_age": .empty, "status": .text("closed"), "purged_at": .now, "updated_at": .now,
        ]), why: "the row stays as the purge's anchor (others point at its id), with nothing about the person"),
    ]
}
