import Foundation
import Geometry
import Sim

/// How a robot is driven: by the simulator, over the network by a controller, or by the operator's hands.
public enum RobotKind: String, Codable, Sendable {
    case simulated
    case network
    /// The operator moves the objects by hand and clicks "captured".
    case manual
}

/// What a robot says after executing a pick and place.
public struct RobotReply: Equatable, Sendable {
    /// The reward if the robot can judge it (the simulator); nil for real robots.
    public var reward: Double?
    /// True when the robot reports the task finished (the simulator's goals are all met).
    public var done: Bool
    public var message: String

    public init(reward: Double? = nil, done: Bool = false, message: String = "") {
        self.reward = reward; self.done = done; self.message = message
    }
}

/// Robots behind one protocol. Only `GuardedRobot` calls `execute`, after checking the poses against the
/// workspace bounds. Called only from the capture session's own thread.
public protocol RobotClient: AnyObject {
    var name: String { get }
    var kind: RobotKind { get }
    /// Prepares episode `seed`; the simulator resets and replays `actions` (resume, undo). Real robots
    /// do nothing: the operator arranges the scene.
    func beginEpisode(seed: Int, replaying actions: [PickPlaceAction]) throws
    /// Executes one pick and place (blocking until done or failed).
    func execute(_ action: PickPlaceAction) throws -> RobotReply
}

/// Checks every action against the workspace before the robot sees it.
public struct GuardedRobot {
    public let robot: any RobotClient
    public let guardrail: WorkspaceGuard

    public init(robot: any RobotClient, workspace: Workspace) {
        self.robot = robot
        guardrail = WorkspaceGuard(workspace: workspace)
    }

    public func execute(_ action: PickPlaceAction) throws -> RobotReply {
        try guardrail.check(action)
        return try robot.execute(action)
    }
}

/// The operator is the robot: they move the object as clicked and press "captured".
public final class ManualRobot: RobotClient {
    public init() {}
    public var name: String { "manual (the operator moves the objects)" }
    public var kind: RobotKind { .manual }
    public func beginEpisode(seed: Int, replaying actions: [PickPlaceAction]) throws {}
    public func execute(_ action: PickPlaceAction) throws -> RobotReply {
        RobotReply(message: "recorded the operator's move")
    }
}
