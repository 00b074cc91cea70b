import ArgumentParser
import Benchmarks
import Dataset
import Foundation
import HDF5

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

/// `cliport bench loader --data DIR`: CPU per sample on real generated data with CLIPort's RavensDataset settings.
struct BenchLoaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loader",
        abstract: "Loader CPU per sample on real data (batch 1, augmentation and goal image on), against CLIPort's RavensDataset.",
        discussion: """
            Measures real data only (the default --data is `cliport demos`' default --out). Also decodes the first \
            task's image chunks with zlib and with ISA-L, the loader's inflater.
            """)
    @Option(help: "A dataset made by `cliport demos` (one <task>-<split>/ folder, or the --out root: every task in it).")
    var data = "datasets"
    @Option(parsing: .unconditional, help: "Timed samples per task.") var samples = 10_000
    @Option(parsing: .unconditional, help: "Samples drawn before the clock starts (threads started, files opened, buffers made).") var warmup = 200
    @Option(parsing: .unconditional, help: "Loader worker threads (CPU per sample hardly depends on it).") var workers = 1
    @Flag(inversion: .prefixedNo, help: "Hand each batch back with Loader.recycle (--no-recycle: a consumer that does not).")
    var recycle = true
    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
        try requireOption("--samples", samples, in: 1...Int.max)
        try requireOption("--warmup", warmup, in: 0...Int.max)
        try requireOption("--workers", workers, in: 1...64)
    }

    func run() throws {
        let r = try reportingErrors {
            try LoaderBenchmark.run(data: data, samples: samples, warmupSamples: warmup, workers: workers, recycle: recycle,
                                    log: { line in if !json.enabled { print(line) } })
        }
        if json.enabled { printJSON(r); return }
        print(String(format: "load average %.2f -> %.2f on %d cores; batch 1, augmentation on, goal image on, %d warm-up samples, batches %@",
                     r.loadAverageBefore, r.loadAverageAfter, r.cores, r.warmupSamples, (r.recycle ? "recycled" : "not recycled") as NSString))
        print("task                                 samples  CPU ms/sample  (user s  system s)  wall ms/sample  faults/sample  vs CLIPort  RSS start/warm/end MiB")
        for t in r.tasks {
            print(String(format: "%-36@ %7d  %13.3f  (%6.2f  %8.2f)  %14.3f  %13.1f  %9.0fx  %.1f / %.1f / %.1f",
                         t.task as NSString, t.samples, t.cpuMillisecondsPerSample, t.userCPUSeconds, t.systemCPUSeconds,
                         t.wallMillisecondsPerSample, t.minorFaultsPerSample, t.cpuRatioToCLIPort,
                         t.rssStartMiB, t.rssAfterWarmupMiB, t.rssEndMiB))
        }
        for row in r.inflate.rows {
            print(String(format: "inflate %@: %.1f CPU us per chunk (%.0f MB/s)%@", row.inflater.rawValue as NSString,
                         row.cpuMicrosecondsPerChunk, row.megabytesPerCPUSecond, (row.inflater == r.inflater ? "  <- the loader's" : "") as NSString))
        }
        print(String(format: "CLIPort's RavensDataset: %.0f-%.0f CPU ms per sample on this machine kind (ratios use %.0f)",
                     r.cliportCPUMillisecondsPerSampleLow, r.cliportCPUMillisecondsPerSampleHigh, r.cliportCPUMillisecondsPerSampleLow))
    }
}
