import Foundation

/// Why a step ended the episode without success (`StepResult.failure`). Simulator failures (objects that
/// never settle, an unstable simulation) and an oracle that cannot see its object are thrown instead
/// (`SimError`, `MuJoCoError`). Codable, so that a generation report or event can carry it as it is.
public enum EpisodeEnding: Equatable, Codable, Sendable, CustomStringConvertible {
    /// The step limit was reached with goals left and total reward at most 0.99.
    case stepLimit(steps: Int, maxSteps: Int, totalReward: Double)
    /// Palletizing: no box is left to spawn but the pallet is not full (`PalletizingBoxes.afterReward`).
    case palletNotFull

    public var description: String {
        switch self {
        case .stepLimit(let steps, let maxSteps, let total):
            return "step limit reached: \(steps) of \(maxSteps) steps with total reward \(String(format: "%.3f", total))"
        case .palletNotFull:
            return "palletized boxes toppled or fell off: no box left to spawn but the pallet is not full"
        }
    }
}
