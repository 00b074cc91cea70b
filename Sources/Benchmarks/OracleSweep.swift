import Core
import Foundation
import Sim

/// `cliport bench oracle`: the oracle's success over the first N seeds of a split for each task, as the
/// issues' "oracle success over 100 seeds" asks, with steps and CPU per episode. Episodes run in one
/// process through `Environment` (physics, the oracle and the three rendered cameras per observation);
/// nothing is written. An episode succeeds when its total reward exceeds 0.99, as `cliport demos` keeps it.
public enum OracleSweep {
    /// One seed that did not succeed, and why (its final reward, or the error that ended it).
    public struct Failure: Codable, Sendable, Equatable {
        public var seed: Int
        public var reason: String
    }

    public struct TaskRow: Codable, Sendable {
        public var task: String
        public var episodes: Int
        public var successes: Int
        /// Actions per episode (all episodes, failed ones included).
        public var meanSteps: Double
        public var cpuSecondsPerEpisode: Double
        public var wallSecondsPerEpisode: Double
        public var failures: [Failure]
    }

    public struct Result: Codable, Sendable {
        public var split: Split
        public var look: SceneLook
        public var episodesPerTask: Int
        public var rows: [TaskRow]
        public var cpuSeconds: Double
        public var wallSeconds: Double

        public var table: String {
            var lines = ["bench oracle: \(split.rawValue) seeds \(split.seed(episode: 0)), \(split.seed(episode: 1)), ... "
                         + "(\(episodesPerTask) per task), look \(look.rawValue)",
                         "task".padding(toLength: 40, withPad: " ", startingAt: 0) + " success  steps  CPU-s/ep"]
            for r in rows {
                lines.append(r.task.padding(toLength: 40, withPad: " ", startingAt: 0)
                             + String(format: " %3d/%-3d  %5.2f  %8.3f", r.successes, r.episodes, r.meanSteps, r.cpuSecondsPerEpisode))
            }
            lines.append(String(format: "total: %.0f CPU-s, %.0f s wall", cpuSeconds, wallSeconds))
            for r in rows { for f in r.failures { lines.append("  \(r.task) seed \(f.seed): \(f.reason)") } }
            return lines.joined(separator: "\n")
        }
    }

    /// Runs `episodes` seeds of `split` for each task in order; `progress` sees each row as it finishes.
    /// Throws `SimError.unknownTask` for a name the registry lacks, before any episode runs.
    public static func run(tasks names: [String], split: Split, episodes: Int, look: SceneLook = .cliport,
                           progress: (TaskRow) -> Void = { _ in }) throws -> Result {
        let tasks = try names.map { try TaskRegistry.task(named: $0) }
        let env = try Environment(look: look)
        let cpuStart = ProcessClock.cpuSeconds(), wallStart = ProcessClock.now()
        var rows: [TaskRow] = []
        for task in tasks {
            let cpu0 = ProcessClock.cpuSeconds(), wall0 = ProcessClock.now()
            var successes = 0, steps = 0
            var failures: [Failure] = []
            for episode in 0..<episodes {
                let seed = split.seed(episode: episode)
                do {
                    _ = try env.reset(task: task, seed: seed, split: split)
                    while let action = try env.oracleAction() {
                        let result = try env.step(action)
                        if result.done { break }
                    }
                    steps += env.stepCount
                    if env.totalReward > 0.99 { successes += 1 } else {
                        failures.append(Failure(seed: seed, reason: String(format: "total reward %.3f after %d steps",
                                                                           env.totalReward, env.stepCount)))
                    }
                } catch {
                    steps += env.stepCount
                    failures.append(Failure(seed: seed, reason: "\(error)"))
                }
            }
            let e = Double(max(episodes, 1))
            let row = TaskRow(task: task.name, episodes: episodes, successes: successes, meanSteps: Double(steps) / e,
                              cpuSecondsPerEpisode: (ProcessClock.cpuSeconds() - cpu0) / e,
                              wallSecondsPerEpisode: (ProcessClock.now() - wall0) / e, failures: failures)
            progress(row)
            rows.append(row)
        }
        return Result(split: split, look: look, episodesPerTask: episodes, rows: rows,
                      cpuSeconds: ProcessClock.cpuSeconds() - cpuStart, wallSeconds: ProcessClock.now() - wallStart)
    }
}
