import Dispatch

/// Splits `count` independent iterations across the machine's cores when the work is large enough to
/// pay for the dispatch; otherwise runs them inline. `body` must only write to disjoint memory per
/// iteration. Used for non-BLAS loops over channels or planes (BLAS has its own threads). Inside a
/// `ConcurrentBranches` branch the loop runs inline: the other core has a branch of its own.
@inlinable
func parallelFor(_ count: Int, work: Int, _ body: (Int) -> Void) {
    // Below about 64k element operations a thread hop costs more than it saves.
    if count > 1 && work >= 65_536 && ProcessInfoCores.count > 1 && !ConcurrentBranches.isActive {
        // The workers are not tasks: hand them the settings in effect unless they are the defaults.
        let settings = ComputeSettings.current
        if settings == ComputeSettings() {
            DispatchQueue.concurrentPerform(iterations: count) { i in body(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: count) { i in ComputeSettings.with(settings) { body(i) } }
        }
    } else {
        for i in 0..<count { body(i) }
    }
}

/// Number of cores to split plain loops over, read once.
@usableFromInline
enum ProcessInfoCores {
    @usableFromInline static let count: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif
