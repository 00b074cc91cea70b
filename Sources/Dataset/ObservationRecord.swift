import Geometry

/// What the robot sees at one moment: one RGB-D frame per camera (in the header's camera order), the
/// fused top-down heightmap, and the pose of every task object (in `EpisodeMetadata.objectNames` order).
public struct ObservationRecord: Equatable, Sendable {
    public var frames: [RGBDFrame]
    public var heightmap: Heightmap
    public var objectPoses: [Pose]

    public init(frames: [RGBDFrame], heightmap: Heightmap, objectPoses: [Pose]) {
        self.frames = frames; self.heightmap = heightmap; self.objectPoses = objectPoses
    }
}
