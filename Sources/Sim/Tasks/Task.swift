import Core
import Geometry

/// A pick (suction) and place action in the world frame.
public struct PickPlaceAction: Equatable, Codable, Sendable {
    public var pick: Pose
    public var place: Pose
    public init(pick: Pose, place: Pose) { self.pick = pick; self.place = place }
}

/// What a task's reset produces: the scene, its goals and how many steps the episode may take.
public struct TaskEpisode: Equatable, Sendable {
    public var scene: Scene
    public var goals: [Goal]
    public var maxSteps: Int
    public init(scene: Scene, goals: [Goal], maxSteps: Int) {
        self.scene = scene; self.goals = goals; self.maxSteps = maxSteps
    }
}

/// A tabletop task (CLIPort's `Task`): its name, language, and how an episode is built from a seed.
/// Reward, done and the oracle are generic over goals (`TaskProgress`, `Oracle`); a task overrides
/// `oracle` only if it needs a different expert.
public protocol Task: Sendable {
    /// The registry name, e.g. "put-block-in-bowl-seen-colors".
    var name: String { get }
    /// The instruction templates, with {placeholders}.
    var instructionTemplates: [String] { get }
    /// The instruction once every goal is done (CLIPort's `task_completed_desc`).
    var completedInstruction: String { get }
    /// CLIPort's `max_steps` as the rule its reset applies, e.g. "12" or "n_blocks + 1 (2-4)" (`cliport tasks`).
    var maxStepsRule: String { get }
    /// The colour, shape or object lists the split draws from; empty when nothing depends on the split
    /// (`cliport tasks`, `TaskCatalogEntry`).
    func splitAttributes(_ split: Split) -> [TaskAttributeList]
    /// The object set the task's scenes are made of, recorded in the dataset header; nil for tasks whose
    /// objects are all built in (only the google-objects tasks can load outside assets).
    var objectSetName: String? { get }
    /// How `Environment.step` executes an action (CLIPort's task `primitive`); `.pickPlace` by default.
    var primitive: MotionPrimitive { get }
    /// Builds an episode; all randomness comes from `rng`. Throws `SimError.noFreeSpace` instead of looping.
    func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode
    /// The expert's next action for the current goal.
    func oracle(goal: Goal, scene: Scene, poses: [Pose], raster: TopDownRaster, workspace: Workspace,
                rng: inout SeededGenerator) throws -> PickPlaceAction
    /// Called after each step is scored: a task may change the world (palletizing spawns its next box).
    /// A returned ending ends the episode (its goals are dropped) and is the step's `failure`.
    func afterReward(world: TabletopWorld, remainingGoals: [Goal], rng: inout SeededGenerator) throws -> EpisodeEnding?
}

extension Task {
    public var primitive: MotionPrimitive { .pickPlace }
    public var objectSetName: String? { nil }

    public func oracle(goal: Goal, scene: Scene, poses: [Pose], raster: TopDownRaster, workspace: Workspace,
                       rng: inout SeededGenerator) throws -> PickPlaceAction {
        try Oracle.act(goal: goal, scene: scene, poses: poses, raster: raster, workspace: workspace, rng: &rng)
    }

    public func afterReward(world: TabletopWorld, remainingGoals: [Goal], rng: inout SeededGenerator) throws -> EpisodeEnding? {
        nil
    }
}
