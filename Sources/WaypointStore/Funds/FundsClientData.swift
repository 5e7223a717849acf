extension ClientDataMap {
    public static let funds: [ClientData] = [
        ClientData("fund_overrides", .deleteRows, why: "a supervisor's reason for spending past the limit"),
    ]
}
