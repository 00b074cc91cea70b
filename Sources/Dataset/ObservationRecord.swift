import Geometry

/// What the robot sees at one moment: one RGB-D frame per camera (in the header's camera order), the
/// fused top-down heightmap, the pose of every task object (in `EpisodeMetadata.objectNames` order), and
/// the robot's joint angles when they are known.
public struct ObservationRecord: Equatable, Sendable {
    public var frames: [RGBDFrame]
    public var heightmap: Heightmap
    public var objectPoses: [Pose]
    /// The arm's 6 joint angles in radians (the simulator's UR5), or nil when not recorded (real captures,
    /// files written before `robot_joints`).
    public var robotJoints: [Double]?

    public init(frames: [RGBDFrame], heightmap: Heightmap, objectPoses: [Pose], robotJoints: [Double]? = nil) {
        self.frames = frames; self.heightmap = heightmap; self.objectPoses = objectPoses; self.robotJoints = robotJoints
    }
}
