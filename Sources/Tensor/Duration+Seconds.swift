extension Duration {
    /// The duration in seconds, as a floating-point number (benchmark figures, logs, `Date` deadlines).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
