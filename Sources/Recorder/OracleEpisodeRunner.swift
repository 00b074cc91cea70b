import Core
import Dataset
import Foundation
import Geometry
import Sim

/// Runs one episode of a task with its oracle expert and turns it into the dataset's episode record
/// (CLIPort's `demos.py` loop: reset, act until done, keep the episode if total reward > 0.99).
public enum OracleEpisodeRunner {
    public struct Result {
        /// The episode as it will be stored (also when it failed, for inspection), or nil if it broke off.
        public var record: EpisodeRecord?
        /// Set when the episode is not kept.
        public var failure: EpisodeFailure?
        public var timing: EpisodeTiming
        public var success: Bool { failure == nil }
    }

    public static func run(environment env: Environment, task: any Task, split: Split, seed: Int) -> Result {
        var timing = EpisodeTiming()
        env.timing = SimTiming()
        defer { env.timing = SimTiming() }
        var steps: [StepRecord] = []
        do {
            var observation = try env.reset(task: task, seed: seed, split: split)
            var current = try record(observation, env: env, timing: &timing)
            while let action = try env.oracleAction() {
                let result = try env.step(action)
                steps.append(StepRecord(observation: current,
                                        action: ActionRecord(pickPose: action.pick, placePose: action.place, workspace: env.workspace),
                                        reward: result.reward, done: result.done, instruction: observation.instruction))
                observation = result.observation
                current = try record(observation, env: env, timing: &timing)
                if result.done { break }
            }
            timing.add(env.timing)
            let total = env.totalReward
            let success = total > 0.99
            let failure = success ? nil : EpisodeFailure.incomplete(totalReward: total, steps: steps.count)
            guard !steps.isEmpty else {
                return Result(record: nil, failure: failure ?? .incomplete(totalReward: total, steps: 0), timing: timing)
            }
            if let last = steps.indices.last { steps[last].done = true }
            let metadata = EpisodeMetadata(
                task: task.name, split: split.rawValue, seed: seed, success: success, totalReward: total,
                source: .oracle, instruction: steps[0].instruction, objectNames: observation.objects.map(\.name),
                modelFile: env.mjcf ?? "", failureReason: failure?.message ?? "")
            return Result(record: EpisodeRecord(metadata: metadata, steps: steps, finalObservation: current),
                          failure: failure, timing: timing)
        } catch {
            timing.add(env.timing)
            return Result(record: nil, failure: EpisodeFailure(error), timing: timing)
        }
    }

    /// The stored form of an observation: the three frames, their fused heightmap and the object poses.
    static func record(_ observation: Observation, env: Environment, timing: inout EpisodeTiming) throws -> ObservationRecord {
        let start = ProcessClock.now()
        let heightmap = HeightmapFusion.fuse(frames: observation.frames, cameras: env.cameras, workspace: env.workspace)
        timing.fusion += ProcessClock.now() - start
        return ObservationRecord(frames: observation.frames, heightmap: heightmap, objectPoses: observation.objects.map(\.pose),
                                 robotJoints: observation.robotJoints)
    }
}
