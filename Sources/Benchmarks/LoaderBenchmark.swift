import Core
import Dataset
import Foundation
import SyntheticData

/// What `cliport bench loader` prints: loader throughput and peak memory on synthetic datasets.
public struct LoaderBenchmarkResult: Codable, Sendable {
    public struct Rate: Codable, Sendable {
        public var batchSize: Int
        public var augment: Bool
        public var workers: Int
        public var samples: Int
        public var seconds: Double
        public var samplesPerSecond: Double
        /// Process CPU time (user + system) per sample: independent of what else runs on the machine.
        public var cpuMillisecondsPerSample: Double
        /// What an otherwise idle machine would give: min(workers, cores) cores' worth of that CPU time.
        public var idleEstimateSamplesPerSecond: Double
    }

    public struct Memory: Codable, Sendable {
        public var episodes: Int
        public var samples: Int
        /// Resident memory before the loader started, and the peak while it ran (VmHWM, reset before).
        public var rssBeforeMiB: Double
        public var peakRSSMiB: Double
    }

    public var cores: Int
    /// The 1-minute load average when the run started and ended (other work on the machine slows the rates).
    public var loadAverageBefore: Double
    public var loadAverageAfter: Double
    public var stepsPerEpisode: Int
    public var rateEpisodes: Int
    public var rates: [Rate]
    public var memory: [Memory]
    /// Peak RSS on the large dataset over peak RSS on the small one (1.0 = flat).
    public var peakMemoryRatio: Double
    /// CLIPort's RavensDataset on this machine (issue 4: about 3 samples/s, it re-fuses three cameras twice
    /// per item), and the best augmented rate here over it.
    public var cliportSamplesPerSecond: Double
    public var augmentedSpeedup: Double
    public var datasetWriteSeconds: Double
}

/// Measures the loader: samples per second at batch 1 and 8, augmentation on and off, 1 and 2 workers, on a
/// 100-episode dataset, and peak memory on a 1000-episode dataset against a 100-episode one. Datasets are
/// synthetic (`SyntheticPickPlaceEpisodes`), written once into `directory` and reused.
public enum LoaderBenchmark {
    public static func run(directory: String = (NSTemporaryDirectory() as NSString).appendingPathComponent("cliport-loader-bench"),
                           rateEpisodes: Int = 100, memoryEpisodes: [Int] = [100, 1000], samplesPerRate: Int = 800,
                           memorySamples: Int = 1600, log: (String) -> Void = { _ in }) throws -> LoaderBenchmarkResult {
        let steps = 3
        let loadBefore = ProcessMemory.loadAverage()
        var writeSeconds = 0.0
        func dataset(_ episodes: Int) throws -> String {
            let path = (directory as NSString).appendingPathComponent("put-block-in-bowl-seen-colors-train-\(episodes)")
            let marker = (path as NSString).appendingPathComponent("COMPLETE")
            if FileManager.default.fileExists(atPath: marker) { return path }
            try? FileManager.default.removeItem(atPath: path)
            log("writing \(episodes) synthetic episodes to \(path)")
            let start = Date()
            try SyntheticPickPlaceEpisodes.writeDataset(directory: path, episodes: episodes, steps: steps)
            writeSeconds += Date().timeIntervalSince(start)
            FileManager.default.createFile(atPath: marker, contents: Data())
            return path
        }

        let ratePath = try dataset(rateEpisodes)
        var rates: [LoaderBenchmarkResult.Rate] = []
        for batch in [1, 8] {
            for augment in [false, true] {
                for workers in [1, 2] {
                    let config = LoaderConfiguration(batchSize: batch, seed: 1, workers: workers, prefetchBatches: max(4, 2 * workers),
                                                     augment: augment)
                    let loader = try Loader(path: ratePath, configuration: config)
                    _ = try loader.next()  // warm up: threads started, files opened
                    let batches = max(1, samplesPerRate / batch)
                    let start = Date(), cpuStart = ProcessClock.cpuSeconds()
                    for _ in 0..<batches { _ = try loader.next() }
                    let seconds = Date().timeIntervalSince(start)
                    loader.stop()  // waits for the workers, so their CPU time is all counted
                    let samples = batches * batch
                    // The queue was full when the clock started and fills again before stop: about `samples` were made.
                    let cpuMs = (ProcessClock.cpuSeconds() - cpuStart) * 1000 / Double(samples)
                    let cores = ProcessInfo.processInfo.activeProcessorCount
                    let rate = LoaderBenchmarkResult.Rate(batchSize: batch, augment: augment, workers: workers, samples: samples,
                                                          seconds: seconds, samplesPerSecond: Double(samples) / seconds,
                                                          cpuMillisecondsPerSample: cpuMs,
                                                          idleEstimateSamplesPerSecond: Double(min(workers, cores)) * 1000 / cpuMs)
                    log(String(format: "batch %d  augment %@  workers %d: %.0f samples/s (%.2f CPU ms per sample; idle estimate %.0f/s)",
                               batch, augment ? "on " : "off", workers, rate.samplesPerSecond, cpuMs, rate.idleEstimateSamplesPerSecond))
                    rates.append(rate)
                }
            }
        }

        var memory: [LoaderBenchmarkResult.Memory] = []
        for episodes in memoryEpisodes {
            let path = try dataset(episodes)
            let before = ProcessMemory.residentMiB()
            ProcessMemory.resetPeak()
            let loader = try Loader(path: path, configuration: LoaderConfiguration(batchSize: 8, seed: 2, workers: 2, augment: true))
            for _ in 0..<max(1, memorySamples / 8) { _ = try loader.next() }
            loader.stop()
            let peak = ProcessMemory.peakResidentMiB()
            log(String(format: "%d episodes: RSS before %.1f MiB, peak %.1f MiB", episodes, before, peak))
            memory.append(LoaderBenchmarkResult.Memory(episodes: episodes, samples: max(1, memorySamples / 8) * 8,
                                                       rssBeforeMiB: before, peakRSSMiB: peak))
        }
        let ratio = (memory.last?.peakRSSMiB ?? 1) / max(memory.first?.peakRSSMiB ?? 1, 1e-9)
        let bestAugmented = rates.filter(\.augment).map(\.samplesPerSecond).max() ?? 0
        return LoaderBenchmarkResult(cores: ProcessInfo.processInfo.activeProcessorCount, loadAverageBefore: loadBefore,
                                     loadAverageAfter: ProcessMemory.loadAverage(), stepsPerEpisode: steps,
                                     rateEpisodes: rateEpisodes, rates: rates, memory: memory, peakMemoryRatio: ratio,
                                     cliportSamplesPerSecond: 3, augmentedSpeedup: bestAugmented / 3, datasetWriteSeconds: writeSeconds)
    }
}
