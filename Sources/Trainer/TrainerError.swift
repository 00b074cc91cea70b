/// What stops training or evaluation, each with the fix. Settings are named as RUN/config.json names
/// them (`TrainingSetting`); the command line says which of its options they are.
public enum TrainerError: Error, CustomStringConvertible, Equatable {
    case unknownModel(String)
    case clipWeightsRequired
    /// `--text-encoder distilbert` without `--text-weights`.
    case textWeightsRequired
    /// An RN50-BERT agent without ImageNet ResNet-50 weights.
    case visualWeightsRequired(String)
    /// An image-goal agent asked to act without a goal image.
    case goalImageRequired(String)
    case noData
    /// No validation folder: none named and no `-val` sibling.
    case noValidationData
    /// A setting outside its range (`range` says it: "1...1000", "(0, 4]", "even sizes").
    case settingOutOfRange(TrainingSetting, value: String, range: String)
    /// A group is read from one dataset root.
    case groupNeedsOneRoot(count: Int)
    case runExists(path: String, differences: [SettingDifference])
    case notARun(path: String)
    case noCheckpoints(run: String)
    case noValidationResults(run: String, task: String)
    /// A run's last.hdf5 cannot be read; `newestValid` is the newest save-step checkpoint that can.
    case damagedCheckpoint(path: String, reason: String, newestValid: String?)
    case badOption(String)
    case ranksDisagree(step: Int)

    public var description: String {
        switch self {
        case .unknownModel(let name):
            return "unknown model '\(name)'; choose one of: \(AgentModel.allCases.map(\.rawValue).joined(separator: ", "))"
        case .clipWeightsRequired:
            return "the cliport model and every agent with a CLIP stream (clip-*, two-stream-clip-*) need CLIP's RN50 weights: import them once with `cliport weights import RN50.pt` (OpenAI's file; see docs/weights.md) and pass --clip-weights FILE (transporter and transporter-lang need none)"
        case .textWeightsRequired:
            return "--text-encoder distilbert (and distilbert-untrained, for its vocabulary) reads a Hugging Face distilbert-base-uncased folder (model.safetensors, vocab.txt): pass it as --text-weights DIR"
        case .visualWeightsRequired(let name):
            return "the \(name) agent runs torchvision's ImageNet ResNet-50: pass its weights (torchvision's resnet50 state dict saved as safetensors) as --visual-weights FILE (the untrained RN50-BERT agent needs none)"
        case .goalImageRequired(let name):
            return "the \(name) agent acts towards a goal image, the demonstration's goal observation (datasets store it): rollouts from a seed alone have none, so `cliport eval` cannot score it; use Agent.act(heightmap:instruction:goal:)"
        case .noData:
            return "no training data: pass --data with a dataset folder made by `cliport demos` (one or more), or a dataset root with --group"
        case .noValidationData:
            return "no validation data: name validation folders, or put a <task>-val folder beside each <task>-train folder"
        case let .settingOutOfRange(setting, value, range):
            return "the setting \(setting.rawValue) must be in \(range) (got \(value))"
        case .groupNeedsOneRoot(let count):
            return "a task group is read from one dataset root, but \(count) data folders were given"
        case let .runExists(path, differences):
            let list = differences.map { "\($0.setting.rawValue) \($0.requested) where the run has \($0.stored)" }
            return "\(path) holds a run with other settings (\(list.joined(separator: "; "))); continue it with the same settings, or train in another folder"
        case .notARun(let path):
            return "\(path) is not a training run (no config.json); make one with `cliport train --out \(path) ...`"
        case .noCheckpoints(let run):
            return "\(run) has no checkpoints yet; train longer (checkpoints are written at CLIPort's save steps and as last.hdf5)"
        case let .noValidationResults(run, task):
            return "no validation results for \(task) in \(run); run `cliport eval --run \(run) --task \(task) --split val` first, it picks the best checkpoint for test"
        case let .damagedCheckpoint(path, reason, newestValid):
            let start = "\(path) cannot be read (\(reason)); it was cut short or damaged after it was written. "
            guard let newestValid else {
                return start + "No valid steps=*.hdf5 checkpoint is left beside it: move \(path) aside and run the same command to train from step 0"
            }
            return start + "The newest valid checkpoint is \(newestValid): resume from it with `cp \(newestValid) \(path)` and the same command"
        case .badOption(let message):
            return message
        case .ranksDisagree(let step):
            return "data-parallel ranks hold different weights at step \(step); every rank must run the same command on the same data"
        }
    }
}
