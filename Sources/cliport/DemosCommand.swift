import Core
import ArgumentParser
import Dataset
import Foundation
import Recorder
import Sim

struct DemosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demos",
        abstract: "Generate successful oracle demonstrations of a task into HDF5 shards, in parallel and resumably.",
        discussion: """
        Writes <out>/<task>-<split>/shard-NNNNN.hdf5 (or into --out itself when it already is that dataset). \
        Seeds follow CLIPort: train 0, 2, 4, ...; val 1, 3, 5, ...; test 10001, 10003, ... The dataset is \
        ceil(n / episodes-per-shard) shards, each a fixed share of the seeds, so any number of workers or \
        machines makes the same files. Only episodes with total reward > 0.99 are kept; failed seeds are \
        recorded with their reason. Ctrl-C stops after the episode in flight (twice: at once); rerunning the \
        same command continues, losing at most the episodes in flight. On a cluster, each machine runs the \
        same command; the machine's part comes from --shard-index/--num-shards, SLURM_ARRAY_TASK_ID or \
        JOB_COMPLETION_INDEX (docs/generation.md).
        """)

    @Option(help: "Task name (see `cliport tasks`).") var task: String
    @Option(help: "Split: train, val or test.") var split: Split = .train
    @Option(name: .customLong("n"), parsing: .unconditional, help: "Number of successful episodes in the whole dataset.")
    var count: Int
    @Option(help: "Output folder (the dataset goes in <out>/<task>-<split>/).") var out: String = "datasets"
    @Option(parsing: .unconditional, help: "Episodes per shard file.") var episodesPerShard: Int = 100
    @Option(parsing: .unconditional, help: "First episode index (seeds follow from it); to add episodes to a finished dataset, generate into another folder from its next free episode.")
    var firstEpisode: Int = 0
    @Option(parsing: .unconditional, help: "Worker processes on this machine (default: the number of cores).") var workers: Int?
    @Option(name: .customLong("shard-index"), parsing: .unconditional,
            help: "This machine's index among --num-shards machines (default: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX).")
    var machineIndex: Int?
    @Option(name: .customLong("num-shards"), parsing: .unconditional,
            help: "How many machines share the dataset (default: SLURM_ARRAY_TASK_COUNT, else 1).")
    var machines: Int?
    @Option(help: ArgumentHelp("CLIPort's asset folder (holding google/meshes_fixed/*.obj and google/textures/*.png) for the packing-*-google-objects-* tasks; without it they use built-in procedural objects. Other tasks ignore it.", valueName: "dir"))
    var assets: String?
    @Option(help: ArgumentHelp("The time every shard records as `created`: seconds since 1970 or ISO 8601 UTC (default: SOURCE_DATE_EPOCH, else now). The same request and time give byte-identical shards.", valueName: "time"))
    var created: String?
    @OptionGroup var look: SceneLookOptions
    @OptionGroup var json: JSONOutputOptions

    /// Every number is checked here, before anything is written (a refused request leaves no folder behind).
    func validate() throws {
        if let created {
            do { _ = try DatasetCreationTime.parse(created, setting: "--created") } catch { throw ValidationError("\(error)") }
        }
        let limit = GenerationPlan.episodeLimit
        try requireOption("--n", count, in: 1...limit)
        try requireOption("--episodes-per-shard", episodesPerShard, in: 1...limit)
        try requireOption("--first-episode", firstEpisode, in: 0...limit - count)
        if let workers { try requireOption("--workers", workers, in: 1...DemoGenerator.maxWorkers) }
        if let machines { try requireOption("--num-shards", machines, in: 1...limit) }
        if let machineIndex, let machines { try requireOption("--shard-index", machineIndex, in: 0...machines - 1) }
        let plan = GenerationPlan(task: task, split: split, episodes: count, episodesPerShard: episodesPerShard, firstEpisode: firstEpisode)
        if (try? plan.validate()) == nil, let most = plan.mostEpisodes() {
            // Only the val split has an end: its seeds must stay below the test seeds.
            throw ValidationError(most > 0
                ? "--n must be between 1 and \(most) for --split \(split.rawValue) with --first-episode \(firstEpisode) and "
                    + "--episodes-per-shard \(episodesPerShard) (got \(count)): \(split.rawValue) seeds must stay below the test seeds (\(Split.test.seed(episode: 0)))"
                : "--first-episode must be below \(GenerationPlan.valEpisodes) for --split \(split.rawValue) (got \(firstEpisode)): "
                    + "\(split.rawValue) seeds must stay below the test seeds (\(Split.test.seed(episode: 0)))")
        }
    }

    func run() throws {
        StopSignal.install()
        if let created {
            // Through the reproducible-builds variable, which this process's writer and its workers both read.
            let seconds = Int(try DatasetCreationTime.parse(created, setting: "--created").timeIntervalSince1970)
            setenv(DatasetCreationTime.environmentVariable, "\(seconds)", 1)
        }
        let assets = self.assets.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let generator = DemoGenerator(options: .init(
            task: task, split: split, count: count, out: out, episodesPerShard: episodesPerShard, firstEpisode: firstEpisode,
            machineIndex: machineIndex, machines: machines, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount,
            workerExecutable: currentExecutable(), environment: ProcessInfo.processInfo.environment, assets: assets,
            look: look.look))
        let report = try reportingErrors { try generator.run() }
        if json.enabled { printJSON(report) } else { printSummary(report) }
        if report.stopped {
            FileHandle.standardError.write(Data((RecorderErrorText.interrupted(report) + "\n").utf8))
            throw ExitCode(130)
        }
    }

    private func printSummary(_ report: DemoGenerator.Report) {
        let failed = report.failures.values.reduce(0, +)
        print("wrote \(counted(report.saved, "episode")) to \(report.dataset)"
              + (report.alreadyThere > 0 ? " (\(report.alreadyThere) were already there)" : "")
              + " [\(report.machine), \(counted(report.workers, "worker"))]")
        if let objectSet = report.objectSet { print("objects: \(objectSet)") }
        print(String(format: "attempted %d seeds, %d succeeded (%.1f%%), %.1f s wall, %.2f CPU-s per saved episode",
                     report.attempted, report.attempted - failed,
                     100 * Double(report.attempted - failed) / Double(max(report.attempted, 1)),
                     report.wallSeconds, report.cpuSeconds / Double(max(report.saved, 1))))
        if failed > 0 {
            print("failures: " + report.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for f in report.failureExamples { print("  seed \(f.seed): \(f.reason)") }
        }
        if let overcome = report.overcomeFailure {
            print("note: \(overcome); the other workers finished its units")
        }
        if report.datasetComplete {
            print("the dataset is complete"
                  + (report.nextFreeEpisode.map { "; to add episodes, generate into another folder with --first-episode \($0)" } ?? ""))
        } else if !report.stopped {
            print("this machine's \(counted(report.machineUnits, "shard")) \(report.machineUnits == 1 ? "is" : "are") done; other machines' shards are still missing")
        }
    }
}

/// `cliport demos-worker`: one worker process of `cliport demos --workers K` (not for direct use).
struct DemosWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demos-worker", abstract: "Internal: one worker process of `cliport demos`.", shouldDisplay: false)

    @Option var task: String
    @Option var split: Split
    @Option(name: .customLong("n")) var count: Int
    @Option var episodesPerShard: Int
    @Option var firstEpisode: Int
    @Option(help: "The dataset folder itself.") var dataset: String
    @Option(help: "This machine's share: its index among --machines.") var machineIndex: Int
    @Option var machines: Int
    @Option var workerIndex: Int
    @Option var assets: String?
    @Option var look: SceneLook

    func run() throws {
        let plan = GenerationPlan(task: task, split: split, episodes: count, episodesPerShard: episodesPerShard, firstEpisode: firstEpisode,
                                  assets: assets, look: look)
        let status = DemoWorker.run(plan: plan, dataset: dataset, machine: MachineShare(index: machineIndex, count: machines),
                                    worker: workerIndex)
        if status != 0 { throw ExitCode(status) }
    }
}

enum RecorderErrorText {
    static func interrupted(_ report: DemoGenerator.Report) -> String {
        "stopped: \(report.machineUnitsFinished) of \(counted(report.machineUnits, "shard")) of this machine \(report.machineUnitsFinished == 1 ? "is" : "are") finished and kept; "
            + "run the same command again to continue (at most the episodes in flight are redone)"
    }
}

/// The running program, to start workers from (`/proc/self/exe` on Linux).
func currentExecutable() -> String {
    let proc = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    if FileManager.default.isExecutableFile(atPath: proc), proc != "/proc/self/exe" { return proc }
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
}
