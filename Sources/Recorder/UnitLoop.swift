import Foundation

/// The work of one process: this machine's units, each taken under its lock. A worker starts at its own
/// place in the list (worker k of K at the k-th unit) so siblings rarely meet; a unit another process holds
/// is skipped and, after the first pass, waited for (its holder finishes it, or dies and frees it).
struct UnitLoop {
    let generator: UnitGenerator
    let units: [Int]
    let worker: Int
    let report: (GenerationEvent) -> Void
    let shouldStop: () -> Bool

    /// Returns false when stopped before all units were finished.
    func run() throws -> Bool {
        let start = units.isEmpty ? 0 : worker % units.count
        let order = Array(units[start...] + units[..<start])
        var busy: [Int] = []
        for u in order {
            if shouldStop() { return false }
            switch try attempt(u) {
            case .busy: busy.append(u)
            case .stopped: return false
            case .done: break
            }
        }
        for u in busy {
            while true {
                if shouldStop() { return false }
                let result = try attempt(u)
                if result == .stopped { return false }
                if result == .done { break }
                usleep(200_000)
            }
        }
        return true
    }

    enum Attempt { case done, busy, stopped }

    private func attempt(_ u: Int) throws -> Attempt {
        let shard = generator.shardPath(unit: u)
        if FileManager.default.fileExists(atPath: shard) {
            // A run killed between placing the shard and removing its staging leaves staged copies behind;
            // once the shard exists nobody writes there, so they can go.
            UnitStaging(dataset: generator.dataset, plan: generator.plan, unit: u).remove()
            return .done
        }
        guard let lock = try UnitLock.tryAcquire(dataset: generator.dataset, unit: u) else { return .busy }
        if FileManager.default.fileExists(atPath: shard) {  // finished while we waited for the lock
            lock.release(removeFile: false)
            return .done
        }
        switch try generator.run(unit: u, report: report, shouldStop: shouldStop) {
        case .finished:
            lock.release(removeFile: true)
            return .done
        case .stopped:
            lock.release(removeFile: false)
            return .stopped
        }
    }
}
