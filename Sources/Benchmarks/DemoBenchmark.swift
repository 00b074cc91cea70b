import Core
import Dataset
import Foundation
import Geometry
import Recorder
import Sim

/// `cliport bench demos`: generates small datasets in a temporary folder and reports where the time and
/// the bytes go, against CLIPort's own figure for the task measured on this machine kind
/// (`CLIPortReferenceFigures.demoCPUSeconds`; a task without one says so), and how generation scales from 1
/// to 2 worker processes (issues #6 and #21).
public enum DemoBenchmark {
    /// What `--json` prints: one object.
    public struct Report: Codable, Sendable {
        public var generation: Result
        /// nil when the 1-vs-2-worker comparison was skipped (`--scaling-episodes 0`).
        public var scaling: Scaling?

        public init(generation: Result, scaling: Scaling?) { self.generation = generation; self.scaling = scaling }

        public var table: String { ([generation.table] + (scaling.map { [$0.table] } ?? [])).joined(separator: "\n") }
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
        /// User + system seconds of the generating process per saved episode.
        public var cpuSecondsPerEpisode: Double
        public var bytesPerObservation: Double
        /// CLIPort's own CPU-seconds per saved episode of this task (its code, PyBullet, its look, this machine
        /// kind) and ours as a ratio; nil when no figure was measured for the task.
        public var cliportCPUSecondsPerEpisode: Double?
        public var cpuRatioToCLIPort: Double?
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
                String(format: "CPU seconds per episode   %.3f   (wall %.3f), look \(look.rawValue)", cpuSecondsPerEpisode, wallSecondsPerEpisode),
                cliportCPUSecondsPerEpisode.map { theirs in
                    String(format: "  CLIPort's own figure for this task: %.2f CPU-s (PyBullet, its look): %.1fx less", theirs,
                           cpuRatioToCLIPort ?? 0)
                } ?? "  CLIPort: no figure measured for this task (no ratio)",
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
        /// With 2 workers: each worker's CPU seconds and saved episodes (both get work even when the dataset
        /// is one shard: workers share a shard's attempts).
        public var workerCPUSeconds2: [Double]
        public var workerEpisodes2: [Int]
    }

    public struct Scaling: Codable, Sendable {
        public var cores: Int
        public var look: SceneLook
        public var rows: [ScalingRow]

        public var table: String {
            var lines = ["bench demos scaling: episodes per hour with 1 and 2 worker processes on \(cores) cores, one shard per task, look \(look.rawValue)",
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
            lines.append("with 2 workers, per worker: CPU seconds (saved episodes)")
            for r in rows {
                lines.append("  " + r.task.padding(toLength: 36, withPad: " ", startingAt: 0) + " "
                             + zip(r.workerCPUSeconds2, r.workerEpisodes2).map { String(format: "%.2f (%d)", $0, $1) }.joined(separator: "  "))
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
        let theirs = CLIPortReferenceFigures.demoCPUSeconds(task: task)
        return Result(task: task, look: look, episodes: report.saved, attempted: report.attempted,
                      observationsPerEpisode: Double(summary.observations) / n,
                      secondsPerEpisode: perEpisode, wallSecondsPerEpisode: report.wallSeconds / n,
                      cpuSecondsPerEpisode: cpu, bytesPerObservation: summary.bytesPerObservation,
                      cliportCPUSecondsPerEpisode: theirs, cpuRatioToCLIPort: theirs.map { $0 / max(cpu, 1e-9) },
                      diskRatioToCLIPort: CLIPortReferenceFigures.bytesPerObservation / max(summary.bytesPerObservation, 1))
    }

    /// Generates `episodes` episodes of each task with 1 and with 2 worker processes of `executable` (the
    /// `cliport` program), in one shard (the default 100 per shard) that both workers share.
    public static func scaling(tasks: [String], episodes: Int, executable: String, look: SceneLook = .cliport) throws -> Scaling {
        var rows: [ScalingRow] = []
        for task in tasks {
            var measured: [(perHour: Double, split: EpisodeTiming, overhead: Double, cpu: Double, workerCPU: [Double], workerEpisodes: [Int])] = []
            for workers in [1, 2] {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-bench-\(getpid())-\(workers)").path
                defer { try? FileManager.default.removeItem(atPath: folder) }
                var generator = DemoGenerator(options: .init(task: task, split: .train, count: episodes, out: folder,
                                                             episodesPerShard: max(100, episodes), workers: workers,
                                                             workerExecutable: executable, look: look))
                generator.showProgress = false
                let report = try generator.run()
                let n = Double(max(report.saved, 1))
                let split = scaled(report.timing, 1 / n)
                let overhead = Double(report.workers) * report.wallSeconds / n - split.total
                measured.append((n / report.wallSeconds * 3600, split, overhead, report.cpuSeconds / n, report.workerCPUSeconds,
                                 report.workerEpisodes))
            }
            rows.append(ScalingRow(task: task, episodes: episodes, episodesPerHour1: measured[0].perHour,
                                   episodesPerHour2: measured[1].perHour, efficiency: measured[1].perHour / (2 * measured[0].perHour),
                                   split1: measured[0].split, split2: measured[1].split, overhead1: measured[0].overhead,
                                   overhead2: measured[1].overhead, cpuSecondsPerEpisode1: measured[0].cpu,
                                   cpuSecondsPerEpisode2: measured[1].cpu, workerCPUSeconds2: measured[1].workerCPU,
                                   workerEpisodes2: measured[1].workerEpisodes))
        }
        return Scaling(cores: ProcessInfo.processInfo.activeProcessorCount, look: look, rows: rows)
    }

    static func scaled(_ t: EpisodeTiming, _ f: Double) -> EpisodeTiming {
        var s = t
        s.physics *= f; s.rendering *= f; s.oracle *= f; s.fusion *= f; s.writing *= f
        return s
    }
}
