import Core
import Foundation

/// Times the benchmark's stages into OUT/timings.json. A stage's time is saved as it accrues (at most every
/// `interval` seconds, and when it stops), so a process killed mid-stage, which gets no chance to save, loses
/// at most `interval` seconds of it, not the hours of a long training stage. CPU time counts the demo workers
/// too, once they have ended: a demos stage's work is done in them.
final class StageTimer {
    private(set) var times: StageTimes
    let path: String
    let interval: Double
    private var running: (stage: String, wall: Double, cpu: Double)?
    /// The first error of a save made in passing (`saveIfDue`), thrown by `stop`.
    private var deferredError: Error?

    init(path: String, interval: Double = 60) {
        self.path = path
        self.interval = interval
        times = StageTimes.load(path)
    }

    func start(_ stage: String) {
        running = (stage, ProcessClock.now(), ProcessClock.cpuSeconds(includingChildren: true))
    }

    /// Saves the running stage's time so far if `interval` seconds have passed since the last save; for
    /// per-step callbacks, which cannot throw (an error waits for `stop`).
    func saveIfDue() {
        guard deferredError == nil, let running, ProcessClock.now() - running.wall >= interval else { return }
        do { try save() } catch { deferredError = error }
    }

    /// Saves the running stage's remaining time and ends it.
    func stop() throws {
        defer { running = nil }
        if let deferredError {
            self.deferredError = nil
            throw deferredError
        }
        try save()
    }

    private func save() throws {
        guard let current = running else { return }
        let wall = ProcessClock.now(), cpu = ProcessClock.cpuSeconds(includingChildren: true)
        running = (current.stage, wall, cpu)
        try times.add(current.stage, wallSeconds: wall - current.wall, cpuSeconds: cpu - current.cpu, saveTo: path)
    }
}
