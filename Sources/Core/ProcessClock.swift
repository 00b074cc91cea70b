import Foundation

/// The process's clocks: CPU time (user + system, which survives a busy machine) and monotonic wall time.
public enum ProcessClock {
    /// CPU seconds (user + system) this process has used so far, all threads. With `includingChildren`, also
    /// those of its child processes that have ended and been waited for (the demo workers of a benchmark's
    /// demos stage), which the process's own clock never sees.
    public static func cpuSeconds(includingChildren: Bool = false) -> Double {
        let own = read(CLOCK_PROCESS_CPUTIME_ID)
        guard includingChildren else { return own }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return own + seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Monotonic wall-clock seconds since an arbitrary start.
    public static func now() -> Double { read(CLOCK_MONOTONIC) }

    private static func read(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
