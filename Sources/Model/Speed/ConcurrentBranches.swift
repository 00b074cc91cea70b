import BLAS
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs two independent parts of a step at the same time, one per core: the pick and place modules,
/// and inside the place module the key and query networks.
///
/// With both cores inside one network, OpenBLAS's second thread spins idle through every non-GEMM
/// pass (im2col, ReLU, residual adds: a third of a full-size step ran on one core), and the small
/// GEMMs of a 64-channel ResNet pay a split and a join each. Two networks side by side, each with
/// single-threaded BLAS, keep both cores on useful work; plain loops (im2col, FFTs) take both cores
/// again whenever one part runs alone. BLAS stays at one thread for the whole region, because
/// OpenBLAS's results for some shapes depend on its thread count, and when a part runs alone is a
/// matter of timing: results are the same bit for bit as running the parts one after the other with
/// one BLAS thread, on every run.
public enum ConcurrentBranches {
    /// Branch bodies executing now, over all `run` calls (nested ones included).
    private static let running = Atomic<Int>(0)

    /// True while two or more branches run: loops that would split across the cores run inline
    /// instead, the cores being taken already.
    @usableFromInline
    static var isActive: Bool { running.load(ordering: .relaxed) >= 2 }

    /// Runs `first` on this thread and `second` on a new one, and returns when both are done. Runs them
    /// one after the other when `ComputeSettings.concurrentBranches` is off, on one core, or when BLAS was limited to one thread (the
    /// `--threads 1` of the commands). With `secondInBackground` the new thread has the lowest
    /// scheduling priority: it takes a core whenever `first` (and branches nested in it) leave one idle.
    public static func run(_ first: () -> Void, _ second: () -> Void, secondInBackground: Bool = false) {
        let nested = running.load(ordering: .sequentiallyConsistent) > 0
        let settings = ComputeSettings.current
        guard settings.concurrentBranches, ProcessInfoCores.count > 1, nested || BLAS.threadCount > 1 else {
            first(); second(); return
        }
        let blasThreads = BLAS.threadCount
        if !nested { BLAS.threadCount = 1 }
        defer { if !nested { BLAS.threadCount = blasThreads } }
        // An outermost call starts two bodies; a nested one adds one beside the body it is called from.
        change(by: nested ? 1 : 2)
        withoutActuallyEscaping(second) { second in
            let job = Unmanaged.passRetained(Job(second, background: secondInBackground, settings: settings)).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { context in
                let job = Unmanaged<Job>.fromOpaque(context!).takeRetainedValue()
                // On Linux the nice value belongs to the calling thread.
                if job.background { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19) }
                ComputeSettings.with(job.settings, job.body)
                ConcurrentBranches.change(by: -1)
                return nil
            }, job) == 0
            if !started {
                Unmanaged<Job>.fromOpaque(job).release()
                change(by: -1)
                first(); second()
            } else {
                first()
            }
            change(by: -1)
            if started { pthread_join(thread, nil) }
        }
        if nested { change(by: 1) }
    }

    /// Adds `delta` running bodies.
    private static func change(by delta: Int) {
        running.wrappingAdd(delta, ordering: .sequentiallyConsistent)
    }

    private final class Job {
        let body: () -> Void
        let background: Bool
        let settings: ComputeSettings
        init(_ body: @escaping () -> Void, background: Bool, settings: ComputeSettings) {
            self.body = body; self.background = background; self.settings = settings
        }
    }
}
