#if canImport(Glibc)
import Glibc
#endif

/// The number of threads oneDNN's matrix products use.
///
/// oneDNN on Debian is built on OpenMP (libgomp), which reads `OMP_NUM_THREADS` once when it is
/// loaded; changing it later needs `omp_set_num_threads`, looked up at run time from the already
/// loaded runtime so that nothing extra is linked.
public enum ComputeThreads {
    public static func set(_ count: Int) {
        precondition(count >= 1, "thread count must be at least 1")
        #if canImport(Glibc)
        typealias SetThreads = @convention(c) (Int32) -> Void
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return }
        unsafeBitCast(symbol, to: SetThreads.self)(Int32(count))
        #endif
    }
}
