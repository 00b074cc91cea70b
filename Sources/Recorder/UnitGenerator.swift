import Core
import Dataset
import Foundation
import Sim

/// Makes one unit of a plan: tries the unit's seeds in order, stages each successful episode as its own
/// durable file and logs each failed seed, until the unit has its episodes; then assembles
/// `shard-<u>.hdf5` from the staged files (copying, not recompressing) and deletes the staging folder.
/// Interrupted at any moment, it loses at most the episode in flight and continues from there next time.
final class UnitGenerator {
    enum Outcome: Equatable { case finished(shard: String), stopped }

    let plan: GenerationPlan
    let dataset: String
    let task: any Task
    private var environment: Environment?
    private var header: DatasetHeader?
    private let diskTurn: DiskTurn

    init(plan: GenerationPlan, dataset: String, task: any Task) {
        self.plan = plan
        self.dataset = dataset
        self.task = task
        diskTurn = DiskTurn(dataset: dataset)
    }

    /// The simulator starts on first use, so a run with nothing left to do never opens an EGL context.
    private func env() throws -> (Environment, DatasetHeader) {
        if let environment, let header { return (environment, header) }
        let env = try Environment(look: plan.look)
        let h = DatasetHeader(task: task.name, split: plan.split.rawValue, cameras: env.cameras, workspace: env.workspace,
                              objectSet: task.objectSetName, objectAssets: (task as? PackingGoogleObjects)?.objectSet.folder, look: plan.look.rawValue)
        environment = env
        header = h
        return (env, h)
    }

    func shardPath(unit: Int) -> String {
        (dataset as NSString).appendingPathComponent(plan.shardName(unit: unit) + ".hdf5")
    }

    /// Runs unit `u` (the caller holds its lock). `shouldStop` is asked before each new seed.
    func run(unit u: Int, report: (GenerationEvent) -> Void, shouldStop: () -> Bool) throws -> Outcome {
        let staging = UnitStaging(dataset: dataset, plan: plan, unit: u)
        try staging.prepare()
        let target = plan.target(unit: u)
        var (staged, _, attempt) = try staging.state()
        guard staged.count <= target else {
            throw DatasetError.corrupt(path: staging.folder, detail: "it holds \(staged.count) staged episodes but unit \(u) needs \(target); "
                                       + "delete this staging folder and rerun")
        }
        var successes = staged.count
        while successes < target {
            if shouldStop() { return .stopped }
            try plan.checkSeed(unit: u, attempt: attempt)
            let seed = plan.seed(unit: u, attempt: attempt)
            let (env, header) = try env()
            let result = OracleEpisodeRunner.run(environment: env, task: task, split: plan.split, seed: seed)
            var timing = result.timing
            if let failure = result.failure {
                try staging.failedLog.append(.init(seed: seed, kind: failure.kind, message: failure.message))
            } else if let record = result.record {
                let start = ProcessClock.now()
                _ = try diskTurn.shared {
                    try ShardWriter.writeEpisode(record, directory: staging.folder, name: staging.stagedName(seed: seed), header: header)
                }
                timing.writing += ProcessClock.now() - start
                successes += 1
            }
            attempt += 1
            report(GenerationEvent(kind: .episode, unit: u, seed: seed, failure: result.failure, timing: timing,
                                   cpuSeconds: ProcessClock.cpuSeconds()))
        }

        // Assemble the shard from the staged episodes, in seed order.
        let start = ProcessClock.now()
        staged = staging.stagedSeeds()
        let failed = staging.failedLog.read().sorted { $0.seed < $1.seed }
        let tried = (0..<attempt).map { plan.seed(unit: u, attempt: $0) }
        let record = ShardGenerationRecord(unit: u, units: plan.units, episodes: plan.episodes, episodesPerShard: plan.episodesPerShard,
                                           firstEpisode: plan.firstEpisode, seedsTried: tried, seedsFailed: failed.map(\.seed),
                                           failureKinds: failed.map(\.kind.rawValue))
        let shard = try diskTurn.exclusive {
            try ShardAssembler.assemble(staged.map { .init(file: staging.stagedPath(seed: $0)) }, directory: dataset,
                                        name: plan.shardName(unit: u), generation: record)
        }
        staging.remove()
        var timing = EpisodeTiming()
        timing.writing = ProcessClock.now() - start
        report(GenerationEvent(kind: .unitFinished, unit: u, timing: timing, shard: shard, cpuSeconds: ProcessClock.cpuSeconds()))
        return .finished(shard: shard)
    }
}
