import Core
import Dataset
import Foundation
import HDF5

/// What `cliport bench loader` prints: CPU per sample of the loader on real generated data, with CLIPort's
/// `RavensDataset` settings (batch 1, SE(2) augmentation on, goal image on), and resident memory over the run.
public struct LoaderBenchmarkResult: Codable, Sendable {
    public struct Task: Codable, Sendable {
        public var task: String
        public var path: String
        public var episodes: Int
        public var steps: Int
        public var workers: Int
        public var samples: Int
        public var wallSeconds: Double
        public var userCPUSeconds: Double
        public var systemCPUSeconds: Double
        /// (user + system) / samples: what the loader costs whatever else runs on the machine.
        public var cpuMillisecondsPerSample: Double
        public var wallMillisecondsPerSample: Double
        /// Minor page faults per sample (each costs kernel time; a loader that reuses its buffers has few).
        public var minorFaultsPerSample: Double
        /// CLIPort's CPU per sample (low end of its range) over ours.
        public var cpuRatioToCLIPort: Double
        /// Resident memory before the loader started, after the warm-up, and after the last sample.
        public var rssStartMiB: Double
        public var rssAfterWarmupMiB: Double
        public var rssEndMiB: Double
    }

    public var cores: Int
    /// The 1-minute load average when the run started and ended (other work slows wall time, not CPU time).
    public var loadAverageBefore: Double
    public var loadAverageAfter: Double
    public var batchSize: Int
    public var augment: Bool
    public var goalImages: Bool
    public var warmupSamples: Int
    /// Batches were handed back with `Loader.recycle` (the loader then reuses their image buffers).
    public var recycle: Bool
    public var tasks: [Task]
    public var cliportCPUMillisecondsPerSampleLow: Double
    public var cliportCPUMillisecondsPerSampleHigh: Double
    /// The loader's inflater (`HDF5Inflater.standard`) and zlib against ISA-L on the first task's chunks.
    public var inflater: HDF5Inflater
    public var inflate: InflateComparison
}

/// Measures the loader on datasets made by `cliport demos`: `data` is one task folder (`<task>-<split>/` of
/// shards) or a root holding several; each task gets `samples` timed samples after `warmupSamples`.
public enum LoaderBenchmark {
    /// The task folders under `data`: itself when it holds shards, else its sub-folders that do.
    public static func taskFolders(_ data: String) throws -> [String] {
        func hasShards(_ folder: String) -> Bool {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.hasSuffix(".hdf5") }
        }
        if data.hasSuffix(".hdf5") || hasShards(data) { return [data] }
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []).sorted()
            .map { (data as NSString).appendingPathComponent($0) }.filter(hasShards)
        guard !children.isEmpty else { throw LoaderBenchmarkError.noDataset(data) }
        return children
    }

    public static func run(data: String, samples: Int = 10_000, warmupSamples: Int = 200, workers: Int = 1, recycle: Bool = true, seed: Int = 1,
                           log: (String) -> Void = { _ in }) throws -> LoaderBenchmarkResult {
        let folders = try taskFolders(data)
        let loadBefore = ProcessMemory.loadAverage()
        var tasks: [LoaderBenchmarkResult.Task] = []
        let cliport = CLIPortReferenceFigures.ravensDatasetCPUMillisecondsPerSample
        for folder in folders {
            let dataset = try TaskDataset(path: folder)
            let rssStart = ProcessMemory.residentMiB()
            // CLIPort's RavensDataset as its training uses it: batch 1, perturb on, the goal image read and warped too.
            let config = LoaderConfiguration(batchSize: 1, seed: seed, workers: workers, prefetchBatches: max(4, 2 * workers),
                                             augment: true, goalImages: true)
            let loader = try Loader(tasks: [dataset], configuration: config, strictDemos: true)
            func draw() throws { if let b = try loader.next(), recycle { loader.recycle(b) } }
            for _ in 0..<warmupSamples { try draw() }
            let rssWarm = ProcessMemory.residentMiB()
            let start = ProcessUsage.now()
            for _ in 0..<samples { try draw() }
            loader.stop()  // waits for the workers, so their CPU time is all counted
            let end = ProcessUsage.now()
            // The queue was full at the start and fills again before stop: about `samples` were made in between.
            let user = end.user - start.user, system = end.system - start.system, wall = end.wall - start.wall
            let cpuMs = (user + system) * 1000 / Double(samples)
            let steps = dataset.episodes.reduce(0) { $0 + $1.numSteps }
            let row = LoaderBenchmarkResult.Task(
                task: dataset.task, path: folder, episodes: dataset.episodes.count, steps: steps, workers: workers, samples: samples,
                wallSeconds: wall, userCPUSeconds: user, systemCPUSeconds: system, cpuMillisecondsPerSample: cpuMs,
                wallMillisecondsPerSample: wall * 1000 / Double(samples),
                minorFaultsPerSample: Double(end.minorFaults - start.minorFaults) / Double(samples),
                cpuRatioToCLIPort: cliport.lowerBound / cpuMs,
                rssStartMiB: rssStart, rssAfterWarmupMiB: rssWarm, rssEndMiB: ProcessMemory.residentMiB())
            log(String(format: "%@: %.3f CPU ms per sample (user %.2f s + system %.2f s over %d samples; wall %.3f ms), %.0fx less than CLIPort's %.0f-%.0f ms; RSS %.1f -> %.1f -> %.1f MiB",
                       row.task, cpuMs, user, system, samples, row.wallMillisecondsPerSample, row.cpuRatioToCLIPort,
                       cliport.lowerBound, cliport.upperBound, row.rssStartMiB, row.rssAfterWarmupMiB, row.rssEndMiB))
            tasks.append(row)
        }
        let inflate = try InflateComparison.run(folder: folders[0])
        for row in inflate.rows {
            log(String(format: "inflate %@: %.1f CPU us per chunk, %.0f MB/s (%d chunks of %@, same bytes: %@)", row.inflater.rawValue,
                       row.cpuMicrosecondsPerChunk, row.megabytesPerCPUSecond, inflate.chunks,
                       (inflate.shard as NSString).lastPathComponent, inflate.identical ? "yes" : "NO"))
        }
        return LoaderBenchmarkResult(cores: ProcessInfo.processInfo.activeProcessorCount, loadAverageBefore: loadBefore,
                                     loadAverageAfter: ProcessMemory.loadAverage(), batchSize: 1, augment: true, goalImages: true,
                                     warmupSamples: warmupSamples, recycle: recycle, tasks: tasks,
                                     cliportCPUMillisecondsPerSampleLow: cliport.lowerBound,
                                     cliportCPUMillisecondsPerSampleHigh: cliport.upperBound, inflater: .standard,
                                     inflate: inflate)
    }
}

/// Why `cliport bench loader` cannot measure.
public enum LoaderBenchmarkError: Error, CustomStringConvertible {
    case noDataset(String)

    public var description: String {
        switch self {
        case let .noDataset(path):
            return "\(path) holds no dataset (.hdf5 shards, or <task>-<split>/ folders of them): make one with "
                + "`cliport demos --task put-block-in-bowl-seen-colors --split train --n 100 --out \(path)`"
        }
    }
}

/// User and system CPU seconds, minor page faults (getrusage, all threads) and monotonic wall time.
struct ProcessUsage {
    var user: Double, system: Double, minorFaults: Int, wall: Double

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return ProcessUsage(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime), minorFaults: usage.ru_minflt,
                            wall: ProcessClock.now())
    }
}
