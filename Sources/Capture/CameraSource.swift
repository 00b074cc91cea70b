import Foundation
import Geometry

/// One capture from the camera(s): a frame per camera (undistorted, in `cameras` order) and, when the
/// source knows them (the simulator), the objects' names and poses and the task's current instruction.
public struct CameraCapture: Sendable {
    public var frames: [RGBDFrame]
    public var objectNames: [String]
    public var objectPoses: [Pose]
    public var suggestedInstruction: String?

    public init(frames: [RGBDFrame], objectNames: [String] = [], objectPoses: [Pose] = [], suggestedInstruction: String? = nil) {
        self.frames = frames; self.objectNames = objectNames; self.objectPoses = objectPoses
        self.suggestedInstruction = suggestedInstruction
    }
}

/// Where RGB-D frames come from: the simulator's cameras, or a folder a real camera driver writes to.
/// Called only from the capture session's own thread.
public protocol CameraSource: AnyObject {
    /// A short description for the page and logs, e.g. "sim (3 cameras)" or "folder /data/cam".
    var name: String { get }
    /// The pinhole cameras the frames are fused with (after undistortion).
    var cameras: [CameraConfig] { get }
    /// The calibration as the driver gave it (K, distortion, base_T_cam, depth scale), stored with every episode.
    var calibration: [CameraCalibration] { get }
    /// The newest frames; throws `CaptureError.cameraStopped` / `.cameraFiles` when there are none.
    func capture() throws -> CameraCapture
    /// The simulator's look ("cliport", "plain") stored in the episode header; nil for real cameras.
    var look: String? { get }
}

extension CameraSource {
    public var look: String? { nil }
}
