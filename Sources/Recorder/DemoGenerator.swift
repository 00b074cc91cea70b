import Core
import Dataset
import Foundation
import Geometry
import Sim

/// Generates successful oracle demonstrations of one task and split into a dataset folder of HDF5 shards
/// (`cliport demos`), following a `GenerationPlan`: units independent of workers and machines, each staged
/// episode by episode so that a crash loses at most the episode in flight. This machine's units (see
/// `MachineShare`) are made in this process (`workers` 1) or by worker processes (`cliport demos-worker`).
/// Rerunning the same request continues where it stopped. docs/generation.md tells the whole design.
public struct DemoGenerator {
    public struct Options: Sendable {
        public var task: String
        public var split: Split
        public var count: Int
        public var out: String
        public var episodesPerShard: Int
        /// The first episode index (seed `split.seed(episode:)`) of the plan; raise it to add episodes in another folder.
        public var firstEpisode: Int
        /// Stop after this many attempts in this run (tests and benchmarks; in-process runs only).
        public var maxAttempts: Int?
        /// This machine's share of the units, its index among `machines` (`--shard-index`, `--num-shards`;
        /// nil: from the scheduler's environment, or the whole dataset).
        public var machineIndex: Int?
        public var machines: Int?
        /// Worker processes; more than one needs `workerExecutable` (the `cliport` program).
        public var workers: Int
        public var workerExecutable: String?
        /// The environment the scheduler's variables are read from.
        public var environment: [String: String]
        /// CLIPort's asset folder for the google-objects tasks' meshes (`GoogleObjectAssets`); nil: built-in objects.
        public var assets: String?
        /// How the simulator draws the scenes (`--look`).
        public var look: SceneLook

        public init(task: String, split: Split, count: Int, out: String, episodesPerShard: Int = 100, firstEpisode: Int = 0,
                    maxAttempts: Int? = nil, machineIndex: Int? = nil, machines: Int? = nil, workers: Int = 1,
                    workerExecutable: String? = nil, environment: [String: String] = [:], assets: String? = nil,
                    look: SceneLook = .cliport) {
            self.task = task; self.split = split; self.count = count; self.out = out
            self.episodesPerShard = episodesPerShard; self.firstEpisode = firstEpisode; self.maxAttempts = maxAttempts
            self.machineIndex = machineIndex; self.machines = machines; self.workers = workers
            self.workerExecutable = workerExecutable; self.environment = environment; self.assets = assets
            self.look = look
        }

        public var plan: GenerationPlan {
            GenerationPlan(task: task, split: split, episodes: count, episodesPerShard: episodesPerShard, firstEpisode: firstEpisode,
                           assets: assets, look: look)
        }
    }

    /// What a run did. Codable, for `--json` and benchmarks.
    public struct Report: Codable, Sendable {
        public var dataset: String
        public var task: String
        public var split: String
        /// "machine 0 of 1 (one machine)".
        public var machine: String
        public var workers: Int
        /// Successful episodes this run added, and those already there (of this machine's units).
        public var saved: Int
        public var alreadyThere: Int
        /// Successful episodes this machine's units hold when complete.
        public var machineEpisodes: Int
        public var attempted: Int
        public var failures: [String: Int]
        /// Up to ten failed seeds with their reasons.
        public var failureExamples: [FailedSeed]
        public var shardsWritten: [String]
        public var machineUnits: Int
        public var machineUnitsFinished: Int
        /// Every unit of the plan (all machines) has its shard.
        public var datasetComplete: Bool
        /// Stopped by a signal (or `maxAttempts`) before this machine's units were finished.
        public var stopped: Bool
        /// Once the dataset is complete: the `--first-episode` that adds episodes with fresh seeds.
        public var nextFreeEpisode: Int?
        public var wallSeconds: Double
        /// CPU seconds of every process that worked (user + system), and of each worker; episodes each saved.
        public var cpuSeconds: Double
        public var workerCPUSeconds: [Double]
        public var workerEpisodes: [Int]
        /// Seconds by stage, summed over episodes and workers.
        public var timing: EpisodeTiming
        /// The object set of a google-objects task ("procedural (...)" or "google-scanned-objects (...)"); nil otherwise.
        public var objectSet: String?
        /// A worker's failure the run got past because the other workers finished every unit.
        public var overcomeFailure: String?
    }

    public struct FailedSeed: Codable, Sendable {
        public var seed: Int
        public var kind: EpisodeFailure.Kind
        public var reason: String
    }

    /// Worker processes a run may start (the slots `StopSignal` kills on a second Ctrl-C).
    public static let maxWorkers = StopSignal.childSlots

    public let options: Options
    public var showProgress = true

    public init(options: Options) {
        self.options = options
    }

    public func run() throws -> Report {
        do { return try generate() } catch { throw Self.namingOut(error) }
    }

    /// The dataset library calls the folder it writes "the output folder"; users of `cliport demos` know it as `--out`.
    static func namingOut(_ error: Error) -> Error {
        (error as? DatasetError)?.namingOutput("folder with --out") ?? error
    }

    private func generate() throws -> Report {
        let task = try GoogleObjectAssets.task(named: options.task, split: options.split, assets: options.assets)
        let plan = options.plan
        try plan.validate()
        let machine = try MachineShare.resolve(index: options.machineIndex, count: options.machines, environment: options.environment)
        let folder = try DatasetLocation.resolve(out: options.out, task: task.name, split: options.split)
        try DatasetError.writing { try DurableFile.makeFolder(folder) }
        try ensurePlan(plan, folder: folder)

        let units = plan.units(forMachine: machine.index, of: machine.count)
        let shard = { (u: Int) in (folder as NSString).appendingPathComponent(plan.shardName(unit: u) + ".hdf5") }
        let finishedBefore = units.filter { FileManager.default.fileExists(atPath: shard($0)) }
        let machineEpisodes = units.map(plan.target(unit:)).reduce(0, +)
        let alreadyThere = finishedBefore.map(plan.target(unit:)).reduce(0, +)
            + units.filter { !finishedBefore.contains($0) }.map { UnitStaging.stagedCount(dataset: folder, plan: plan, unit: $0) }.reduce(0, +)
        var tally = GenerationTally(total: machineEpisodes, alreadyThere: alreadyThere)
        // Workers share a unit's attempts, so up to one per episode still to make can help.
        let workers = max(1, min(options.workers, machineEpisodes - alreadyThere))
        var progress = ProgressLine(label: "demos \(task.name) \(plan.split.rawValue)"
                                    + (machine.count > 1 ? " [\(machine.index)/\(machine.count)]" : "")
                                    + (workers > 1 ? " \(workers) workers" : ""))
        let start = ProcessClock.now(), cpuStart = ProcessClock.cpuSeconds()
        var stopped = false
        var failure: Error?

        if finishedBefore.count < units.count {
            if workers > 1, let executable = options.workerExecutable {
                let arguments = (0..<workers).map { w in
                    ["demos-worker", "--task", plan.task, "--split", plan.split.rawValue, "--n", "\(plan.episodes)",
                     "--episodes-per-shard", "\(plan.episodesPerShard)", "--first-episode", "\(plan.firstEpisode)",
                     "--dataset", folder, "--machine-index", "\(machine.index)", "--machines", "\(machine.count)", "--worker-index", "\(w)"]
                        + (plan.assets.map { ["--assets", $0] } ?? []) + ["--look", plan.look.rawValue]
                }
                let result = try WorkerPool().run(executable: executable, arguments: arguments, onEvent: { worker, event in
                    tally.add(event, from: worker)
                }, tick: {
                    if showProgress { progress.show(tally.line(elapsed: ProcessClock.now() - start)) }
                })
                stopped = result.stopped
                failure = result.failure
            } else {
                let loop = UnitLoop(generator: UnitGenerator(plan: plan, dataset: folder, task: task), units: units, worker: 0,
                                    report: { event in
                                        tally.add(event, from: 0)
                                        if showProgress { progress.show(tally.line(elapsed: ProcessClock.now() - start)) }
                                    },
                                    shouldStop: { StopSignal.requested || options.maxAttempts.map { tally.attempted >= $0 } ?? false })
                do {
                    stopped = !(try loop.run())
                } catch {
                    failure = error
                }
                tally.cpuBySender[0] = ProcessClock.cpuSeconds() - cpuStart
            }
        }
        if showProgress {
            progress.show(tally.line(elapsed: ProcessClock.now() - start), force: true)
            progress.finish()
        }
        let finished = units.filter { FileManager.default.fileExists(atPath: shard($0)) }
        // A worker that died (SIGKILL, OOM) while the others finished every unit, its own included, cost
        // nothing: the dataset is what was asked for, so the run succeeds and only notes it.
        if let failure, finished.count < units.count { throw failure }
        let complete = (0..<plan.units).allSatisfy { FileManager.default.fileExists(atPath: shard($0)) }
        if complete { removeEmptyStaging(folder) }
        return Report(dataset: folder, task: task.name, split: plan.split.rawValue, machine: machine.description, workers: workers,
                      saved: tally.saved, alreadyThere: alreadyThere, machineEpisodes: machineEpisodes, attempted: tally.attempted,
                      failures: tally.failures, failureExamples: tally.failureExamples, shardsWritten: tally.shardsWritten.sorted(),
                      machineUnits: units.count, machineUnitsFinished: finished.count, datasetComplete: complete,
                      stopped: stopped || finished.count < units.count,
                      nextFreeEpisode: complete ? nextFreeEpisode(folder: folder, plan: plan) : nil,
                      wallSeconds: ProcessClock.now() - start, cpuSeconds: tally.cpuSeconds,
                      workerCPUSeconds: (0..<workers).map { tally.cpuBySender[$0] ?? 0 },
                      workerEpisodes: (0..<workers).map { tally.savedBySender[$0] ?? 0 }, timing: tally.timing,
                      objectSet: (task as? PackingGoogleObjects).map { $0.objectSet.description },
                      overcomeFailure: failure.map { ($0 as? RecorderError)?.what ?? String(describing: $0) })
    }

    /// Records the plan in the folder, refusing a folder generated for another plan or by an older cliport.
    private func ensurePlan(_ plan: GenerationPlan, folder: String) throws {
        let manifest = (folder as NSString).appendingPathComponent(GenerationManifest.fileName)
        if !FileManager.default.fileExists(atPath: manifest), let shard = DatasetLocation.shards(folder).first,
           (try? ShardGenerationRecord.read(shard: shard)) ?? nil == nil {
            throw RecorderError.outputHoldsOtherData(path: folder, found: "shards without a generation plan (made by an older cliport or "
                                                     + "another tool)", requested: "a `cliport demos` plan")
        }
        do {
            try GenerationManifest.ensure(plan, in: folder)
        } catch RecorderError.planMismatch(let path, let recorded, let requested, _) {
            throw RecorderError.planMismatch(path: path, recorded: recorded, requested: requested,
                                             nextFreeEpisode: nextFreeEpisode(folder: folder, plan: recorded))
        }
    }

    /// One past the highest episode index any unit tried, when every shard of the plan is there.
    private func nextFreeEpisode(folder: String, plan: GenerationPlan) -> Int? {
        var highest = -1
        for u in 0..<plan.units {
            let path = (folder as NSString).appendingPathComponent(plan.shardName(unit: u) + ".hdf5")
            guard let record = (try? ShardGenerationRecord.read(shard: path)) ?? nil else { return nil }
            highest = max(highest, plan.episodeIndex(unit: u, attempt: record.seedsTried.count - 1))
        }
        return highest + 1
    }

    private func removeEmptyStaging(_ folder: String) {
        let staging = (folder as NSString).appendingPathComponent(UnitStaging.stagingFolderName)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
        if names.allSatisfy({ $0.hasSuffix(".lock") }) { try? FileManager.default.removeItem(atPath: staging) }
    }
}
