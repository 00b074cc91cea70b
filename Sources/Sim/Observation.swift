import Geometry

/// One object's state as stored with an observation (CLIPort's info: pos, quat, dims), plus its name
/// and colour.
public struct ObjectState: Equatable, Codable, Sendable {
    public var name: String
    public var pose: Pose
    /// Bounding size (x, y, z) in the object frame (bowls: diameter, diameter, height).
    public var size: SIMD3<Double>
    public var colorName: String

    public init(name: String, pose: Pose, size: SIMD3<Double>, colorName: String) {
        self.name = name; self.pose = pose; self.size = size; self.colorName = colorName
    }
}

/// What the cameras saw and where everything was after a reset or a step.
public struct Observation: Equatable, Sendable {
    /// One frame per camera, in the environment's camera order (CameraConfig.realSenseD415: front, left, right).
    public var frames: [RGBDFrame]
    public var objects: [ObjectState]
    /// The instruction valid at this step.
    public var instruction: String
    /// The UR5's six joint angles (radians; shoulder pan, shoulder lift, elbow, wrist 1, 2, 3) when the
    /// cameras saw the scene: CLIPort's home pose after a reset, after a step where the primitive left it.
    /// Solved in every look (the plain look just does not draw the arm).
    public var robotJoints: [Double]

    public init(frames: [RGBDFrame], objects: [ObjectState], instruction: String, robotJoints: [Double]) {
        self.frames = frames; self.objects = objects; self.instruction = instruction; self.robotJoints = robotJoints
    }
}

/// The result of one environment step.
public struct StepResult: Equatable, Sendable {
    public var observation: Observation
    /// Delta reward of this step.
    public var reward: Double
    /// Sum of all rewards of the episode so far.
    public var totalReward: Double
    /// No goals left, total > 0.99, or the step limit reached.
    public var done: Bool
    /// What the primitive did (which object it held, whether it was placed on contact).
    public var outcome: PickPlaceOutcome
    /// Set when this step ended the episode without success (the step limit was reached, or the task ended
    /// it). Simulator failures (never settled, unstable) are thrown instead.
    public var failure: EpisodeEnding?
}
