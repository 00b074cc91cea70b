import Geometry

/// Which (task, episode, step) each sample of the stream is, as a pure function of the seed and the
/// sample's position, so any worker can make any sample and the stream never depends on the worker count.
public struct SamplingPlan: Sendable {
    /// One draw: indices into `tasks` and into that task's `chosen` episodes, the step, and the sample's
    /// random stream (continued by the augmentation).
    public struct Draw {
        public var task: Int
        public var episode: Int
        public var step: Int
        public var rng: SeededGenerator
    }

    public let tasks: [TaskDataset]
    /// Per task: positions in `tasks[t].episodes` of the episodes that may be sampled (CLIPort's `sample_set`).
    public let chosen: [[Int]]
    /// Per task: sampling probability (training).
    public let weights: [Double]
    public let seed: Int
    private let cumulativeWeights: [Double]
    /// Validation: the first flat step index of each (task, chosen episode), in order.
    private let validationStarts: [(task: Int, episode: Int, start: Int)]
    public let validationCount: Int

    /// `nDemos` > 0 keeps that many random episodes per task. With `strict`, fewer is an error (CLIPort's
    /// single-task dataset); otherwise a task keeps all it has (its multi-task dataset takes the minimum).
    public init(tasks: [TaskDataset], weights: [Double]? = nil, nDemos: Int, seed: Int, strict: Bool) throws {
        guard !tasks.isEmpty else { throw LoaderError.badConfiguration("no task to sample from") }
        self.tasks = tasks
        self.seed = seed
        let w = weights ?? Array(repeating: 1 / Double(tasks.count), count: tasks.count)
        guard w.count == tasks.count, w.allSatisfy({ $0 >= 0 }), w.reduce(0, +) > 0 else {
            throw LoaderError.badConfiguration("need one non-negative weight per task")
        }
        let total = w.reduce(0, +)
        self.weights = w.map { $0 / total }
        var running = 0.0
        cumulativeWeights = self.weights.map { running += $0; return running }
        chosen = try tasks.map { task in
            let n = task.episodes.count
            guard nDemos > 0 else { return Array(0..<n) }
            if nDemos > n {
                if strict { throw LoaderError.notEnoughEpisodes(path: task.path, available: n, requested: nDemos) }
                return Array(0..<n)
            }
            // A partial Fisher-Yates shuffle seeded by the loader seed and the task name.
            var rng = SeededGenerator(seed: UInt64(bitPattern: Int64(seed)) ^ SamplingPlan.hash(task.task))
            var indices = Array(0..<n)
            for i in 0..<nDemos { indices.swapAt(i, i + Int(rng.next() % UInt64(n - i))) }
            return Array(indices[0..<nDemos]).sorted()
        }
        var starts: [(Int, Int, Int)] = []
        var count = 0
        for (t, list) in chosen.enumerated() {
            for e in list {
                starts.append((t, e, count))
                count += tasks[t].episodes[e].numSteps
            }
        }
        validationStarts = starts
        validationCount = count
    }

    /// FNV-1a: a hash that is the same in every process (Swift's `hashValue` is not).
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The random stream of sample `k`.
    public func generator(sample k: Int) -> SeededGenerator {
        SeededGenerator(seed: (UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(bitPattern: Int64(k)) &+ 0x632B_E59B_D9B4_E019))
    }

    /// Training draw `k`: a task by weight, a uniform episode of its chosen set, a uniform step.
    public func trainingDraw(_ k: Int) -> Draw {
        var rng = generator(sample: k)
        var task = 0
        if tasks.count > 1 {
            let u = rng.uniform()
            task = cumulativeWeights.firstIndex { u < $0 } ?? tasks.count - 1
        }
        let list = chosen[task]
        let episode = list[min(Int(rng.uniform() * Double(list.count)), list.count - 1)]
        let steps = tasks[task].episodes[episode].numSteps
        let step = min(Int(rng.uniform() * Double(steps)), steps - 1)
        return Draw(task: task, episode: episode, step: step, rng: rng)
    }

    /// Validation item `k` (0..<validationCount): tasks in order, chosen episodes in order, every step.
    public func validationDraw(_ k: Int) -> Draw {
        precondition(k >= 0 && k < validationCount, "validation item out of range")
        var lo = 0, hi = validationStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if validationStarts[mid].start <= k { lo = mid } else { hi = mid - 1 }
        }
        let s = validationStarts[lo]
        return Draw(task: s.task, episode: s.episode, step: k - s.start, rng: generator(sample: k))
    }

    /// The goal observation of a step: the next one for "-seq" tasks, else the one after the last action.
    public func goalIndex(task: Int, episode: Int, step: Int) -> Int {
        tasks[task].isSequential ? step + 1 : tasks[task].episodes[episode].numSteps
    }
}
