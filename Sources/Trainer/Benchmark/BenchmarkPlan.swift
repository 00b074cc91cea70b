import Core
import Foundation
import Sim

/// Everything that decides a benchmark's table, stored as OUT/plan.json (snake_case keys). A rerun into the
/// same folder must ask for the same plan: it continues the work the plan describes, and a changed plan
/// would mix runs of different settings into one table.
public struct BenchmarkPlan: Codable, Equatable, Sendable {
    /// The tasks trained on (each a single-task model, all together the multi-task model).
    public var tasks: [String]
    /// The tasks that also get a single-task run (nil: every task), when the mode trains single-task models.
    public var singleTasks: [String]?
    /// Train episodes per task (CLIPort's n_demos) and val episodes per task (validation losses).
    public var nDemos: Int
    public var valDemos: Int
    public var model: AgentModel
    /// The sentence encoder (nil: the model's default) and CLIP's files for the agents that read them.
    public var textEncoder: InstructionEncoderKind?
    public var clipWeights: String?
    public var clipVocab: String?
    /// The training budget: single-task steps, multi-task steps, save steps (nil: CLIPort's), and the recipe.
    public var steps: Int
    public var multiSteps: Int
    public var saveSteps: [Int]?
    public var batch: Int
    public var width: Double
    public var rotations: Int
    /// The transport crop side (CLIPort's 64).
    public var cropSize: Int
    public var lr: Float
    public var loss: LossReduction
    public var seed: Int
    /// Validation examples per task scored at each save step (the metrics' validation losses).
    public var valSamples: Int
    public var mode: BenchmarkMode
    /// Rollouts per checkpoint on val, and of the best checkpoint on test.
    public var valEpisodes: Int
    public var testEpisodes: Int
    /// Also score every model on the unseen variant of each task that has one.
    public var unseen: Bool
    /// How the simulator draws data and rollouts; CLIPort's google-objects assets (nil: built-in objects).
    public var look: SceneLook
    public var assets: String?
    /// The dataset root holding `<task>-<split>/` folders (absolute).
    public var data: String

    public static let fileFormat = "cliport-benchmark-plan-1"

    public init(tasks: [String] = LanguageTaskFamilies.seen, singleTasks: [String]? = nil, nDemos: Int = 100, valDemos: Int = 10, model: AgentModel = .transporterLang,
                textEncoder: InstructionEncoderKind? = nil, clipWeights: String? = nil, clipVocab: String? = nil,
                steps: Int, multiSteps: Int? = nil, saveSteps: [Int]? = nil, batch: Int = 1, width: Double = 1, rotations: Int = 36,
                cropSize: Int = 64, lr: Float = 1e-4, loss: LossReduction = .sum, seed: Int = 0, valSamples: Int = 50, mode: BenchmarkMode = .both,
                valEpisodes: Int = 100, testEpisodes: Int = 100, unseen: Bool = false, look: SceneLook = .cliport,
                assets: String? = nil, data: String) {
        self.tasks = tasks; self.singleTasks = singleTasks; self.nDemos = nDemos; self.valDemos = valDemos; self.model = model; self.textEncoder = textEncoder
        self.clipWeights = clipWeights.map(TrainingConfiguration.absolutePath)
        self.clipVocab = clipVocab.map(TrainingConfiguration.absolutePath)
        self.steps = steps; self.multiSteps = multiSteps ?? steps; self.saveSteps = saveSteps; self.batch = batch; self.width = width
        self.rotations = rotations; self.cropSize = cropSize; self.lr = lr; self.loss = loss; self.seed = seed; self.valSamples = valSamples; self.mode = mode
        self.valEpisodes = valEpisodes; self.testEpisodes = testEpisodes; self.unseen = unseen; self.look = look
        self.assets = assets.map(TrainingConfiguration.absolutePath); self.data = TrainingConfiguration.absolutePath(data)
    }

    /// The tasks trained one at a time: none in multi mode, else `singleTasks` (or every task), in `tasks`' order.
    public var singleTaskRuns: [String] {
        guard mode.trainsSingle else { return [] }
        return tasks.filter { singleTasks?.contains($0) ?? true }
    }

    /// The tasks a model trained on `task` is scored on: the task, and its unseen variant with `unseen`.
    public func evaluationTasks(for task: String) -> [String] {
        [task] + (unseen ? LanguageTaskFamilies.unseenVariant(of: task).map { [$0] } ?? [] : [])
    }

    /// Every task scored, in table order: each task, then its unseen variant.
    public var scoredTasks: [String] { tasks.flatMap(evaluationTasks(for:)) }

    /// Refuses a plan no run could follow, naming the setting (by its plan.json key).
    public func validate() throws {
        guard !tasks.isEmpty else { throw BenchmarkError.badPlan("no tasks: name at least one") }
        if let twice = tasks.first(where: { t in tasks.filter { $0 == t }.count > 1 }) {
            throw BenchmarkError.badPlan("the task \(twice) is listed twice")
        }
        if let singleTasks {
            guard !singleTasks.isEmpty else { throw BenchmarkError.badPlan("single_tasks is empty: name at least one task, or leave it out for all") }
            if let stray = singleTasks.first(where: { !tasks.contains($0) }) {
                throw BenchmarkError.badPlan("the single-task run \(stray) is not one of the tasks (\(tasks.joined(separator: " ")))")
            }
        }
        for task in scoredTasks where (try? TaskRegistry.task(named: task)) == nil {
            throw BenchmarkError.badPlan("unknown task '\(task)'; `cliport tasks` lists them")
        }
        guard nDemos >= 1 else { throw BenchmarkError.badPlan("n_demos must be at least 1 (got \(nDemos))") }
        guard valDemos >= 0 else { throw BenchmarkError.badPlan("val_demos must be 0 or more (got \(valDemos))") }
        guard Evaluator.episodesRange.contains(valEpisodes), Evaluator.episodesRange.contains(testEpisodes) else {
            throw BenchmarkError.badPlan("val_episodes and test_episodes must be in \(Evaluator.episodesRange) (got \(valEpisodes), \(testEpisodes))")
        }
        if model.needsGoalImage {
            throw BenchmarkError.badPlan("the \(model.rawValue) agent acts towards a goal image, which rollouts from a seed do not have; choose another model")
        }
        let c = configuration(data: [data], steps: steps)
        try c.validate()
        try configuration(data: [data], steps: multiSteps).validate()
        // The frozen parts' files are checked now, not after hours of data generation.
        if c.model.needsCLIPVisualTrunk || (c.model.isLanguageConditioned && c.textEncoder == .clip) {
            guard let clipWeights else { throw BenchmarkError.badPlan(TrainerError.clipWeightsRequired.description) }
            guard FileManager.default.fileExists(atPath: clipWeights) else {
                throw BenchmarkError.badPlan("no CLIP weights at \(clipWeights); import them with `cliport weights import` (docs/weights.md)")
            }
        }
        if c.model.isRN50BERT || (c.model.isLanguageConditioned && [.distilbert, .distilbertUntrained].contains(c.textEncoder)) {
            throw BenchmarkError.badPlan("the benchmark takes no DistilBERT or ImageNet weights yet: choose the hashed-ngrams or clip text encoder "
                                         + "and a model without RN50-BERT (train those with `cliport train`)")
        }
    }

    /// The training configuration of a run over `data` (dataset folders) for `steps` steps.
    public func configuration(data: [String], steps: Int) -> TrainingConfiguration {
        TrainingConfiguration(model: model, data: data, nDemos: nDemos, steps: steps, batch: batch, width: width, rotations: rotations,
                              cropSize: cropSize, seed: seed, learningRate: lr, saveSteps: saveSteps, validationSamples: valSamples,
                              textEncoder: textEncoder, clipWeights: clipWeights, clipVocabulary: clipVocab, lossReduction: loss)
    }

    /// The settings (plan.json keys) whose values differ from `other`'s, with this plan's and the other's values.
    public func differences(from other: BenchmarkPlan) -> [(key: String, stored: String, requested: String)] {
        zip(settings, other.settings).compactMap { mine, theirs in mine.value == theirs.value ? nil : (mine.key, mine.value, theirs.value) }
    }

    /// Each setting as text, by its plan.json key, in the command's order.
    var settings: [(key: String, value: String)] {
        let none = "(none)"
        return [
            ("tasks", tasks.joined(separator: " ")), ("single_tasks", singleTasks?.joined(separator: " ") ?? none), ("n_demos", "\(nDemos)"), ("val_demos", "\(valDemos)"), ("model", model.rawValue),
            ("text_encoder", textEncoder?.rawValue ?? none), ("clip_weights", clipWeights ?? none), ("clip_vocab", clipVocab ?? none),
            ("steps", "\(steps)"), ("multi_steps", "\(multiSteps)"),
            ("save_steps", saveSteps.map { $0.map(String.init).joined(separator: " ") } ?? none), ("batch", "\(batch)"),
            ("width", "\(width)"), ("rotations", "\(rotations)"), ("crop_size", "\(cropSize)"), ("lr", "\(lr)"), ("loss", loss.rawValue), ("seed", "\(seed)"),
            ("val_samples", "\(valSamples)"), ("mode", mode.rawValue), ("val_episodes", "\(valEpisodes)"),
            ("test_episodes", "\(testEpisodes)"), ("unseen", "\(unseen)"), ("look", look.rawValue), ("assets", assets ?? none),
            ("data", data),
        ]
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
