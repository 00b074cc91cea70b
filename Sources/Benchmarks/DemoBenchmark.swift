import Core
import Dataset
import Foundation
import Geometry
import Recorder
import Sim

/// `cliport bench demos`: generates small datasets in a temporary folder and reports where the time and
/// the bytes go, against CLIPort's figures on this machine (issue #2: 7.2 CPU-s per saved
/// put-block-in-bowl episode, 0.91 s per three-camera observation, 6.45 MB per observation), and how
/// generation scales from 1 to 2 worker processes (issue #6).
public enum DemoBenchmark {
    public static let clipportCPUSecondsPerEpisode = 7.2

    /// CLIPort's CPU seconds per saved episode, measured side by side on this machine (issues #17 and #21:
    /// put-block-in-bowl 7.45, stack-block-pyramid-seq 16.4, packing-boxes-pairs 25.2, align-rope 12.0);
    /// issue #2's 7.2 for other tasks.
    public static func clipportCPUSeconds(task: String) -> Double {
        if task.hasPrefix("put-block-in-bowl") { return 7.45 }
        if task.hasPrefix("stack-block-pyramid-seq") { return 16.4 }
        if task.hasPrefix("packing-boxes-pairs") { return 25.2 }
        if task == "align-rope" { return 12.0 }
        return clipportCPUSecondsPerEpisode
    }

    public struct Result: Codable, Sendable {
        public var task: String
        /// How the scenes were drawn (`--look`).
        public var look: SceneLook
        public var episodes: Int
        public var attempted: Int
        public var observationsPerEpisode: Double
        /// Wall seconds per saved episode, by stage.
        public var secondsPerEpisode: EpisodeTiming
        public var wallSecondsPerEpisode: Double
        public var cpuSecondsPerEpisode: Double
        public var bytesPerObservation: Double
        public var cpuRatioToCLIPort: Double
        public var diskRatioToCLIPort: Double

        public var table: String {
            let t = secondsPerEpisode
            func row(_ name: String, _ s: Double) -> String {
                "  " + name.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: " %8.4f s  %5.1f%%", s, 100 * s / max(t.total, 1e-12))
            }
            return [
                "bench demos: \(task), look \(look.rawValue), \(episodes) saved episodes (\(attempted) attempted), "
                    + String(format: "%.1f observations each", observationsPerEpisode),
                "seconds per saved episode, by stage:",
                row("physics", t.physics), row("rendering (3 cams)", t.rendering), row("oracle", t.oracle),
                row("heightmap fusion", t.fusion), row("writing (HDF5, gzip)", t.writing),
                "  " + "wall total".padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: " %8.4f s", wallSecondsPerEpisode),
                String(format: "CPU seconds per episode   %.3f   (CLIPort %.1f: %.1fx less)",
                       cpuSecondsPerEpisode, DemoBenchmark.clipportCPUSeconds(task: task), cpuRatioToCLIPort),
                String(format: "bytes per observation     %.0f   (CLIPort %.2f MB: %.1fx less)",
                       bytesPerObservation, CLIPortReferenceFigures.bytesPerObservation / 1e6, diskRatioToCLIPort),
            ].joined(separator: "\n")
        }
    }

    /// One task generated with 1 and with 2 worker processes.
    public struct ScalingRow: Codable, Sendable {
        public var task: String
        public var episodes: Int
        public var episodesPerHour1: Double
        public var episodesPerHour2: Double
        /// episodes/h with 2 workers / (2 x episodes/h with 1 worker).
        public var efficiency: Double
        /// Seconds per saved episode by stage, summed over workers, with 1 and with 2 workers (a stage that
        /// grows with 2 workers is where they compete for the cores).
        public var split1: EpisodeTiming
        public var split2: EpisodeTiming
        /// Wall seconds x workers per episode, minus the stages: process start, simulator setup, waiting.
        public var overhead1: Double
        public var overhead2: Double
        public var cpuSecondsPerEpisode1: Double
        public var cpuSecondsPerEpisode2: Double
    }

    public struct Scaling: Codable, Sendable {
        public var cores: Int
        public var rows: [ScalingRow]

        public var table: String {
            var lines = ["bench demos scaling: episodes per hour with 1 and 2 worker processes on \(cores) cores",
                         "  " + "task".padding(toLength: 36, withPad: " ", startingAt: 0)
                            + "   1 worker  2 workers  efficiency"]
            for r in rows {
                lines.append("  " + r.task.padding(toLength: 36, withPad: " ", startingAt: 0)
                             + String(format: " %10.0f %10.0f %10.0f%%", r.episodesPerHour1, r.episodesPerHour2, 100 * r.efficiency))
            }
            lines.append("seconds per saved episode by stage (per worker; workers x wall / episodes for the total):")
            lines.append("  " + "task, workers".padding(toLength: 40, withPad: " ", startingAt: 0)
                         + " physics rendering  oracle  fusion writing   other    CPU")
            for r in rows {
                for (w, t, o, cpu) in [(1, r.split1, r.overhead1, r.cpuSecondsPerEpisode1), (2, r.split2, r.overhead2, r.cpuSecondsPerEpisode2)] {
                    lines.append("  " + "\(r.task), \(w)".padding(toLength: 40, withPad: " ", startingAt: 0)
                                 + String(format: " %7.3f %9.3f %7.3f %7.3f %7.3f %7.3f %6.2f",
                                          t.physics, t.rendering, t.oracle, t.fusion, t.writing, o, cpu))
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    public static func run(task: String, episodes: Int, look: SceneLook = .cliport) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = DemoGenerator(options: .init(task: task, split: .train, count: episodes, out: folder, look: look))
        generator.showProgress = false
        let report = try generator.run()
        let summary = try DatasetSummary(reader: try DatasetReader(path: report.dataset))
        let n = Double(max(report.saved, 1))
        let perEpisode = scaled(report.timing, 1 / n)
        // Failed attempts cost time too; charge everything to the saved episodes, as CLIPort's figure does.
        let cpu = report.cpuSeconds / n
        return Result(task: task, look: look, episodes: report.saved, attempted: report.attempted,
                      observationsPerEpisode: Double(summary.observations) / n,
                      secondsPerEpisode: perEpisode, wallSecondsPerEpisode: report.wallSeconds / n,
                      cpuSecondsPerEpisode: cpu, bytesPerObservation: summary.bytesPerObservation,
                      cpuRatioToCLIPort: clipportCPUSeconds(task: task) / max(cpu, 1e-9),
                      diskRatioToCLIPort: CLIPortReferenceFigures.bytesPerObservation / max(summary.bytesPerObservation, 1))
    }

    /// Generates `episodes` episodes of each task with 1 and with 2 worker processes of `executable` (the
    /// `cliport` program), in shards of `episodes / 4` so that both workers have units to take.
    public static func scaling(tasks: [String], episodes: Int, executable: String, look: SceneLook = .cliport) throws -> Scaling {
        var rows: [ScalingRow] = []
        for task in tasks {
            var measured: [(perHour: Double, split: EpisodeTiming, overhead: Double, cpu: Double)] = []
            for workers in [1, 2] {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-bench-\(getpid())-\(workers)").path
                defer { try? FileManager.default.removeItem(atPath: folder) }
                var generator = DemoGenerator(options: .init(task: task, split: .train, count: episodes, out: folder,
                                                             episodesPerShard: max(1, episodes / 4), workers: workers,
                                                             workerExecutable: executable, look: look))
                generator.showProgress = false
                let report = try generator.run()
                let n = Double(max(report.saved, 1))
                let split = scaled(report.timing, 1 / n)
                let overhead = Double(report.workers) * report.wallSeconds / n - split.total
                measured.append((n / report.wallSeconds * 3600, split, overhead, report.cpuSeconds / n))
            }
            rows.append(ScalingRow(task: task, episodes: episodes, episodesPerHour1: measured[0].perHour,
                                   episodesPerHour2: measured[1].perHour, efficiency: measured[1].perHour / (2 * measured[0].perHour),
                                   split1: measured[0].split, split2: measured[1].split, overhead1: measured[0].overhead,
                                   overhead2: measured[1].overhead, cpuSecondsPerEpisode1: measured[0].cpu,
                                   cpuSecondsPerEpisode2: measured[1].cpu))
        }
        return Scaling(cores: ProcessInfo.processInfo.activeProcessorCount, rows: rows)
    }

    static func scaled(_ t: EpisodeTiming, _ f: Double) -> EpisodeTiming {
        var s = t
        s.physics *= f; s.rendering *= f; s.oracle *= f; s.fusion *= f; s.writing *= f
        return s
    }
}
