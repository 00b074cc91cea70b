/// What stops a benchmark, each with the fix. Settings are named by their plan.json keys; the command line
/// says which of its options they are.
public enum BenchmarkError: Error, CustomStringConvertible, Equatable {
    /// The output folder holds a benchmark with another plan: (key, the folder's value, the request's).
    case planMismatch(path: String, differences: [PlanDifference])
    case unreadablePlan(path: String, reason: String)
    case badPlan(String)

    public struct PlanDifference: Equatable, Sendable {
        public var key: String
        public var stored: String
        public var requested: String
    }

    public var description: String {
        switch self {
        case let .planMismatch(path, differences):
            let list = differences.map { "\($0.key) \($0.requested) where the plan has \($0.stored)" }
            return "\(path) holds a benchmark with another plan (\(list.joined(separator: "; "))); rerun it with its own settings "
                + "(plan.json) to continue it, or choose another output folder"
        case let .unreadablePlan(path, reason):
            return "\(path) cannot be read (\(reason)); restore it, or choose another output folder"
        case let .badPlan(message):
            return message
        }
    }
}
