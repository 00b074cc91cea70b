import Sim

/// Why an oracle episode was not kept: `kind` groups failures in reports and logs; `message` says what happened.
public struct EpisodeFailure: Error, Codable, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of failure, by their names in reports, `failed.log` and shards' `generation_failure_kinds`.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// The oracle stopped (or the task ended the episode) with total reward at most 0.99.
        case incomplete
        /// Objects never came to rest (`SimError.neverSettled`).
        case neverSettled = "never-settled"
        /// No free space on the table for an object (`SimError.noFreeSpace`).
        case noFreeSpace = "no-free-space"
        /// The oracle cannot see the object it must pick (`SimError.objectNotVisible`).
        case objectNotVisible = "object-not-visible"
        /// Any other error of the simulator.
        case simulatorError = "simulator-error"
    }

    public var kind: Kind
    public var message: String

    public var description: String { message }

    /// The oracle ran out of steps (or stopped) before the task was complete.
    static func incomplete(totalReward: Double, steps: Int) -> EpisodeFailure {
        EpisodeFailure(kind: .incomplete,
                       message: "the oracle stopped after \(steps) steps with total reward \(String(format: "%.3f", totalReward)) (needs > 0.99)")
    }

    init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Classifies an error thrown by the simulator.
    init(_ error: Error) {
        switch error as? SimError {
        case .neverSettled?: kind = .neverSettled
        case .noFreeSpace?: kind = .noFreeSpace
        case .objectNotVisible?: kind = .objectNotVisible
        default: kind = .simulatorError
        }
        message = String(describing: error)
    }
}
