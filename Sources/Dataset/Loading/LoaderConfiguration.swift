/// How a `Loader` samples, augments and prefetches.
public struct LoaderConfiguration: Equatable, Codable, Sendable {
    public enum Mode: String, Codable, Sendable {
        /// Endless: a random task (weighted), a random episode, a random step, augmented (CLIPort's training).
        case training
        /// One pass over every step of every chosen episode in a fixed order, never augmented.
        case validation
    }

    public var mode: Mode
    public var batchSize: Int
    /// Fixes everything random: the episode subsets, the draws and the transforms.
    public var seed: Int
    /// Threads filling the prefetch queue. The batches do not depend on it.
    public var workers: Int
    /// Batches made ahead of the consumer, at most (in flight plus ready).
    public var prefetchBatches: Int
    /// Apply `augmentation` in training mode.
    public var augment: Bool
    public var augmentation: Augmentation
    /// Also read and transform the goal image (for image-goal agents; costs a second image read).
    public var goalImages: Bool
    /// CLIPort's `n_demos`: a fixed random subset of this many episodes per task; 0 means all.
    public var nDemos: Int
    /// Shards each worker keeps open at once (libhdf5 holds about 1.5 MiB of metadata cache per open file).
    public var maxOpenFiles: Int
    /// Training: the stream's batches are `firstBatch`, `firstBatch + batchStride`, … A resumed run starts
    /// where it stopped; rank r of K data-parallel processes takes every K-th batch from r.
    public var firstBatch: Int = 0
    public var batchStride: Int = 1

    public init(mode: Mode = .training, batchSize: Int = 1, seed: Int = 0, workers: Int = 2, prefetchBatches: Int = 4,
                augment: Bool = true, augmentation: Augmentation = .cliport, goalImages: Bool = false, nDemos: Int = 0,
                maxOpenFiles: Int = 4) {
        self.mode = mode; self.batchSize = batchSize; self.seed = seed; self.workers = workers
        self.prefetchBatches = prefetchBatches; self.augment = augment; self.augmentation = augmentation
        self.goalImages = goalImages; self.nDemos = nDemos; self.maxOpenFiles = maxOpenFiles
    }

    func validate() throws {
        guard batchSize >= 1 else { throw LoaderError.badConfiguration("batch size must be at least 1 (got \(batchSize))") }
        guard workers >= 1 else { throw LoaderError.badConfiguration("workers must be at least 1 (got \(workers))") }
        guard prefetchBatches >= 1 else { throw LoaderError.badConfiguration("prefetch must be at least 1 batch (got \(prefetchBatches))") }
        guard nDemos >= 0 else { throw LoaderError.badConfiguration("n-demos must be 0 (all) or more (got \(nDemos))") }
        guard firstBatch >= 0, batchStride >= 1 else {
            throw LoaderError.badConfiguration("batches start at 0 or later with a stride of 1 or more (got \(firstBatch), \(batchStride))")
        }
        guard mode == .training || (firstBatch == 0 && batchStride == 1) else {
            throw LoaderError.badConfiguration("a validation pass always starts at batch 0 with stride 1")
        }
        guard augmentation.maxAttempts >= 1 else { throw LoaderError.badConfiguration("augmentation needs at least 1 attempt") }
    }
}
