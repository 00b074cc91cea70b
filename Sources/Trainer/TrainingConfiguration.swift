import Foundation

/// Everything that decides a training run's result, stored as RUN/config.json. Resuming compares the
/// stored configuration with the command's so a run is never continued with other settings.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    public var model: AgentModel
    /// Dataset folders (one per task) or, with `group`, one dataset root.
    public var data: [String]
    /// A multi-task group of the loader (`multi-language-conditioned`, …) read from the root in `data`.
    public var group: String?
    /// Validation folders; empty means the `-val` sibling of each `-train` folder when it exists.
    public var validationData: [String]
    public var nDemos: Int
    public var steps: Int
    /// Examples per optimiser step on each process (the effective batch is batch x processes).
    public var batch: Int
    public var width: Double
    /// Place rotations (CLIPort's `n_rotations`, 36) and the transport crop side (64).
    public var rotations: Int
    public var cropSize: Int
    public var seed: Int
    public var learningRate: Float
    /// CLIPort's save steps, cut at `steps` (plus `steps` itself).
    public var saveSteps: [Int]
    /// last.hdf5 is rewritten every this many steps (and when the run ends or is interrupted).
    public var lastEvery: Int
    /// Validation examples scored at each save step (0: none).
    public var validationSamples: Int
    public var augment: Bool
    /// How each loss reduces over its logits: "mean" (CLIPort's code: the cross-entropy divided by the
    /// number of logits, 51,200 for the pick and 1.8 M for the place) or "sum" (the cross-entropy itself;
    /// CLIPort's comment says both work equally well). With "mean" most gradients start below Adam's
    /// epsilon (1e-8) and learning is slow; "sum" keeps Adam in its scale-free regime. nil means "mean".
    public var lossReduction: String?
    /// The sentence encoder of language-conditioned models: "hashed-ngrams" (no weights) or "clip".
    public var textEncoder: String
    /// CLIP weights imported with `cliport weights import` (the cliport model, or the clip text encoder).
    public var clipWeights: String?
    /// CLIP's BPE vocabulary (default datasets/clip/bpe_simple_vocab_16e6.txt.gz, fetched by `make setup`).
    public var clipVocabulary: String?

    /// CLIPort's `save_steps` (cfg/train.yaml).
    public static let cliportSaveSteps = [1000, 2000, 3000, 4000, 5000, 7000, 10000, 20000, 40000, 80000, 120000,
                                          160000, 200000, 300000, 400000, 500000, 600000, 800000, 1_000_000, 1_200_000]

    public init(model: AgentModel, data: [String], group: String? = nil, validationData: [String] = [], nDemos: Int = 0,
                steps: Int, batch: Int = 1, width: Double = 1, rotations: Int = 36, cropSize: Int = 64, seed: Int = 0, learningRate: Float = 1e-4,
                saveSteps: [Int]? = nil, lastEvery: Int = 100, validationSamples: Int = 50, augment: Bool = true,
                textEncoder: String? = nil, clipWeights: String? = nil, clipVocabulary: String? = nil,
                lossReduction: String? = nil) {
        self.model = model; self.data = data; self.group = group; self.validationData = validationData
        self.nDemos = nDemos; self.steps = steps; self.batch = batch; self.width = width; self.seed = seed
        self.rotations = rotations; self.cropSize = cropSize
        self.learningRate = learningRate
        self.saveSteps = Self.effectiveSaveSteps(saveSteps ?? Self.cliportSaveSteps, steps: steps)
        self.lastEvery = lastEvery; self.validationSamples = validationSamples; self.augment = augment
        // CLIPort's agent reads instructions with CLIP; the others default to the weight-free encoder.
        self.textEncoder = textEncoder ?? (model == .cliport ? "clip" : "hashed-ngrams")
        self.clipWeights = clipWeights; self.clipVocabulary = clipVocabulary
        self.lossReduction = lossReduction == "mean" ? nil : lossReduction
    }

    static func effectiveSaveSteps(_ steps: [Int], steps total: Int) -> [Int] {
        Array(Set(steps.filter { $0 > 0 && $0 < total } + [total])).sorted()
    }

    func validate() throws {
        guard !data.isEmpty else { throw TrainerError.noData }
        guard steps >= 1 else { throw TrainerError.badOption("--steps must be at least 1 (got \(steps))") }
        guard batch >= 1 else { throw TrainerError.badOption("--batch must be at least 1 (got \(batch))") }
        guard width > 0, width <= 4 else { throw TrainerError.badOption("--width must be in (0, 4] (got \(width)); 1 is CLIPort's size") }
        guard rotations >= 1 else { throw TrainerError.badOption("--rotations must be at least 1 (got \(rotations))") }
        guard cropSize >= 2, cropSize % 2 == 0 else { throw TrainerError.badOption("the crop size must be even (got \(cropSize))") }
        guard lastEvery >= 1 else { throw TrainerError.badOption("--last-every must be at least 1 (got \(lastEvery))") }
        guard [nil, "sum"].contains(lossReduction) else {
            throw TrainerError.badOption("--loss must be mean or sum (got \(lossReduction!))")
        }
        guard learningRate > 0 else { throw TrainerError.badOption("--lr must be positive (got \(learningRate))") }
        if group != nil, data.count != 1 { throw TrainerError.badOption("--group reads one dataset root: pass exactly one --data") }
    }

    /// The settings that differ from `other`, by option name; nil when none does. How long the run goes,
    /// when it saves and how much it validates may change between sessions: they do not change the weights.
    func difference(from other: TrainingConfiguration) -> String? {
        let settings: [(String, (TrainingConfiguration) -> String)] = [
            ("--model", { $0.model.rawValue }), ("--data", { $0.data.joined(separator: " ") }), ("--group", { $0.group ?? "" }),
            ("--n-demos", { "\($0.nDemos)" }), ("--batch", { "\($0.batch)" }), ("--width", { "\($0.width)" }),
            ("--rotations", { "\($0.rotations)" }), ("--crop-size", { "\($0.cropSize)" }), ("--seed", { "\($0.seed)" }),
            ("--lr", { "\($0.learningRate)" }), ("--no-augment", { "\(!$0.augment)" }), ("--text-encoder", { $0.textEncoder }),
            ("--loss", { $0.lossReduction ?? "mean" }),
        ]
        let differing = settings.filter { $0.1(self) != $0.1(other) }
            .map { "\($0.0) \($0.1(other)) where the run has \($0.1(self))" }
        return differing.isEmpty ? nil : differing.joined(separator: "; ")
    }
}
