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
    static let childSlots = 256
    /// Worker pids to kill on a second signal (a fixed buffer: the handler may not allocate).
    nonisolated(unsafe) static let children: UnsafeMutablePointer<pid_t> = {
        let p = UnsafeMutablePointer<pid_t>.allocate(capacity: childSlots)
        p.initialize(repeating: 0, count: childSlots)
        return p
    }()

    public static var requested: Bool { counter.pointee > 0 }

    /// Installs the handlers for SIGINT and SIGTERM.
    public static func install() {
        _ = counter.pointee
        _ = children.pointee  // (and childSlots) initialised here, not in the handler
        let handler: @convention(c) (Int32) -> Void = { _ in
            StopSignal.counter.pointee += 1
            if StopSignal.counter.pointee >= 2 {
                for i in 0..<StopSignal.childSlots where StopSignal.children[i] > 0 { kill(StopSignal.children[i], SIGKILL) }
                _exit(130)
            }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static func register(child pid: pid_t, slot: Int) { if slot < childSlots { children[slot] = pid } }
}
