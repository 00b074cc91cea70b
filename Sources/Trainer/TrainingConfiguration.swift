import Foundation
import Model

/// Everything that decides a training run's result, stored as RUN/config.json. Resuming compares the
/// stored configuration with the command's so a run is never continued with other settings.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    public var model: AgentModel
    /// Dataset folders (one per task) or, with `group`, one dataset root; absolute, so the same data named
    /// from another folder is the same setting.
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
    public var lossReduction: LossReduction
    /// The sentence encoder of language-conditioned models.
    public var textEncoder: InstructionEncoderKind
    /// CLIP weights imported with `cliport weights import` (the cliport model, or the clip text encoder).
    public var clipWeights: String?
    /// CLIP's BPE vocabulary (default datasets/clip/bpe_simple_vocab_16e6.txt.gz, fetched by `make setup`).
    public var clipVocabulary: String?
    /// The Hugging Face DistilBERT folder (model.safetensors, vocab.txt) of `--text-encoder distilbert`.
    public var textWeights: String?
    /// torchvision's ImageNet ResNet-50 weights (safetensors) of the RN50-BERT agents.
    public var visualWeights: String?
    /// How the frozen CLIP trunk's batch norms run in training steps (models that run CLIP's visual
    /// trunk; nil for the others): CLIPort's batch statistics by default.
    public var clipBatchNorm: CLIPBatchNorm?

    /// CLIPort's `save_steps` (cfg/train.yaml).
    public static let cliportSaveSteps = [1000, 2000, 3000, 4000, 5000, 7000, 10000, 20000, 40000, 80000, 120000,
                                          160000, 200000, 300000, 400000, 500000, 600000, 800000, 1_000_000, 1_200_000]

    // The ranges of the numeric settings: wide enough for any real run, narrow enough that no count,
    // index or duration derived from them overflows.
    public static let stepsRange = 1...1_000_000_000
    public static let batchRange = 1...1024
    public static let nDemosRange = 0...1_000_000
    public static let rotationsRange = 1...360
    /// Even sizes only.
    public static let cropSizeRange = 2...512
    public static let seedRange = 0...Int.max
    public static let lastEveryRange = 1...1_000_000_000
    public static let validationSamplesRange = 0...1_000_000
    /// (0, 4]: 1 is CLIPort's size.
    public static let widthLimit = 4.0
    /// (0, 1].
    public static let learningRateLimit: Float = 1

    public init(model: AgentModel, data: [String], group: String? = nil, validationData: [String] = [], nDemos: Int = 0,
                steps: Int, batch: Int = 1, width: Double = 1, rotations: Int = 36, cropSize: Int = 64, seed: Int = 0, learningRate: Float = 1e-4,
                saveSteps: [Int]? = nil, lastEvery: Int = 100, validationSamples: Int = 50, augment: Bool = true,
                textEncoder: InstructionEncoderKind? = nil, clipWeights: String? = nil, clipVocabulary: String? = nil,
                lossReduction: LossReduction = .sum, textWeights: String? = nil, visualWeights: String? = nil,
                clipBatchNorm: CLIPBatchNorm? = nil) {
        self.model = model; self.data = data.map(Self.absolutePath); self.group = group
        self.validationData = validationData.map(Self.absolutePath)
        self.nDemos = nDemos; self.steps = steps; self.batch = batch; self.width = width; self.seed = seed
        self.rotations = rotations; self.cropSize = cropSize
        self.learningRate = learningRate
        self.saveSteps = Self.effectiveSaveSteps(saveSteps ?? Self.cliportSaveSteps, steps: steps)
        self.lastEvery = lastEvery; self.validationSamples = validationSamples; self.augment = augment
        // CLIPort's agent reads instructions with CLIP; the others default to the weight-free encoder.
        self.textEncoder = textEncoder ?? model.defaultTextEncoder
        self.clipWeights = clipWeights.map(Self.absolutePath); self.clipVocabulary = clipVocabulary.map(Self.absolutePath)
        self.lossReduction = lossReduction
        self.textWeights = textWeights.map(Self.absolutePath); self.visualWeights = visualWeights.map(Self.absolutePath)
        self.clipBatchNorm = model.needsCLIPVisualTrunk ? clipBatchNorm ?? .batchStatistics : nil
    }

    /// Reads RUN/config.json and checkpoints; files written before `lossReduction` was recorded for the mean
    /// have no such key.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: TrainingSetting.self)
        model = try c.decode(AgentModel.self, forKey: .model)
        data = try c.decode([String].self, forKey: .data)
        group = try c.decodeIfPresent(String.self, forKey: .group)
        validationData = try c.decode([String].self, forKey: .validationData)
        nDemos = try c.decode(Int.self, forKey: .nDemos)
        steps = try c.decode(Int.self, forKey: .steps)
        batch = try c.decode(Int.self, forKey: .batch)
        width = try c.decode(Double.self, forKey: .width)
        rotations = try c.decode(Int.self, forKey: .rotations)
        cropSize = try c.decode(Int.self, forKey: .cropSize)
        seed = try c.decode(Int.self, forKey: .seed)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        saveSteps = try c.decode([Int].self, forKey: .saveSteps)
        lastEvery = try c.decode(Int.self, forKey: .lastEvery)
        validationSamples = try c.decode(Int.self, forKey: .validationSamples)
        augment = try c.decode(Bool.self, forKey: .augment)
        lossReduction = try c.decodeIfPresent(LossReduction.self, forKey: .lossReduction) ?? .mean
        textEncoder = try c.decode(InstructionEncoderKind.self, forKey: .textEncoder)
        clipWeights = try c.decodeIfPresent(String.self, forKey: .clipWeights)
        clipVocabulary = try c.decodeIfPresent(String.self, forKey: .clipVocabulary)
        textWeights = try c.decodeIfPresent(String.self, forKey: .textWeights)
        visualWeights = try c.decodeIfPresent(String.self, forKey: .visualWeights)
        // Runs written before the setting kept CLIP in eval mode.
        clipBatchNorm = try c.decodeIfPresent(CLIPBatchNorm.self, forKey: .clipBatchNorm)
            ?? (model.needsCLIPVisualTrunk ? .runningStatistics : nil)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: TrainingSetting.self)
        try c.encode(model, forKey: .model); try c.encode(data, forKey: .data); try c.encodeIfPresent(group, forKey: .group)
        try c.encode(validationData, forKey: .validationData); try c.encode(nDemos, forKey: .nDemos)
        try c.encode(steps, forKey: .steps); try c.encode(batch, forKey: .batch); try c.encode(width, forKey: .width)
        try c.encode(rotations, forKey: .rotations); try c.encode(cropSize, forKey: .cropSize); try c.encode(seed, forKey: .seed)
        try c.encode(learningRate, forKey: .learningRate); try c.encode(saveSteps, forKey: .saveSteps)
        try c.encode(lastEvery, forKey: .lastEvery); try c.encode(validationSamples, forKey: .validationSamples)
        try c.encode(augment, forKey: .augment); try c.encode(lossReduction, forKey: .lossReduction)
        try c.encode(textEncoder, forKey: .textEncoder); try c.encodeIfPresent(clipWeights, forKey: .clipWeights)
        try c.encodeIfPresent(clipVocabulary, forKey: .clipVocabulary); try c.encodeIfPresent(textWeights, forKey: .textWeights)
        try c.encodeIfPresent(visualWeights, forKey: .visualWeights)
        try c.encodeIfPresent(clipBatchNorm, forKey: .clipBatchNorm)
    }

    static func effectiveSaveSteps(_ steps: [Int], steps total: Int) -> [Int] {
        Array(Set(steps.filter { $0 > 0 && $0 < total } + [total])).sorted()
    }

    /// `path` made absolute against the current folder, without `.`, `..` or a trailing slash.
    static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    func validate() throws {
        guard !data.isEmpty else { throw TrainerError.noData }
        func check(_ setting: TrainingSetting, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw TrainerError.settingOutOfRange(setting, value: "\(value)", range: "\(range.lowerBound)...\(range.upperBound)")
            }
        }
        try check(.steps, steps, Self.stepsRange)
        try check(.batch, batch, Self.batchRange)
        try check(.nDemos, nDemos, Self.nDemosRange)
        try check(.rotations, rotations, Self.rotationsRange)
        try check(.cropSize, cropSize, Self.cropSizeRange)
        guard cropSize % 2 == 0 else { throw TrainerError.settingOutOfRange(.cropSize, value: "\(cropSize)", range: "even sizes") }
        try check(.seed, seed, Self.seedRange)
        try check(.lastEvery, lastEvery, Self.lastEveryRange)
        try check(.validationSamples, validationSamples, Self.validationSamplesRange)
        guard width > 0, width <= Self.widthLimit else {
            throw TrainerError.settingOutOfRange(.width, value: "\(width)", range: "(0, \(Self.widthLimit)]")
        }
        guard learningRate > 0, learningRate <= Self.learningRateLimit else {
            throw TrainerError.settingOutOfRange(.learningRate, value: "\(learningRate)", range: "(0, \(Self.learningRateLimit)]")
        }
        if group != nil, data.count != 1 { throw TrainerError.groupNeedsOneRoot(count: data.count) }
    }

    /// The settings that differ from `other` (the command's), or none. How long the run goes, when it saves
    /// and how much it validates may change between sessions: they do not change the weights.
    func differences(from other: TrainingConfiguration) -> [SettingDifference] {
        let paths = { (list: [String]) in list.map(Self.absolutePath).joined(separator: " ") }
        let settings: [(TrainingSetting, (TrainingConfiguration) -> String)] = [
            (.model, { $0.model.rawValue }), (.data, { paths($0.data) }), (.group, { $0.group ?? "" }),
            (.nDemos, { "\($0.nDemos)" }), (.batch, { "\($0.batch)" }), (.width, { "\($0.width)" }),
            (.rotations, { "\($0.rotations)" }), (.cropSize, { "\($0.cropSize)" }), (.seed, { "\($0.seed)" }),
            (.learningRate, { "\($0.learningRate)" }), (.augment, { "\($0.augment)" }), (.textEncoder, { $0.textEncoder.rawValue }),
            (.lossReduction, { $0.lossReduction.rawValue }), (.clipBatchNorm, { $0.clipBatchNorm?.rawValue ?? "" }),
        ]
        return settings.filter { $0.1(self) != $0.1(other) }
            .map { SettingDifference(setting: $0.0, stored: $0.1(self), requested: $0.1(other)) }
    }
}
