extension ClientDataMap {
    public static let consent: [ClientData] = [
        ClientData("consents", .deleteRows, why: "consents, also those taken at a screening and attached at hand-over"),
    ]
}
