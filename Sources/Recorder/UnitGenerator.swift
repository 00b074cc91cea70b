import Core
import Dataset
import Foundation
import Sim

/// Makes one unit of a plan, alone or beside other processes: takes the unit's first open attempt under an
/// `AttemptClaim`, stages each successful episode as its own durable file and logs each failed seed, until the
/// unit's first `target` successes (in attempt order) and every attempt before them are done; then assembles
/// `shard-<u>.hdf5` from the staged files (copying, not recompressing) and deletes the staging folder.
/// An attempt is taken only if it can still be needed (the successes before it plus the attempts in flight
/// before it are fewer than the target), so no seed is tried that one process alone would not have tried, and
/// the shard is the same whoever made which attempt. Interrupted at any moment, it loses at most the
/// episodes in flight and continues from there next time.
final class UnitGenerator {
    /// `done`: the shard is there (made here or elsewhere); `waiting`: every attempt this process may take is
    /// in other processes' hands (or another process assembles the shard).
    enum Outcome: Equatable { case done, stopped, waiting }

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

    /// Whether other processes are simulating attempts of unit `u` now.
    func othersWork(on u: Int) -> Bool {
        !AttemptClaim.held(folder: UnitStaging(dataset: dataset, plan: plan, unit: u).folder).isEmpty
    }

    /// Works on unit `u` until its shard is there, it must wait for others, or `shouldStop` (asked before each
    /// new seed) says so.
    func run(unit u: Int, report: (GenerationEvent) -> Void, shouldStop: () -> Bool) throws -> Outcome {
        let staging = UnitStaging(dataset: dataset, plan: plan, unit: u)
        let shard = shardPath(unit: u)
        // Another process may finish the shard and remove the staging folder at any moment.
        func prepareUnlessFinished() throws -> Bool {
            do { try staging.prepare() } catch { if FileManager.default.fileExists(atPath: shard) { return false } else { throw error } }
            return true
        }
        if FileManager.default.fileExists(atPath: shard) { staging.removeIfIdle(); return .done }
        guard try prepareUnlessFinished() else { return .done }
        let target = plan.target(unit: u)
        while true {
            if FileManager.default.fileExists(atPath: shard) { staging.removeIfIdle(); return .done }
            let state = try staging.state()
            guard state.successes.count <= target else {
                throw DatasetError.corrupt(path: staging.folder, detail: "it holds \(state.successes.count) staged episodes but unit \(u) needs "
                                           + "\(target); delete this staging folder and rerun")
            }
            if let attempts = state.completion(target: target) {
                return try assemble(unit: u, attempts: attempts, staging: staging, report: report)
            }
            if shouldStop() { return .stopped }
            let held = AttemptClaim.held(folder: staging.folder).subtracting(state.done)
            let k = state.firstOpen(excluding: held)
            if state.successes.filter({ $0 < k }).count + held.filter({ $0 < k }).count >= target { return .waiting }
            try plan.checkSeed(unit: u, attempt: k)
            guard let claim = try AttemptClaim.tryClaim(folder: staging.folder, attempt: k) else {
                if !FileManager.default.fileExists(atPath: staging.folder) { _ = try prepareUnlessFinished() }
                continue
            }
            defer { claim.release() }
            // Taken after another process finished it, or the shard appeared meanwhile: look again.
            if FileManager.default.fileExists(atPath: shard) { continue }
            if try staging.state().done.contains(k) { continue }
            try attempt(k, unit: u, staging: staging, report: report)
        }
    }

    private func attempt(_ k: Int, unit u: Int, staging: UnitStaging, report: (GenerationEvent) -> Void) throws {
        let seed = plan.seed(unit: u, attempt: k)
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
        }
        report(GenerationEvent(kind: .episode, unit: u, seed: seed, failure: result.failure, timing: timing,
                               cpuSeconds: ProcessClock.cpuSeconds()))
    }

    /// Assembles the shard from the staged episodes of `attempts`, in seed order, under the unit's lock (one
    /// assembler even when several processes see the unit complete at once).
    private func assemble(unit u: Int, attempts: ClosedRange<Int>, staging: UnitStaging,
                          report: (GenerationEvent) -> Void) throws -> Outcome {
        guard let lock = try UnitLock.tryAcquire(dataset: dataset, unit: u) else { return .waiting }
        if FileManager.default.fileExists(atPath: shardPath(unit: u)) {
            lock.release(removeFile: false)
            staging.removeIfIdle()
            return .done
        }
        let start = ProcessClock.now()
        let state = try staging.state()
        let staged = state.staged.filter { plan.attempt(ofSeed: $0, unit: u).map(attempts.contains) ?? false }
        let failed = state.failed.filter { plan.attempt(ofSeed: $0.seed, unit: u).map(attempts.contains) ?? false }
            .reduce(into: [Int: FailedSeedLog.Entry]()) { $0[$1.seed] = $0[$1.seed] ?? $1 }.values.sorted { $0.seed < $1.seed }
        let tried = attempts.map { plan.seed(unit: u, attempt: $0) }
        let record = ShardGenerationRecord(unit: u, units: plan.units, episodes: plan.episodes, episodesPerShard: plan.episodesPerShard,
                                           firstEpisode: plan.firstEpisode, seedsTried: tried, seedsFailed: failed.map(\.seed),
                                           failureKinds: failed.map(\.kind.rawValue))
        let shard = try diskTurn.exclusive {
            try ShardAssembler.assemble(staged.map { .init(file: staging.stagedPath(seed: $0)) }, directory: dataset,
                                        name: plan.shardName(unit: u), generation: record)
        }
        lock.release(removeFile: true)
        staging.removeIfIdle()
        var timing = EpisodeTiming()
        timing.writing = ProcessClock.now() - start
        report(GenerationEvent(kind: .unitFinished, unit: u, timing: timing, shard: shard, cpuSeconds: ProcessClock.cpuSeconds()))
        return .done
    }
}
