/// A choice in a select or a set of checkboxes: what is sent, what is shown, whether it is chosen now.
struct Option { let value: String; let label: String; let selected: Bool }
