import Dataset
import Foundation
import Sim

/// `cliport bench demos`: generates a small dataset in a temporary folder and reports where the time and
/// the bytes go, against CLIPort's figures on this machine (issue #2: 7.2 CPU-s per saved
/// put-block-in-bowl episode, 0.91 s per three-camera observation, 6.45 MB per observation).
public enum DemoBenchmark {
    public static let clipportCPUSecondsPerEpisode = 7.2
    public static let clipportBytesPerObservation = 6.45e6

    public struct Result: Codable, Sendable {
        public var task: String
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
                "bench demos: \(task), \(episodes) saved episodes (\(attempted) attempted), "
                    + String(format: "%.1f observations each", observationsPerEpisode),
                "seconds per saved episode, by stage:",
                row("physics", t.physics), row("rendering (3 cams)", t.rendering), row("oracle", t.oracle),
                row("heightmap fusion", t.fusion), row("writing (HDF5, gzip)", t.writing),
                "  " + "wall total".padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: " %8.4f s", wallSecondsPerEpisode),
                String(format: "CPU seconds per episode   %.3f   (CLIPort %.1f: %.1fx less)",
                       cpuSecondsPerEpisode, clipportCPUSecondsPerEpisode, cpuRatioToCLIPort),
                String(format: "bytes per observation     %.0f   (CLIPort %.2f MB: %.1fx less)",
                       bytesPerObservation, clipportBytesPerObservation / 1e6, diskRatioToCLIPort),
            ].joined(separator: "\n")
        }
    }

    public static func run(task: String, episodes: Int) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = DemoGenerator(options: .init(task: task, split: .train, count: episodes, out: folder))
        generator.showProgress = false
        let report = try generator.run()
        let summary = try DatasetSummary(reader: try DatasetReader(path: report.dataset))
        let n = Double(max(report.saved, 1))
        var perEpisode = report.timing
        // Failed attempts cost time too; charge everything to the saved episodes, as CLIPort's figure does.
        perEpisode.physics /= n; perEpisode.rendering /= n; perEpisode.oracle /= n
        perEpisode.fusion /= n; perEpisode.writing /= n
        let cpu = report.cpuSeconds / n
        return Result(task: task, episodes: report.saved, attempted: report.attempted,
                      observationsPerEpisode: Double(summary.observations) / n,
                      secondsPerEpisode: perEpisode, wallSecondsPerEpisode: report.wallSeconds / n,
                      cpuSecondsPerEpisode: cpu, bytesPerObservation: summary.bytesPerObservation,
                      cpuRatioToCLIPort: clipportCPUSecondsPerEpisode / max(cpu, 1e-9),
                      diskRatioToCLIPort: clipportBytesPerObservation / max(summary.bytesPerObservation, 1))
    }
}
