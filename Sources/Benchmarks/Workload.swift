import Tensor

/// A timed piece of work: `run` once is one iteration processing `tokens` tokens, doing `flops`
/// floating-point operations in its matrix products (for the effective GFLOP/s figure). `warmup`
/// and `iterations` are the anchor script's protocol for this workload; a latency workload reports
/// milliseconds per iteration instead of tokens per second.
public struct Workload {
    public let key: String
    public let tokens: Int
    public let flops: Double
    public let warmup: Int
    public let iterations: Int
    public let reportsLatency: Bool
    public let run: () -> Void

    public init(
        key: String, tokens: Int, flops: Double, warmup: Int = 2, iterations: Int = 8, reportsLatency: Bool = false,
        run: @escaping () -> Void
    ) {
        self.key = key
        self.tokens = tokens
        self.flops = flops
        self.warmup = warmup
        self.iterations = iterations
        self.reportsLatency = reportsLatency
        self.run = run
    }

    /// Mean seconds per iteration after `warmup` untimed ones (the anchor script's protocol).
    public func secondsPerIteration(warmup: Int? = nil, iterations: Int? = nil) -> Double {
        let (warmup, iterations) = (warmup ?? self.warmup, iterations ?? self.iterations)
        for _ in 0..<warmup { run() }
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<iterations { run() } }
        return elapsed.inSeconds / Double(iterations)
    }

    /// The reported figure for `seconds` per iteration: tokens per second, or milliseconds.
    public func figure(secondsPerIteration seconds: Double) -> Double {
        reportsLatency ? seconds * 1000 : Double(tokens) / seconds
    }
}

/// FLOPs of C (m, n) = A (m, k) · B (k, n).
@inlinable
func gemmFlops(_ m: Int, _ n: Int, _ k: Int) -> Double { 2 * Double(m) * Double(n) * Double(k) }
