import Core
import Foundation
import Geometry

/// Streams batches from one or many task datasets, CLIPort's way (reference/cliport.md sections 2.4 and 5):
/// training draws a task (uniform, or multi-attr's 1/2 weighting), a random episode of the task's fixed
/// `nDemos` subset and a random step, and augments with `perturb`; validation walks every step once in a fixed
/// order. Worker threads fill a bounded queue; batch b is a pure function of (seed, b), so the stream is the
/// same for any worker count. Memory is flat in the dataset size: only episode locations are listed, each
/// sample reads its own step, at most `prefetchBatches` batches exist at once.
public final class Loader {
    public let configuration: LoaderConfiguration
    public let plan: SamplingPlan
    /// Validation: the number of batches of the single pass; nil in training (endless).
    public let batchCount: Int?
    private let queue: PrefetchState
    /// Image buffers handed back by `recycle`, for the workers to fill again.
    private let pool: SampleBufferPool
    private let workersDone = DispatchGroup()
    private var started = false

    /// A loader over `tasks` (sampled with `weights`, uniform when nil).
    public init(tasks: [TaskDataset], weights: [Double]? = nil, configuration: LoaderConfiguration, strictDemos: Bool = false) throws {
        try configuration.validate()
        if let odd = tasks.first(where: { $0.heightmapSize != tasks[0].heightmapSize }) {
            throw LoaderError.shapeMismatch(path: odd.path, detail: "heightmaps are \(odd.heightmapSize) but \(tasks[0].path) has \(tasks[0].heightmapSize)")
        }
        self.configuration = configuration
        plan = try SamplingPlan(tasks: tasks, weights: weights, nDemos: configuration.nDemos, seed: configuration.seed,
                                strict: strictDemos)
        if configuration.mode == .validation {
            guard plan.validationCount > 0 else { throw LoaderError.emptyDataset(path: tasks.map(\.path).joined(separator: ", ")) }
            batchCount = (plan.validationCount + configuration.batchSize - 1) / configuration.batchSize
        } else {
            batchCount = nil
        }
        queue = PrefetchState(capacity: configuration.prefetchBatches, limit: batchCount)
        // An image and a goal per sample of every batch that can be in flight, ready, or with the consumer.
        pool = SampleBufferPool(limit: 2 * configuration.batchSize * (configuration.prefetchBatches + configuration.workers + 2))
    }

    /// A loader over one task's dataset (a folder of shards, or one shard). Asking for more `nDemos` than it
    /// holds is an error, as in CLIPort's single-task dataset.
    public convenience init(path: String, configuration: LoaderConfiguration) throws {
        try self.init(tasks: [try TaskDataset(path: path)], configuration: configuration, strictDemos: true)
    }

    /// A loader over a dataset root holding `<task>-<split>/` folders: `group` is a multi-task group
    /// (`multi-all`, `multi-language-conditioned`, `multi-demo-conditioned`, `multi-attr-<task>`) or one task.
    public convenience init(root: String, group: String, split: Split, configuration: LoaderConfiguration) throws {
        let (tasks, weights) = try Loader.tasks(root: root, group: group, split: split)
        try self.init(tasks: tasks, weights: weights, configuration: configuration, strictDemos: tasks.count == 1)
    }

    /// The task datasets (listed) and sampling weights of `group` under a dataset root, as the loader
    /// reads them; throws before anything is sampled when a folder is missing or empty.
    public static func tasks(root: String, group: String, split: Split) throws -> (tasks: [TaskDataset], weights: [Double]?) {
        let names: [String]
        let weights: [Double]?
        if let g = TaskGroup.named(group) {
            names = g.tasks(split: split)
            weights = g.weights(split: split)
        } else if group.hasPrefix("multi-") {
            throw LoaderError.unknownGroup(group)
        } else {
            names = [group]
            weights = nil
        }
        let tasks = try names.map { task -> TaskDataset in
            let folder = TaskDataset.folder(root: root, task: task, split: split)
            let shards = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".hdf5") } ?? []
            guard !shards.isEmpty else {
                throw LoaderError.missingTaskFolder(folder: folder, task: task, split: split, group: group, root: root)
            }
            return try TaskDataset(path: folder, task: task)
        }
        return (tasks, weights)
    }

    deinit { stop() }

    /// The next batch, waiting for it if needed; nil at the end of a validation pass (never in training).
    public func next() throws -> LoaderBatch? {
        if !started { startWorkers() }
        return try queue.take()
    }

    /// Hands a batch the caller is done with back to the loader, whose workers then fill its image buffers
    /// again instead of allocating new ones (a fresh buffer costs a page fault per 4 KiB). Optional, and safe
    /// even if the caller keeps a copy of an image: arrays copy on write, so no sample ever changes.
    public func recycle(_ batch: consuming LoaderBatch) {
        for sample in batch.samples {
            pool.give(sample.image)
            if let goal = sample.goal { pool.give(goal) }
        }
    }

    /// Stops the workers (after the batch each is making) and waits for them.
    public func stop() {
        queue.stop()
        if started { workersDone.wait() }
    }

    private func startWorkers() {
        started = true
        let plan = self.plan, configuration = self.configuration, queue = self.queue, done = workersDone, pool = self.pool
        for w in 0..<configuration.workers {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                var worker = LoaderWorker(reader: StepReader(maxOpenFiles: configuration.maxOpenFiles), pool: pool)
                while let position = queue.claim() {
                    do {
                        let b = configuration.firstBatch + position * configuration.batchStride
                        queue.deliver(position, try Loader.makeBatch(b, plan: plan, configuration: configuration, worker: &worker))
                    } catch {
                        queue.fail(error)
                        return
                    }
                }
            }
            thread.name = "cliport-loader-\(w)"
            thread.start()
        }
    }

    /// Batch `b` of the stream.
    static func makeBatch(_ b: Int, plan: SamplingPlan, configuration: LoaderConfiguration, worker: inout LoaderWorker) throws -> LoaderBatch {
        let first = b * configuration.batchSize
        var samples: [LoaderSample] = []
        switch configuration.mode {
        case .training:
            for k in first..<(first + configuration.batchSize) {
                samples.append(try makeSample(plan.trainingDraw(k), plan: plan, configuration: configuration,
                                              augment: configuration.augment, worker: &worker))
            }
        case .validation:
            for k in first..<min(first + configuration.batchSize, plan.validationCount) {
                samples.append(try makeSample(plan.validationDraw(k), plan: plan, configuration: configuration, augment: false, worker: &worker))
            }
        }
        return LoaderBatch(index: b, samples: samples)
    }

    static func makeSample(_ draw: SamplingPlan.Draw, plan: SamplingPlan, configuration: LoaderConfiguration, augment: Bool,
                           worker: inout LoaderWorker) throws -> LoaderSample {
        let task = plan.tasks[draw.task]
        let slot = task.episodes[draw.episode]
        let goal = configuration.goalImages ? plan.goalIndex(task: draw.task, episode: draw.episode, step: draw.step) : nil
        try worker.reader.read(slot, step: draw.step, goal: goal, into: &worker.stored)
        var rng = draw.rng
        return SampleAssembler.assemble(worker.stored, task: task.task, episode: slot.index, step: draw.step,
                                        augmentation: augment ? configuration.augmentation : nil, rng: &rng,
                                        workspace: &worker.workspace)
    }
}

/// What one worker thread keeps from sample to sample: its reader (open shards, chunk buffers), the step it
/// last read (decoded images, overwritten in place) and its assembly workspace.
struct LoaderWorker {
    let reader: StepReader
    var stored = StoredStep()
    var workspace: AssemblyWorkspace

    init(reader: StepReader, pool: SampleBufferPool?) {
        self.reader = reader
        workspace = AssemblyWorkspace(pool: pool)
    }
}

/// The bounded, ordered hand-over between workers and the consumer. Workers claim stream positions in order,
/// never more than `capacity` ahead of the consumer; finished batches wait in a reorder buffer.
final class PrefetchState: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private let limit: Int?
    private var nextToClaim = 0
    private var nextToDeliver = 0
    private var ready: [Int: LoaderBatch] = [:]
    private var error: Error?
    private var stopped = false

    init(capacity: Int, limit: Int?) {
        self.capacity = capacity; self.limit = limit
    }

    private var exhausted: Bool { limit.map { nextToClaim >= $0 } ?? false }

    /// The next batch number to make, or nil when the worker should exit.
    func claim() -> Int? {
        condition.lock(); defer { condition.unlock() }
        while !stopped, error == nil, !exhausted, nextToClaim >= nextToDeliver + capacity { condition.wait() }
        if stopped || error != nil || exhausted { return nil }
        nextToClaim += 1
        return nextToClaim - 1
    }

    func deliver(_ b: Int, _ batch: LoaderBatch) {
        condition.lock(); defer { condition.unlock() }
        ready[b] = batch
        condition.broadcast()
    }

    func fail(_ e: Error) {
        condition.lock(); defer { condition.unlock() }
        if error == nil { error = e }
        condition.broadcast()
    }

    func stop() {
        condition.lock(); defer { condition.unlock() }
        stopped = true
        ready.removeAll()
        condition.broadcast()
    }

    func take() throws -> LoaderBatch? {
        condition.lock(); defer { condition.unlock() }
        while true {
            if let batch = ready.removeValue(forKey: nextToDeliver) {
                nextToDeliver += 1
                condition.broadcast()
                return batch
            }
            if let error { throw error }
            if let limit, nextToDeliver >= limit { return nil }
            if stopped { return nil }
            condition.wait()
        }
    }
}
