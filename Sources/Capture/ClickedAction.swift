import Foundation
import Geometry
import Sim

/// What the operator clicked on the top-down view: the pick pixel, the place pixel and the place
/// rotation bin. `poses` turns it into the robot's pick and place poses as CLIPort's agent does
/// (`pix_to_xyz` with the heightmap's height at each pixel; pick yaw 0, place yaw -bin * 360/bins degrees),
/// so the stored action is exactly the clicked pixels mapped through the heightmap. For parallel-jaw
/// grippers (`cliport capture --pick-rotation`) the pick turns too: pick yaw -pickRotationBin * 360/bins,
/// stored in the pick pose's quaternion (CLIPort's suction agent always picks at yaw 0).
public struct ClickedAction: Equatable, Codable, Sendable {
    public var pick: Pixel
    public var place: Pixel
    public var rotationBin: Int
    public var pickRotationBin: Int?

    public init(pick: Pixel, place: Pixel, rotationBin: Int, pickRotationBin: Int? = nil) {
        self.pick = pick; self.place = place; self.rotationBin = rotationBin; self.pickRotationBin = pickRotationBin
    }

    /// Checks the pixels and the bin; throws a message naming the bad one.
    public func validate(workspace: Workspace, rotationBins: Int) throws {
        for (what, p) in [("pick", pick), ("place", place)] where !workspace.contains(p) {
            throw CaptureError.pixelOutsideWorkspace(what: what, pixel: p, rows: workspace.rows, cols: workspace.cols)
        }
        for bin in [rotationBin, pickRotationBin ?? 0] where !(0..<rotationBins).contains(bin) {
            throw CaptureError.badRotationBin(bin, count: rotationBins)
        }
    }

    /// The pick and place poses in the robot base frame, validated against the workspace bounds.
    public func poses(heightmap: Heightmap, workspace: Workspace, rotationBins: Int) throws -> PickPlaceAction {
        try validate(workspace: workspace, rotationBins: rotationBins)
        let pickPose = Pose(position: workspace.point(at: pick, height: Double(heightmap.height(at: pick))),
                            rotation: Quaternion(yaw: RotationBins.placeYaw(bin: pickRotationBin ?? 0, count: rotationBins)))
        let placePose = Pose(position: workspace.point(at: place, height: Double(heightmap.height(at: place))),
                             rotation: Quaternion(yaw: RotationBins.placeYaw(bin: rotationBin, count: rotationBins)))
        let action = PickPlaceAction(pick: pickPose, place: placePose)
        try WorkspaceGuard(workspace: workspace).check(action)
        return action
    }
}

/// The last line of defence before a robot moves: both poses must lie inside the workspace bounds
/// (closed intervals, finite numbers, a unit quaternion).
public struct WorkspaceGuard: Sendable {
    public var workspace: Workspace

    public init(workspace: Workspace) { self.workspace = workspace }

    public func check(_ action: PickPlaceAction) throws {
        try check(action.pick, what: "pick")
        try check(action.place, what: "place")
    }

    public func check(_ pose: Pose, what: String) throws {
        let p = pose.position
        let q = pose.rotation
        let finite = [p.x, p.y, p.z, q.x, q.y, q.z, q.w].allSatisfy(\.isFinite)
        guard finite, workspace.xRange.contains(p.x), workspace.yRange.contains(p.y), workspace.zRange.contains(p.z) else {
            throw CaptureError.poseOutsideWorkspace(what: what, position: p, workspace: workspace)
        }
        let norm = (q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w).squareRoot()
        guard abs(norm - 1) < 1e-6 else {
            throw CaptureError.badRequest("the \(what) orientation is not a unit quaternion (norm \(norm))")
        }
    }
}
