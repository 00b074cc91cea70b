import Core
import Foundation
import Geometry
import Sim

/// The simulator as capture hardware, for testing the tool end to end: one `Environment` seen by
/// `SimulatorCamera` and moved by `SimulatorRobot`. Episodes are the task's scenes for `seed`; a resumed
/// or undone episode is rebuilt by resetting the seed and replaying the recorded actions (the simulator is
/// deterministic). Use from one thread only (the capture session's).
public final class SimulatorWorld {
    public let environment: Environment
    public let task: any Task
    public let split: Split

    public init(task: any Task, split: Split = .train, environment: Environment? = nil, look: SceneLook = .cliport) throws {
        self.task = task
        self.split = split
        self.environment = try environment ?? Environment(look: look)
    }

    /// Resets to `seed` and replays `actions`.
    func start(seed: Int, replaying actions: [PickPlaceAction]) throws {
        _ = try environment.reset(task: task, seed: seed, split: split)
        for action in actions where !environment.done { _ = try environment.step(action) }
    }
}

/// The simulator's cameras (CLIPort's three RealSense D415 views) as a camera source.
public final class SimulatorCamera: CameraSource {
    public let world: SimulatorWorld
    public init(world: SimulatorWorld) { self.world = world }

    public var name: String { "sim (\(world.environment.cameras.count) cameras)" }
    public var cameras: [CameraConfig] { world.environment.cameras }
    public var look: String? { world.environment.look.rawValue }
    /// Simulated cameras are ideal pinholes; the depth scale is that of the stored depth (0.1 mm).
    public var calibration: [CameraCalibration] { cameras.map { CameraCalibration(camera: $0, depthScale: 0.0001) } }

    public func capture() throws -> CameraCapture {
        let observation = try world.environment.observe()
        return CameraCapture(frames: observation.frames, objectNames: observation.objects.map(\.name),
                             objectPoses: observation.objects.map(\.pose),
                             suggestedInstruction: observation.instruction.isEmpty ? nil : observation.instruction)
    }
}

/// The simulator's suction robot: executes the pick-place primitive and reports CLIPort's reward.
public final class SimulatorRobot: RobotClient {
    public let world: SimulatorWorld
    public init(world: SimulatorWorld) { self.world = world }

    public var name: String { "sim (\(world.task.name))" }
    public var kind: RobotKind { .simulated }

    public func beginEpisode(seed: Int, replaying actions: [PickPlaceAction]) throws {
        try world.start(seed: seed, replaying: actions)
    }

    public func execute(_ action: PickPlaceAction) throws -> RobotReply {
        guard !world.environment.done else {
            throw CaptureError.robotRefused(robot: name, message: "the simulated episode is already done (all goals reached or the step limit): end (E), undo (U) or discard (D) the episode")
        }
        let result = try world.environment.step(action)
        let grasp = result.outcome.grasped.map { "picked \($0)" } ?? "nothing was picked"
        return RobotReply(reward: result.reward, done: result.done, message: grasp)
    }
}
