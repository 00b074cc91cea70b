import Foundation
import Sim

/// The capture session on its own thread, with a snapshot of its state and view that HTTP handlers can
/// read at any time (a robot motion can take many seconds; the page keeps polling meanwhile).
public final class CaptureService: @unchecked Sendable {
    public let thread: SessionThread
    private let session: CaptureSession
    private let lock = NSLock()
    private var stateSnapshot: CaptureState
    private var viewSnapshot: (view: Int, bytes: Data)?
    private var camerasSnapshot: (view: Int, bytes: Data)?
    private var busyWith: String?

    /// Builds the session on the session thread (`makeSession` creates the devices there) and starts it.
    public init(thread: SessionThread = .shared, makeSession: @escaping () throws -> CaptureSession) throws {
        self.thread = thread
        let (session, state, view, cameras) = try thread.sync { () -> (CaptureSession, CaptureState, (view: Int, bytes: Data)?, (view: Int, bytes: Data)?) in
            let session = try makeSession()
            try session.start()
            return (session, session.state(), session.viewBytes().map { (view: session.view, bytes: $0) },
                    session.cameraBytes().map { (view: session.view, bytes: $0) })
        }
        self.session = session
        stateSnapshot = state
        viewSnapshot = view
        camerasSnapshot = cameras
        // Long operations (saving) say what they are doing; the page polls the state meanwhile.
        try thread.sync { session.progress = { [weak self] stage in self?.lock.withLock { self?.busyWith = stage } } }
    }

    public var state: CaptureState {
        lock.lock(); defer { lock.unlock() }
        var s = stateSnapshot
        s.busy = busyWith
        return s
    }

    public var view: (view: Int, bytes: Data)? {
        lock.lock(); defer { lock.unlock() }
        return viewSnapshot
    }

    /// The camera images of the current view (`CaptureSession.cameraBytes`).
    public var cameras: (view: Int, bytes: Data)? {
        lock.lock(); defer { lock.unlock() }
        return camerasSnapshot
    }

    /// Runs `body` on the session thread, then publishes the new state and view. One operation at a time:
    /// a second request while one runs is refused with `CaptureError.busy` (no clicks queue up unseen).
    @discardableResult
    public func perform<T>(_ what: String, _ body: @escaping (CaptureSession) throws -> T) async throws -> T {
        let running: String? = lock.withLock {
            if let current = busyWith { return current }
            busyWith = what
            return nil
        }
        if let running { throw CaptureError.busy(running) }
        defer { lock.withLock { busyWith = nil } }
        return try await thread.run { [self] in
            defer { publish() }
            return try body(session)
        }
    }

    /// `perform` for callers that are not async (tools, tests): runs on the session thread and waits.
    public func performBlocking<T>(_ body: @escaping (CaptureSession) throws -> T) throws -> T {
        try thread.sync { [self] in
            defer { publish() }
            return try body(session)
        }
    }

    /// Reads the session on its thread without publishing (cheap queries such as a preview).
    public func query<T>(_ body: @escaping (CaptureSession) throws -> T) async throws -> T {
        try await thread.run { [self] in try body(session) }
    }

    private func publish() {
        let state = session.state()
        let view = session.viewBytes().map { (view: session.view, bytes: $0) }
        let cameras = view == nil || view?.view == camerasSnapshot?.view ? nil : session.cameraBytes().map { (view: session.view, bytes: $0) }
        lock.lock()
        stateSnapshot = state
        if let cameras { camerasSnapshot = cameras }
        if let view { viewSnapshot = view }  // a failed capture keeps the last picture; state.viewOK says it is stale
        lock.unlock()
    }

    /// Stops the session's thread unless it is the shared one (which outlives sessions).
    public func shutdown() {
        if thread !== SessionThread.shared { thread.stop() }
    }
}
