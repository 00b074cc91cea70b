import Dataset

/// Problems with a generation request, each naming the fix.
public enum RecorderError: Error, CustomStringConvertible, Equatable {
    case outputHoldsOtherData(path: String, found: String, requested: String)
    case outputNotAFolder(path: String)
    case seedRangeExhausted(split: String, episodes: Int)
    case nothingToDo(String)
    case unreadableManifest(path: String)
    case planMismatch(path: String, recorded: GenerationPlan, requested: GenerationPlan, nextFreeEpisode: Int? = nil)
    /// The folder's episodes were drawn with another `--look` than the one requested.
    case lookMismatch(path: String, recorded: String, requested: String)
    case badMachineShare(String)
    /// A worker process failed; `message` is its own error.
    case workerFailed(worker: Int, message: String)
    /// A worker process ended without reporting (`how`: "was killed by signal 9", "exited with status 1").
    case workerDied(worker: Int, how: String)

    public var description: String {
        switch self {
        case let .outputHoldsOtherData(path, found, requested):
            return "\(path) already holds \(found) data, not \(requested). Choose another --out folder "
                + "(e.g. the parent folder, where `cliport demos` makes <task>-<split>/) or move the existing data."
        case let .outputNotAFolder(path):
            return "\(path) exists and is not a folder. Give a folder with --out."
        case let .seedRangeExhausted(split, episodes):
            return "the \(split) split ran out of seeds at episode index \(episodes) (val seeds would reach the test "
                + "seeds at 10001, as CLIPort guards). Ask for fewer episodes."
        case let .nothingToDo(message):
            return message
        case let .unreadableManifest(path):
            return "\(path) is damaged (it records the generation plan of the folder); restore it, or move the folder away and generate again"
        case let .planMismatch(path, recorded, requested, next):
            var text = "\(path) is being generated as \(recorded.summary), not \(requested.summary): the plan decides which seeds "
                + "each shard holds, so it cannot change. To finish it, rerun with \(recorded.commandLine). To add episodes, "
                + "generate them into another folder"
            if let next { text += " with --first-episode \(next)" } else { text += " with --first-episode after its last seed" }
            return text + " and join both with `cliport dataset merge`."
        case let .lookMismatch(path, recorded, requested):
            return "\(path) is being generated with --look \(recorded), not --look \(requested): every picture of a dataset has "
                + "one look. To finish it, rerun with --look \(recorded); for the \(requested) look, generate into another folder."
        case let .badMachineShare(message):
            return message
        case let .workerFailed(worker, message):
            return "worker \(worker) failed: \(message)"
        case let .workerDied(worker, how):
            return "worker \(worker) \(how); finished episodes are kept, rerun the same command to continue"
        }
    }

    /// What happened, without the advice (for a note when the run got past it).
    public var what: String {
        if case let .workerDied(worker, how) = self { return "worker \(worker) \(how)" }
        return description
    }
}
