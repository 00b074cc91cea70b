import Foundation

/// Ctrl-C and SIGTERM: the first asks the run to stop after the episode in flight; the second stops at once
/// (killing the worker processes), which is safe because every finished episode is already durable.
public enum StopSignal {
    /// Set from the signal handler; read by the loops between episodes.
    nonisolated(unsafe) static let counter: UnsafeMutablePointer<sig_atomic_t> = {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()
    /// Worker pids to kill on a second signal (a fixed buffer: the handler may not allocate).
    nonisolated(unsafe) static let children: UnsafeMutablePointer<pid_t> = {
        let p = UnsafeMutablePointer<pid_t>.allocate(capacity: 256)
        p.initialize(repeating: 0, count: 256)
        return p
    }()

    public static var requested: Bool { counter.pointee > 0 }

    /// Installs the handlers for SIGINT and SIGTERM.
    public static func install() {
        _ = counter.pointee
        _ = children.pointee
        let handler: @convention(c) (Int32) -> Void = { _ in
            StopSignal.counter.pointee += 1
            if StopSignal.counter.pointee >= 2 {
                for i in 0..<256 where StopSignal.children[i] > 0 { kill(StopSignal.children[i], SIGKILL) }
                _exit(130)
            }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static func register(child pid: pid_t, slot: Int) { if slot < 256 { children[slot] = pid } }
}
