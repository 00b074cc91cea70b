import Geometry

/// One pick-and-place action, in world form (poses) and heightmap form (pixels and rotation bin).
public struct ActionRecord: Equatable, Sendable, Codable {
    public var pickPose: Pose
    public var placePose: Pose
    public var pickPixel: Pixel
    public var placePixel: Pixel
    /// CLIPort's place rotation bin (see `Geometry.RotationBins`), 0..<rotationBins.
    public var rotationBin: Int

    public init(pickPose: Pose, placePose: Pose, pickPixel: Pixel, placePixel: Pixel, rotationBin: Int) {
        self.pickPose = pickPose; self.placePose = placePose
        self.pickPixel = pickPixel; self.placePixel = placePixel; self.rotationBin = rotationBin
    }

    /// Derives pixels and rotation bin from the poses as CLIPort labels them.
    public init(pickPose: Pose, placePose: Pose, workspace: Workspace, rotationBins: Int = RotationBins.cliport) {
        self.init(pickPose: pickPose, placePose: placePose,
                  pickPixel: workspace.pixel(of: pickPose.position), placePixel: workspace.pixel(of: placePose.position),
                  rotationBin: RotationBins.bin(pick: pickPose, place: placePose, count: rotationBins))
    }

    /// The 14 numbers of the `actions` dataset: pick xyz + quaternion xyzw, place xyz + quaternion xyzw.
    public var vector: [Float] { (pickPose.components + placePose.components).map { Float($0) } }
}
