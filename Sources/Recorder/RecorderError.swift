/// Problems with a generation request, each naming the fix.
public enum RecorderError: Error, CustomStringConvertible, Equatable {
    case outputHoldsOtherData(path: String, found: String, requested: String)
    case outputNotAFolder(path: String)
    case seedRangeExhausted(split: String, episodes: Int)
    case nothingToDo(String)

    public var description: String {
        switch self {
        case let .outputHoldsOtherData(path, found, requested):
            return "\(path) already holds \(found) data, not \(requested). Choose another --out folder "
                + "(e.g. the parent folder, where `cliport demos` makes <task>-<split>/) or move the existing data."
        case let .outputNotAFolder(path):
            return "\(path) exists and is not a folder. Give a folder with --out."
        case let .seedRangeExhausted(split, episodes):
            return "the \(split) split ran out of seeds after \(episodes) episodes (val seeds would reach the test "
                + "seeds at 10001, as CLIPort guards). Ask for fewer episodes."
        case let .nothingToDo(message):
            return message
        }
    }
}
