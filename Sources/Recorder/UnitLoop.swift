import Foundation

/// The work of one process: this machine's units. A worker starts at its own place in the list (worker k of K
/// at the k-th unit) and first takes the units nobody works on, so siblings rarely share a unit while there
/// are enough; then it joins the units others are still making (they share a unit attempt by attempt, see
/// `UnitGenerator`), so two workers help each other even when the dataset is one shard.
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
        var pending: [Int] = []
        for u in order {
            if shouldStop() { return false }
            if generator.othersWork(on: u) { pending.append(u); continue }
            switch try generator.run(unit: u, report: report, shouldStop: shouldStop) {
            case .done: break
            case .stopped: return false
            case .waiting: pending.append(u)
            }
        }
        while !pending.isEmpty {
            var waiting: [Int] = []
            for u in pending {
                if shouldStop() { return false }
                switch try generator.run(unit: u, report: report, shouldStop: shouldStop) {
                case .done: break
                case .stopped: return false
                case .waiting: waiting.append(u)
                }
            }
            pending = waiting
            if !pending.isEmpty { usleep(50_000) }  // the attempts left are in flight elsewhere
        }
        return true
    }
}
