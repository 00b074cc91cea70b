import ArgumentParser
import Benchmarks
import Dataset
import Foundation

/// `cliport dataset stats`: colour and height mean and std (CLIPort's normalisation constants are such figures).
struct DatasetStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Colour and height mean and standard deviation of a dataset's heightmaps.")
    @Argument(help: "A dataset folder or one .hdf5 shard.") var path: String
    @Option(parsing: .unconditional, help: "Use at most this many observations, spread evenly through the dataset.") var maxObservations: Int?
    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
        if let maxObservations { try requireOption("--max-observations", maxObservations, in: 1...Int.max) }
    }

    func run() throws {
        let s = try reportingErrors { try DatasetStatistics.compute(path: path, maxObservations: maxObservations) }
        if json.enabled { printJSON(s); return }
        func list(_ v: [Double]) -> String { v.map { String(format: "%.8f", $0) }.joined(separator: ", ") }
        print("dataset      \(s.path) (\(s.observations) observations, \(s.pixels) pixels)")
        print("colour mean  [\(list(s.colorMean))]  all channels \(String(format: "%.8f", s.colorMeanAll))   (rgb / 255)")
        print("colour std   [\(list(s.colorStd))]  all channels \(String(format: "%.8f", s.colorStdAll))")
        print(String(format: "height mean  %.8f m, std %.8f m", s.heightMean, s.heightStd))
        print("CLIPort's transporter constants: colour 0.18877631 / 0.07276466, height 0.00509261 / 0.00903967")
    }
}

/// `cliport bench loader`: samples per second by batch, augmentation and workers; memory against dataset size.
struct BenchLoaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loader", abstract: "Loader throughput (batch 1/8, augmentation on/off, 1/2 workers) and peak memory.")
    @OptionGroup var json: JSONOutputOptions

    func run() throws {
        let r = try reportingErrors { try LoaderBenchmark.run(log: { line in if !json.enabled { print(line) } }) }
        if json.enabled { printJSON(r); return }
        print(String(format: "load average %.1f -> %.1f on %d cores; %d episodes of %d steps",
                     r.loadAverageBefore, r.loadAverageAfter, r.cores, r.rateEpisodes, r.stepsPerEpisode))
        print("batch  augment  workers  samples/s  CPU ms/sample  idle-machine estimate/s")
        for x in r.rates {
            print(String(format: "%5d  %7@  %7d  %9.1f  %13.2f  %10.0f", x.batchSize, (x.augment ? "yes" : "no") as NSString,
                         x.workers, x.samplesPerSecond, x.cpuMillisecondsPerSample, x.idleEstimateSamplesPerSecond))
        }
        for m in r.memory {
            print(String(format: "memory: %d episodes, %d samples: peak RSS %.1f MiB (before %.1f)", m.episodes, m.samples, m.peakRSSMiB, m.rssBeforeMiB))
        }
        print(String(format: "peak memory ratio (large / small dataset) %.2f; best augmented rate %.0fx CLIPort's ~%.0f samples/s",
                     r.peakMemoryRatio, r.augmentedSpeedup, r.cliportSamplesPerSecond))
    }
}
