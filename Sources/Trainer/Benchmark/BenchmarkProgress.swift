import Core
import Dataset
import Foundation

/// The whole benchmark's progress line: the work of each kind done and left (demo episodes, training steps,
/// rollout episodes), each kind's rate measured in this session, and the ETA they give. A kind not yet
/// timed in this session is named instead of guessed.
final class BenchmarkProgress {
    enum Work: String, CaseIterable {
        case demos = "demo episodes"
        case steps = "training steps"
        case rollouts = "rollouts"
    }

    var total: [Work: Int] = [:]
    var done: [Work: Int] = [:]
    /// This session: units done and the seconds they took.
    private var timedUnits: [Work: Int] = [:]
    private var timedSeconds: [Work: Double] = [:]
    private var mark = ProcessClock.now()
    private var line = ProgressLine(label: "benchmark")
    var shows = true
    /// What is being done now ("train single/put-block-in-bowl-seen-colors").
    var stage = ""

    /// Starts timing a stretch of work (the time since the last mark is not counted).
    func restartClock() { mark = ProcessClock.now() }

    /// Counts work done before this session (not timed).
    func counted(_ work: Work, _ units: Int) { done[work, default: 0] += units }

    /// Counts `units` of `work` done since the last mark, and shows the line (at most every few seconds).
    func advance(_ work: Work, by units: Int = 1, force: Bool = false) {
        let now = ProcessClock.now()
        done[work, default: 0] += units
        timedUnits[work, default: 0] += units
        timedSeconds[work, default: 0] += now - mark
        mark = now
        show(force: force)
    }

    /// Seconds per unit of `work` in this session, when timed.
    func secondsPerUnit(_ work: Work) -> Double? {
        guard let units = timedUnits[work], units > 0 else { return nil }
        return (timedSeconds[work] ?? 0) / Double(units)
    }

    var text: String {
        var parts: [String] = []
        var eta = 0.0
        var untimed: [String] = []
        for work in Work.allCases {
            let all = total[work] ?? 0, finished = min(done[work] ?? 0, all)
            guard all > 0 else { continue }
            var part = "\(work.rawValue) \(finished)/\(all)"
            if let perUnit = secondsPerUnit(work) {
                part += String(format: " (%.2f/s)", 1 / max(perUnit, 1e-9))
                eta += perUnit * Double(all - finished)
            } else if finished < all {
                untimed.append(work.rawValue)
            }
            parts.append(part)
        }
        let etaText = "ETA " + ProgressLine.formatDuration(eta) + (untimed.isEmpty ? "" : " + \(untimed.joined(separator: ", ")) (not timed yet)")
        return (stage.isEmpty ? "" : "[\(stage)] ") + parts.joined(separator: ", ") + "; " + etaText
    }

    func show(force: Bool = false) {
        guard shows else { return }
        line.show(text, force: force)
    }

    func finish() { if shows { line.finish() } }
}
