import Tensor

/// Placeholder optimizer step for the workloads until the optimizers land: plain SGD.
public enum AdamUpdate {
    public static func make() -> ([Parameter<Float>]) -> Void {
        return { parameters in
            for p in parameters { p.value.add(p.gradient, scaledBy: -1e-3) }
        }
    }
}
