import Core
import Foundation
import Geometry
import Sim
import XCTest

/// What one oracle episode did (for the rigid-object task tests).
struct OracleEpisode {
    var totalReward: Double
    var steps: Int
    /// The instruction before each step, then the final one.
    var instructions: [String]
    /// Total reward after each step.
    var totals: [Double]
    var objects: [[ObjectState]]
}

/// One process-wide environment for the rigid-object task tests (one GL context is best).
enum RigidTaskEnvironment {
    static let shared = Result { try Environment() }
}

/// Runs the oracle on `task` for `seed` until the episode is done.
func runOracleEpisode(_ task: any Task, seed: Int, split: Split = .train) throws -> OracleEpisode {
    let env = try RigidTaskEnvironment.shared.get()
    let first = try env.reset(task: task, seed: seed, split: split)
    var episode = OracleEpisode(totalReward: 0, steps: 0, instructions: [first.instruction], totals: [], objects: [first.objects])
    while let action = try env.oracleAction() {
        let r = try env.step(action)
        episode.steps += 1
        episode.instructions.append(r.observation.instruction)
        episode.totals.append(r.totalReward)
        episode.objects.append(r.observation.objects)
        if r.done { break }
    }
    episode.totalReward = env.totalReward
    return episode
}

/// The instruction of every goal of an episode built for `seed`.
func goalInstructions(_ task: any Task, seed: Int, split: Split = .train) throws -> [String] {
    var rng = SeededGenerator(seed: seed)
    return try task.reset(split: split, rng: &rng).goals.map(\.instruction)
}

func matches(_ text: String, _ pattern: String) -> Bool {
    text.range(of: pattern, options: .regularExpression) != nil
}
