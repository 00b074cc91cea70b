import Dataset
import Foundation
import Geometry
import Sim

/// Generates successful oracle demonstrations of one task and split into a dataset folder of HDF5 shards
/// (`cliport demos`). Seeds follow CLIPort (`Split.seed(episode:)`); failed seeds are skipped, counted and
/// reported with their reason. Rerunning the same request continues after the last finished shard.
public struct DemoGenerator {
    public struct Options: Sendable {
        public var task: String
        public var split: Split
        public var count: Int
        public var out: String
        public var episodesPerShard: Int
        /// Stop after this many attempts without reaching `count` (guards against a task that always fails).
        public var maxAttempts: Int?

        public init(task: String, split: Split, count: Int, out: String, episodesPerShard: Int = 100, maxAttempts: Int? = nil) {
            self.task = task; self.split = split; self.count = count; self.out = out
            self.episodesPerShard = episodesPerShard; self.maxAttempts = maxAttempts
        }
    }

    /// What a run did. Codable, for `--json` and benchmarks.
    public struct Report: Codable, Sendable {
        public var dataset: String
        public var task: String
        public var split: String
        public var saved: Int
        public var alreadyThere: Int
        public var attempted: Int
        public var failures: [String: Int]
        /// Up to ten failed seeds with their reasons.
        public var failureExamples: [FailedSeed]
        public var shardsWritten: [String]
        public var wallSeconds: Double
        public var cpuSeconds: Double
        public var timing: EpisodeTiming
    }

    public struct FailedSeed: Codable, Sendable {
        public var seed: Int
        public var kind: String
        public var reason: String
    }

    public let options: Options
    public var showProgress = true

    public init(options: Options) {
        self.options = options
    }

    public func run() throws -> Report {
        let task = try TaskRegistry.task(named: options.task)
        guard options.count > 0 else { throw RecorderError.nothingToDo("--n must be at least 1") }
        let folder = try DatasetLocation.resolve(out: options.out, task: task.name, split: options.split.rawValue)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        removeUnfinishedShards(in: folder)

        // Resume: count finished episodes and continue after the highest episode index already tried.
        let existing = DatasetLocation.hasShards(folder) ? try DatasetReader(path: folder) : nil
        let alreadyThere = existing?.episodes.count ?? 0
        var nextEpisode = (existing?.episodes.map { episodeIndex(seed: $0.seed) }.max()).map { $0 + 1 } ?? 0
        var shardIndex = existing?.shards.count ?? 0

        var report = Report(dataset: folder, task: task.name, split: options.split.rawValue, saved: 0,
                            alreadyThere: alreadyThere, attempted: 0, failures: [:], failureExamples: [],
                            shardsWritten: [], wallSeconds: 0, cpuSeconds: 0, timing: EpisodeTiming())
        let wanted = options.count - alreadyThere
        guard wanted > 0 else { return report }

        let env = try Environment()
        let header = DatasetHeader(task: task.name, split: options.split.rawValue, cameras: env.cameras, workspace: env.workspace)
        let start = monotonicNow(), cpuStart = processCPUSeconds()
        var progress = ProgressLine(label: "demos \(task.name) \(options.split.rawValue)", total: wanted)
        var writer: ShardWriter?
        defer { writer?.abandon() }

        while report.saved < wanted {
            if let limit = options.maxAttempts, report.attempted >= limit { break }
            let seed = options.split.seed(episode: nextEpisode)
            if options.split == .val, seed >= Split.test.seed(episode: 0) {
                throw RecorderError.seedRangeExhausted(split: "val", episodes: nextEpisode)
            }
            nextEpisode += 1
            report.attempted += 1
            let result = OracleEpisodeRunner.run(environment: env, task: task, split: options.split, seed: seed)
            report.timing = report.timing + result.timing
            if let failure = result.failure {
                report.failures[failure.kind, default: 0] += 1
                if report.failureExamples.count < 10 {
                    report.failureExamples.append(FailedSeed(seed: seed, kind: failure.kind, reason: failure.message))
                }
            } else if let record = result.record {
                let writeStart = monotonicNow()
                if writer == nil {
                    writer = try ShardWriter(directory: folder, name: String(format: "shard-%05d", shardIndex), header: header)
                }
                try writer!.append(record)
                report.saved += 1
                if writer!.demoNames.count >= options.episodesPerShard || report.saved == wanted {
                    report.shardsWritten.append(try writer!.finish())
                    writer = nil
                    shardIndex += 1
                }
                report.timing.writing += monotonicNow() - writeStart
            }
            if showProgress {
                progress.update(done: report.saved, detail: failureSummary(report))
            }
        }
        if let open = writer, !open.demoNames.isEmpty {
            report.shardsWritten.append(try open.finish())
            writer = nil
        }
        if showProgress {
            progress.update(done: report.saved, detail: failureSummary(report), force: true)
            progress.finish()
        }
        report.wallSeconds = monotonicNow() - start
        report.cpuSeconds = processCPUSeconds() - cpuStart
        return report
    }

    private func failureSummary(_ report: Report) -> String {
        let failed = report.failures.values.reduce(0, +)
        guard failed > 0 else { return "" }
        return "failed \(failed): " + report.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    private func episodeIndex(seed: Int) -> Int {
        switch options.split {
        case .train: return seed / 2
        case .val: return (seed - 1) / 2
        case .test: return (seed - Split.test.seed(episode: 0)) / 2
        }
    }

    /// A `.partial` shard is what a crash left behind; its episodes are regenerated from their seeds.
    private func removeUnfinishedShards(in folder: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasSuffix(".partial") {
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }
}
