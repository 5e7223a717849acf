extension ClientDataMap {
    public static let crisis: [ClientData] = [
        ClientData("crisis_contacts", .blank(["note_sealed": .empty, "callback_sealed": .null, "code_digest": .null, "client_id": .null, "updated_at": .now]),
                   why: "the contact stays for the line's counts; its note, callback, code word and link to the case go"),
    ]
}
