extension Duration {
    /// The duration in seconds, whole and fractional parts together.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
