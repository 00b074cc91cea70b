import Dataset
import Foundation

/// Adds up the events of a whole run (all workers): episodes saved and tried, failures by reason, time per
/// stage, CPU, shards written; and formats the run's single progress line.
struct GenerationTally {
    var total: Int
    var alreadyThere: Int
    var saved = 0
    var attempted = 0
    var failures: [String: Int] = [:]
    var failureExamples: [DemoGenerator.FailedSeed] = []
    var shardsWritten: [String] = []
    var timing = EpisodeTiming()
    /// Latest CPU seconds reported by each sender, and the episodes each saved.
    var cpuBySender: [Int: Double] = [:]
    var savedBySender: [Int: Int] = [:]

    init(total: Int, alreadyThere: Int) {
        self.total = total
        self.alreadyThere = alreadyThere
    }

    mutating func add(_ event: GenerationEvent, from sender: Int) {
        if let cpu = event.cpuSeconds { cpuBySender[sender] = cpu }
        switch event.kind {
        case .episode:
            attempted += 1
            if let t = event.timing { timing = timing + t }
            if let failure = event.failure {
                failures[failure.kind.rawValue, default: 0] += 1
                if failureExamples.count < 10, let seed = event.seed {
                    failureExamples.append(.init(seed: seed, kind: failure.kind, reason: failure.message))
                }
            } else {
                saved += 1
                savedBySender[sender, default: 0] += 1
            }
        case .unitFinished:
            if let shard = event.shard { shardsWritten.append(shard) }
        case .stopped, .failed, .finished:
            break
        }
    }

    var failed: Int { failures.values.reduce(0, +) }
    var cpuSeconds: Double { cpuBySender.values.reduce(0, +) }

    var failureSummary: String {
        guard failed > 0 else { return "failed 0" }
        return "failed \(failed) (" + failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }

    /// "12/100 (12%) ok 12 failed 3 (incomplete 2, never-settled 1) 4300 episodes/h ETA 0:26"
    func line(elapsed: Double) -> String {
        let done = alreadyThere + saved
        let perHour = elapsed > 0 ? Double(saved) / elapsed * 3600 : 0
        let remaining = Double(max(total - done, 0))
        let eta = perHour > 0 ? remaining / perHour * 3600 : (remaining == 0 ? 0 : .nan)
        let percent = total > 0 ? 100 * done / total : 100
        return "\(done)/\(total) (\(percent)%) ok \(saved) \(failureSummary) "
            + String(format: "%.0f episodes/h", perHour) + " ETA \(ProgressLine.formatDuration(eta))"
    }
}
