import Sim

/// Why an oracle episode was not kept. `kind` groups failures in reports; `message` says what happened.
public struct EpisodeFailure: Error, Codable, Equatable, Sendable, CustomStringConvertible {
    public var kind: String
    public var message: String

    public var description: String { message }

    /// The oracle ran out of steps (or stopped) before the task was complete.
    static func incomplete(totalReward: Double, steps: Int) -> EpisodeFailure {
        EpisodeFailure(kind: "incomplete",
                       message: "the oracle stopped after \(steps) steps with total reward \(String(format: "%.3f", totalReward)) (needs > 0.99)")
    }

    init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Classifies an error thrown by the simulator.
    init(_ error: Error) {
        switch error as? SimError {
        case .neverSettled?: kind = "never-settled"
        case .noFreeSpace?: kind = "no-free-space"
        case .objectNotVisible?: kind = "object-not-visible"
        default: kind = "simulator-error"
        }
        message = String(describing: error)
    }
}
