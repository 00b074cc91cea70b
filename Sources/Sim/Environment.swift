import Core
import Foundation
import Geometry
import MuJoCo

/// The episode loop over a MuJoCo tabletop (CLIPort's `Environment` + `Task`).
///
///     let env = try Environment()                       // owns the GL renderer (one per process is best)
///     let task = try TaskRegistry.task(named: "put-block-in-bowl-seen-colors")
///     var obs = try env.reset(task: task, seed: Split.train.seed(episode: 0), split: .train)
///     while let action = try env.oracleAction() {        // nil once the episode is done
///         let result = try env.step(action)              // result.observation, .reward, .done
///         obs = result.observation
///         if result.done { break }
///     }
///     env.totalReward > 0.99                            // success, as CLIPort's demos.py keeps it
///     env.mjcf                                          // the generated model, to store with the episode
///     env.timing                                        // physics / render / oracle seconds, accumulated
///
/// One seed fixes the whole episode: scene, colours, the oracle's pick pixels, and therefore every image.
/// Errors: `reset` throws `SimError.noFreeSpace` or `.neverSettled`; `oracleAction` throws
/// `SimError.objectNotVisible` (the episode is then over); `step` throws `.neverSettled` or
/// `MuJoCoError.unstable`. Each names the cause; the caller drops the episode and reports it.
public final class Environment {
    public let cameras: [CameraConfig]
    public let workspace: Workspace
    /// Bounds for task logic (CLIPort's task bounds: z up to 0.3).
    public let taskWorkspace: Workspace
    private let renderer: OffscreenRenderer
    private let builder: MJCFBuilder

    public private(set) var task: (any Task)?
    public private(set) var world: TabletopWorld?
    public private(set) var progress: TaskProgress?
    public private(set) var maxSteps = 0
    public private(set) var stepCount = 0
    private var rng = SeededGenerator(seed: 0)
    /// Time spent so far (physics, rendering, oracle), over all episodes; reset it freely.
    public var timing = SimTiming()

    public init(cameras: [CameraConfig] = CameraConfig.realSenseD415, workspace: Workspace = .cliport,
                timestep: Double = 0.002, look: SceneLook = .cliport) throws {
        self.cameras = cameras
        self.workspace = workspace
        taskWorkspace = Workspace(xRange: workspace.xRange, yRange: workspace.yRange,
                                  zRange: workspace.zRange.lowerBound...0.3, pixelSize: workspace.pixelSize)
        let width = cameras.map(\.intrinsics.width).max() ?? 640
        let height = cameras.map(\.intrinsics.height).max() ?? 480
        builder = MJCFBuilder(timestep: timestep, offscreenWidth: width, offscreenHeight: height, look: look)
        renderer = try OffscreenRenderer()
    }

    /// The MJCF of the current episode's world.
    /// How the scenes are drawn (`SceneLook`).
    public var look: SceneLook { builder.look }
    public var mjcf: String? { world?.xml }
    public var scene: Scene? { world?.scene }
    public var instruction: String { progress?.instruction ?? "" }
    public var totalReward: Double { progress?.total ?? 0 }
    public var done: Bool { (progress?.done ?? true) || stepCount >= maxSteps }

    /// Builds the task's scene for `seed`, lets it settle, and observes it.
    public func reset(task: any Task, seed: Int, split: Split) throws -> Observation {
        self.task = task
        world = nil
        progress = nil
        stepCount = 0
        rng = SeededGenerator(seed: seed)
        let start = Stopwatch()
        let episode = try task.reset(split: split, rng: &rng)
        timing.addOracle(start)
        let world = try TabletopWorld(scene: episode.scene, builder: builder)
        self.world = world
        defer { absorbWorldTiming() }
        try world.settle()
        progress = TaskProgress(goals: episode.goals, completedInstruction: task.completedInstruction)
        maxSteps = episode.maxSteps
        return try observe()
    }

    /// The oracle's action for the current goal, or nil when the episode is done.
    /// Throws `SimError.objectNotVisible` (and ends the episode) if the object to pick cannot be seen.
    public func oracleAction() throws -> PickPlaceAction? {
        guard let task, let world, var progress else { throw SimError.noEpisode }
        guard !done, let goal = progress.goals.first else { return nil }
        let start = Stopwatch()
        defer { timing.addOracle(start) }
        let poses = world.objectPoses
        let raster = TopDownRaster(shapes: world.scene.objects.map(\.shape), poses: poses, workspace: taskWorkspace)
        do {
            return try task.oracle(goal: goal, scene: world.scene, poses: poses, raster: raster,
                                   workspace: taskWorkspace, rng: &rng)
        } catch {
            progress.abandon()
            self.progress = progress
            throw error
        }
    }

    /// Runs the pick-place primitive, settles, scores the step and observes.
    public func step(_ action: PickPlaceAction) throws -> StepResult {
        guard let world, var progress else { throw SimError.noEpisode }
        guard !done else { throw SimError.episodeOver }
        defer { absorbWorldTiming() }
        let outcome: PickPlaceOutcome
        switch task?.primitive ?? .pickPlace {
        case .pickPlace: outcome = try world.pickPlace(pick: action.pick, place: action.place)
        case .ropePickPlace: outcome = try world.ropePickPlace(pick: action.pick, place: action.place)
        case .push: outcome = try world.push(from: action.pick, to: action.place)
        }
        stepCount += 1
        let reward = progress.reward(poses: world.objectPoses)
        // A task may change the world between steps (palletizing spawns its next box) or end the episode.
        let ended = try task?.afterReward(world: world, remainingGoals: progress.goals, rng: &rng)
        if ended != nil { progress.abandon() }
        self.progress = progress
        let observation = try observe()
        var failure = ended
        if failure == nil, done, progress.total <= 0.99 {
            failure = .stepLimit(steps: stepCount, maxSteps: maxSteps, totalReward: progress.total)
        }
        return StepResult(observation: observation, reward: reward, totalReward: progress.total, done: done,
                          outcome: outcome, failure: failure)
    }

    /// The exact top-down view of the current object poses on the heightmap grid of `workspace`: which
    /// object is topmost at each pixel and its surface height (ground truth for checking heightmaps).
    public func topDownView() -> TopDownRaster? {
        guard let world else { return nil }
        return TopDownRaster(shapes: world.scene.objects.map(\.shape), poses: world.objectPoses, workspace: workspace)
    }

    /// Renders the cameras and reads the object states.
    public func observe() throws -> Observation {
        guard let world else { throw SimError.noEpisode }
        let start = Stopwatch()
        let frames = try renderer.render(world.simulation, cameras: cameras)
        timing.addRender(start)
        timing.framesRendered += frames.count
        let objects = zip(world.scene.objects, world.objectPoses).map { object, pose in
            ObjectState(name: object.name, pose: pose, size: Self.size(of: object.shape), colorName: object.color.name)
        }
        return Observation(frames: frames, objects: objects, instruction: instruction, robotJoints: world.arm.joints)
    }

    static func size(of shape: ObjectShape) -> SIMD3<Double> {
        switch shape {
        case .box(let s): return s
        case .bowl(let d, let h): return SIMD3(d, d, h)
        case .bead, .squareOutline: return shape.placementSize
        case .compound(let c): return c.size
        }
    }

    private func absorbWorldTiming() {
        guard let world else { return }
        timing = timing + world.timing
        world.timing = SimTiming()
    }
}
