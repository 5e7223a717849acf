extension ClientDataMap {
    public static let eligibility: [ClientData] = [
        ClientData("eligibility", .deleteRows, why: "requests and letters"),
    ]
}
