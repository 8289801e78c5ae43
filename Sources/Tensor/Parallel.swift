#if canImport(Glibc)
import Glibc
#endif

/// Parallel loops on the same OpenMP threads that run oneDNN's matrix products.
///
/// Between two matrix products OpenMP's worker threads spin, waiting for work; running element-wise
/// kernels on a second pool (Dispatch) would fight them for the cores. Instead this calls libgomp's
/// own entry point, `GOMP_parallel` (what `#pragma omp parallel` compiles to), found at run time in
/// the runtime oneDNN already loaded. Without libgomp, loops run on the calling thread.
public enum Parallel {
    typealias Outlined = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias GompParallel = @convention(c) (Outlined, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    typealias ThreadQuery = @convention(c) () -> Int32

    typealias Annotation = @convention(c) (UnsafeMutableRawPointer?) -> Void

    struct Runtime {
        let parallel: GompParallel
        let threadNumber: ThreadQuery
        let threadCount: ThreadQuery
        let maximumThreads: ThreadQuery
        /// ThreadSanitizer's `__tsan_release` and `__tsan_acquire`, present only in a build with
        /// `-sanitize=thread`: libgomp is not instrumented, so its fork and join are invisible to
        /// TSan, and every write after a parallel loop to what the loop read would be reported as
        /// a race. Each chunk acquires the caller's release before it runs and releases when done;
        /// the caller acquires after the join.
        let release: Annotation?
        let acquire: Annotation?
    }

    static let runtime: Runtime? = {
        #if canImport(Glibc)
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)
        guard let parallel = dlsym(everywhere, "GOMP_parallel"),
              let number = dlsym(everywhere, "omp_get_thread_num"),
              let count = dlsym(everywhere, "omp_get_num_threads"),
              let maximum = dlsym(everywhere, "omp_get_max_threads") else { return nil }
        return Runtime(parallel: unsafeBitCast(parallel, to: GompParallel.self),
                       threadNumber: unsafeBitCast(number, to: ThreadQuery.self),
                       threadCount: unsafeBitCast(count, to: ThreadQuery.self),
                       maximumThreads: unsafeBitCast(maximum, to: ThreadQuery.self),
                       release: dlsym(everywhere, "__tsan_release").map { unsafeBitCast($0, to: Annotation.self) },
                       acquire: dlsym(everywhere, "__tsan_acquire").map { unsafeBitCast($0, to: Annotation.self) })
        #else
        return nil
        #endif
    }()

    struct Job {
        let count: Int
        let body: (Range<Int>) -> Void
        let runtime: Runtime
    }

    /// Splits `0..<count` into one contiguous chunk per thread and runs `body` on each chunk
    /// concurrently; returns when all are done. Chunks are disjoint, so a body that writes only
    /// inside its own range needs no locking. Loops shorter than `minimumPerThread` per thread run
    /// on the calling thread.
    public static func forEachChunk(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        guard let runtime, runtime.maximumThreads() > 1, count >= 2 * minimumPerThread else {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = Job(count: count, body: body, runtime: runtime)
            withUnsafeMutablePointer(to: &job) { pointer in
                runtime.release?(pointer)
                runtime.parallel({ raw in
                    Parallel.runtime!.acquire?(raw)   // before the job is read (not through it)
                    let job = raw!.assumingMemoryBound(to: Job.self)
                    let threads = Int(job.pointee.runtime.threadCount())
                    let thread = Int(job.pointee.runtime.threadNumber())
                    let chunk = (job.pointee.count + threads - 1) / threads
                    let start = Swift.min(thread * chunk, job.pointee.count)
                    let end = Swift.min(start + chunk, job.pointee.count)
                    if start < end { job.pointee.body(start..<end) }
                    Parallel.runtime!.release?(raw)
                }, pointer, 0, 0)
                runtime.acquire?(pointer)
            }
        }
    }
}
