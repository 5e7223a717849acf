extension ClientDataMap {
    public static let referrals: [ClientData] = [
        ClientData("referrals", by: ["client_id", "case_id"], .blank(["consent_sealed": .empty, "payload_sealed": .empty, "service_name": .empty, "case_id": .null]),
                   why: "the history stays, saying nothing of whom or where; screening referrals are sealed with the organization's key, so emptied, and no longer point at the case"),
    ]
}
