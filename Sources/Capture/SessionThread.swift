import Foundation

/// One long-lived thread that runs the capture session's work in order. The simulator's OpenGL context
/// stays current on the thread that made it, and cameras and robots are not thread-safe, so every device
/// call happens here; HTTP handlers await the result.
public final class SessionThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopped = false

    /// The process-wide session thread. MuJoCo's headless OpenGL context is one per process and stays
    /// current on the thread that rendered first, so every simulator render of the process happens here.
    public static let shared = SessionThread()

    public init(name: String = "cliport-capture-session") {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.stackSize = 16 << 20
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty { condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    public func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on the thread and returns its result to an async caller.
    public func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `body` on the thread and waits (for set-up and for callers that are not async).
    public func sync<T>(_ body: @escaping () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        var result: Result<T, Error>!
        enqueue { result = Result { try body() }; done.signal() }
        done.wait()
        return try result.get()
    }

    /// Lets the thread finish the queued jobs and exit.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
