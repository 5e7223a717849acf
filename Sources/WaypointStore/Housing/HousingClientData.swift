extension ClientDataMap {
    public static let housing: [ClientData] = [
        ClientData("housing_stays", .deleteRows, why: "stays"),
        ClientData("transport_vouchers", .deleteRows, why: "vouchers"),
    ]
}
