#if canImport(Glibc)
import Glibc
#endif

/// Settings of the numeric core: call `configure(threads:precision:)` once at start-up, on the
/// thread that will run the training or inference (OpenMP's thread count is a per-thread setting: a
/// thread that did not call it keeps OpenMP's default, the number of cores).
public enum NumericRuntime {
    /// The precision of forward products (`PackedWeights`, `Parameter.forwardProduct`), read on each
    /// product: set it at start-up, before any inference runs. Training sets it to f32 (its
    /// `configure(threads:)`).
    public nonisolated(unsafe) static var precision: InferencePrecision = .f32

    /// What is wrong with a thread count, phrased with its option's name, or nil.
    public static func problem(threads: Int) -> String? {
        threads < 1 ? "--threads must be at least 1" : nil
    }

    /// - Sets the number of threads oneDNN's matrix products use. oneDNN on Debian runs on OpenMP
    ///   (libgomp), which reads `OMP_NUM_THREADS` once when loaded; changing it later needs
    ///   `omp_set_num_threads`, looked up at run time in the loaded runtime so nothing extra links.
    /// - Keeps freed large blocks in the heap: glibc otherwise maps and unmaps every block over
    ///   128 KiB, and each training step would pay page faults to zero fresh pages for its
    ///   activations (measured: ~8% of a training step).
    /// - Sets the precision of forward products.
    public static func configure(threads: Int, precision: InferencePrecision = .f32) {
        precondition(problem(threads: threads) == nil, problem(threads: threads) ?? "")
        self.precision = precision
        #if canImport(Glibc)
        // Neither function is in Swift's Glibc module (malloc.h, omp.h): look both up.
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        if let symbol = dlsym(everywhere, "mallopt") {
            let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
            _ = mallopt(-3 /* M_MMAP_THRESHOLD */, 1 << 30)
            _ = mallopt(-1 /* M_TRIM_THRESHOLD */, 1 << 30)
        }
        typealias SetThreads = @convention(c) (Int32) -> Void
        if let symbol = dlsym(everywhere, "omp_set_num_threads") {
            unsafeBitCast(symbol, to: SetThreads.self)(Int32(threads))
        }
        #endif
    }
}
