import ArgumentParser
import Core
import Model
import Trainer

// The training settings with a fixed set of values, as command-line arguments (their raw values).
extension AgentModel: ExpressibleByArgument {
    /// Our name, CLIPort's (with `_`), or an alias (`two_stream_clip_lingunet_lat_transporter` is `cliport`).
    public init?(argument: String) {
        guard let model = try? AgentModel.named(argument) else { return nil }
        self = model
    }
}
extension LossReduction: ExpressibleByArgument {}
extension InstructionEncoderKind: ExpressibleByArgument {}
extension CLIPBatchNorm: ExpressibleByArgument {}

extension TrainingSetting {
    /// The `cliport train` option that sets it.
    var option: String {
        switch self {
        case .textWeights: return "--text-weights"
        case .visualWeights: return "--visual-weights"
        case .model: return "--model"
        case .data: return "--data"
        case .group: return "--group"
        case .validationData: return "--val-data"
        case .nDemos: return "--n-demos"
        case .steps: return "--steps"
        case .batch: return "--batch"
        case .width: return "--width"
        case .rotations: return "--rotations"
        case .cropSize: return "--crop-size"
        case .seed: return "--seed"
        case .learningRate: return "--lr"
        case .saveSteps: return "--save-steps"
        case .lastEvery: return "--last-every"
        case .validationSamples: return "--val-samples"
        case .augment: return "--no-augment"
        case .lossReduction: return "--loss"
        case .textEncoder: return "--text-encoder"
        case .clipWeights: return "--clip-weights"
        case .clipVocabulary: return "--clip-vocab"
        case .clipBatchNorm: return "--clip-batchnorm"
        }
    }

    /// A value of the setting as the option gives it (`--no-augment` is augmentation off).
    func optionValue(_ value: String) -> String {
        guard self == .augment else { return value }
        return value == "true" ? "false" : "true"
    }
}

/// A trainer error told in `cliport train`'s options rather than the settings' names.
struct TrainingCommandMessage: Error, CustomStringConvertible {
    var description: String

    init(_ error: TrainerError) {
        switch error {
        case let .runExists(path, differences):
            let list = differences.map {
                "\($0.setting.option) \($0.setting.optionValue($0.requested)) where the run has \($0.setting.optionValue($0.stored))"
            }
            description = "\(path) holds a run with other settings (\(list.joined(separator: "; "))); "
                + "continue it with the same options, or choose another --out"
        case let .settingOutOfRange(setting, value, range):
            description = "\(setting.option) must be in \(range) (got \(value))"
        case .groupNeedsOneRoot:
            description = "--group reads one dataset root: pass exactly one --data"
        default:
            description = error.description
        }
    }
}
