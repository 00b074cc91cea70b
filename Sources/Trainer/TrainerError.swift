/// What stops training or evaluation, each with the fix.
public enum TrainerError: Error, CustomStringConvertible, Equatable {
    case unknownModel(String)
    case clipWeightsRequired
    case noData
    case runExists(path: String, reason: String)
    case notARun(path: String)
    case noCheckpoints(run: String)
    case noValidationResults(run: String, task: String)
    case badOption(String)
    case ranksDisagree(step: Int)

    public var description: String {
        switch self {
        case .unknownModel(let name):
            return "unknown model '\(name)'; choose one of: \(AgentModel.allCases.map(\.rawValue).joined(separator: ", "))"
        case .clipWeightsRequired:
            return "the cliport model needs CLIP's RN50 weights: import them once with `cliport weights import RN50.safetensors` and pass --clip-weights FILE (transporter and transporter-lang need none)"
        case .noData:
            return "no training data: pass --data with a dataset folder made by `cliport demos` (one or more), or a dataset root with --group"
        case let .runExists(path, reason):
            return "\(path) holds a run with other settings (\(reason)); continue it with the same options, or choose another --out"
        case .notARun(let path):
            return "\(path) is not a training run (no config.json); make one with `cliport train --out \(path) ...`"
        case .noCheckpoints(let run):
            return "\(run) has no checkpoints yet; train longer (checkpoints are written at CLIPort's save steps and as last.hdf5)"
        case let .noValidationResults(run, task):
            return "no validation results for \(task) in \(run); run `cliport eval --run \(run) --task \(task) --split val` first, it picks the best checkpoint for test"
        case .badOption(let message):
            return message
        case .ranksDisagree(let step):
            return "data-parallel ranks hold different weights at step \(step); every rank must run the same command on the same data"
        }
    }
}
