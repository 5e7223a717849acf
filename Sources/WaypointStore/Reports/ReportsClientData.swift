extension ClientDataMap {
    public static let reports: [ClientData] = [
        ClientData("report_facts", by: ["person"], .deleteRows,
                   why: "the reporting rows keyed by the client (the case, its services, closures, referrals) with its attributes"),
    ]
}
