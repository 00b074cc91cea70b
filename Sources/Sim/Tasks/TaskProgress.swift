import Geometry

/// The reward bookkeeping of one episode (CLIPort's `Task.reward` and `Task.done`): delta rewards against
/// the current goal, goal popping when a goal is complete, done when no goals are left or the total
/// exceeds 0.99.
public struct TaskProgress: Equatable, Sendable {
    public private(set) var goals: [Goal]
    /// Reward of the goals already completed.
    public private(set) var progress = 0.0
    /// Cumulative reward handed out so far (the sum of the deltas).
    public private(set) var total = 0.0
    public let completedInstruction: String

    public init(goals: [Goal], completedInstruction: String) {
        self.goals = goals
        self.completedInstruction = completedInstruction
    }

    /// The instruction valid now: the current goal's, or the completion text.
    public var instruction: String { goals.first?.instruction ?? completedInstruction }

    public var done: Bool { goals.isEmpty || total > 0.99 }

    /// The delta reward for the given object poses; pops the current goal if it is complete.
    public mutating func reward(poses: [Pose]) -> Double {
        guard let goal = goals.first else { return 0 }
        let step = goal.stepReward(poses: poses)
        let delta = progress + step - total
        total = progress + step
        if abs(goal.maxReward - step) < 0.01 {
            progress += goal.maxReward
            goals.removeFirst()
        }
        return delta
    }

    /// Drops all goals (CLIPort does this when the oracle cannot see the object to pick).
    public mutating func abandon() { goals.removeAll() }
}

