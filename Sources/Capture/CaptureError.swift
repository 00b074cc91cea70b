import Foundation
import Geometry

/// Everything that can go wrong while capturing, each message naming the problem and the fix. The page
/// shows `description` verbatim; `httpStatus` tells the server how to answer.
public enum CaptureError: Error, CustomStringConvertible, Equatable {
    /// A clicked pixel is not on the heightmap.
    case pixelOutsideWorkspace(what: String, pixel: Pixel, rows: Int, cols: Int)
    /// A pose (clicked, or about to be sent to the robot) is outside the workspace bounds.
    case poseOutsideWorkspace(what: String, position: SIMD3<Double>, workspace: Workspace)
    case badRotationBin(Int, count: Int)
    case badRequest(String)
    /// A request body over the server's limit (the page never sends one).
    case bodyTooLarge(limit: Int)
    /// A command-line option that cannot work (the text names the fix).
    case invalidOption(String)
    case emptyInstruction
    /// The operator clicked on a view that has since been replaced by a newer capture.
    case viewChanged(clicked: Int, current: Int)
    /// No usable view: the last capture failed (or none was made yet).
    case noView(reason: String)
    case cameraStopped(camera: String, secondsSinceLastFrame: Double, folder: String)
    case cameraFiles(path: String, problem: String)
    case calibration(path: String, problem: String)
    case robotTimeout(robot: String, seconds: Double)
    case robotUnreachable(robot: String, reason: String)
    case robotRefused(robot: String, message: String)
    case nothingToUndo
    case emptyEpisode
    /// The simulator judges the episode failed: a demos dataset holds successful episodes only.
    case unsuccessfulEpisode(totalReward: Double)
    case busy(String)
    case output(path: String, problem: String)
    case journal(path: String, problem: String)

    public var description: String {
        switch self {
        case let .pixelOutsideWorkspace(what, p, rows, cols):
            return "the \(what) point (row \(p.row), column \(p.col)) is outside the workspace heightmap (\(rows) rows x \(cols) columns): "
                + "click inside the table image"
        case let .poseOutsideWorkspace(what, q, w):
            func f(_ v: Double) -> String { String(format: "%.3f", v) }
            return "the \(what) pose (\(f(q.x)), \(f(q.y)), \(f(q.z))) m is outside the workspace bounds "
                + "x \(f(w.xRange.lowerBound))..\(f(w.xRange.upperBound)), y \(f(w.yRange.lowerBound))..\(f(w.yRange.upperBound)), "
                + "z \(f(w.zRange.lowerBound))..\(f(w.zRange.upperBound)) m: the robot is not commanded; click a point inside the table image"
        case let .badRotationBin(b, count):
            return "rotation bin \(b) is not in 0..\(count - 1): turn the place rotation with the mouse wheel or a drag"
        case let .badRequest(text):
            return "bad request: \(text)"
        case let .bodyTooLarge(limit):
            return "the request body is larger than \(limit / 1024) KiB, the most this server reads: the capture page's commands are far smaller"
        case let .invalidOption(text):
            return text
        case .emptyInstruction:
            return "the instruction is empty: type or pick the instruction for this step, then confirm"
        case let .viewChanged(clicked, current):
            return "the view changed since you clicked (you clicked on view \(clicked), the current view is \(current)): "
                + "check the pick and place points on the new view and confirm again"
        case let .noView(reason):
            return "no camera view to click on (\(reason)): fix the camera, then press Refresh (R)"
        case let .cameraStopped(camera, seconds, folder):
            return "camera \(camera) stopped sending: its newest frame in \(folder) is \(String(format: "%.1f", seconds)) s old. "
                + "Check the camera driver that writes the frames, then press Refresh (R); the recorded steps are kept"
        case let .cameraFiles(path, problem):
            return "cannot read the camera frame \(path): \(problem). The camera driver must write colour PNG (8-bit RGB) and "
                + "depth PNG (16-bit, depth_scale metres per unit) of the calibrated size, by writing a temporary file and renaming it"
        case let .calibration(path, problem):
            return "the calibration \(path) is unusable: \(problem). See docs/capture.md for the calibration.json format"
        case let .robotTimeout(robot, seconds):
            return "the robot (\(robot)) did not reply within \(String(format: "%.1f", seconds)) s: check the robot controller, then "
                + "press Refresh (R) and click again; this step was not recorded (the robot may have moved), the recorded steps are kept"
        case let .robotUnreachable(robot, reason):
            return "cannot reach the robot (\(robot)): \(reason). Start the robot controller or fix --robot; the recorded steps are kept"
        case let .robotRefused(robot, message):
            return "the robot (\(robot)) refused the action: \(message). This step was not recorded; press Refresh (R) and click again"
        case .nothingToUndo:
            return "nothing to undo: the episode has no recorded steps"
        case .emptyEpisode:
            return "the episode has no steps yet: record at least one pick and place before ending it (or discard it)"
        case let .unsuccessfulEpisode(total):
            return "the simulator judges this episode unsuccessful (total reward \(String(format: "%.3f", total)) of 1), and a demos dataset "
                + "holds successful episodes only, so it is not saved: record the missing steps, undo (U) the wrong one, end it as failed "
                + "(E, then N: kept apart in failed/) or discard (D) it; "
                + "the recorded steps are kept"
        case let .busy(what):
            return "busy (\(what)): wait for it to finish"
        case let .output(path, problem):
            return "cannot write to \(path): \(problem). Choose a writable --out folder with free space; finished episodes are intact"
        case let .journal(path, problem):
            return "the in-progress journal \(path) is damaged: \(problem). Move it away to start a fresh episode; finished episodes are intact"
        }
    }

    /// 400 for bad input, 413 for a body over the limit, 409 for a stale view, 503 when a device failed, 500 for storage.
    public var httpStatus: Int {
        switch self {
        case .pixelOutsideWorkspace, .poseOutsideWorkspace, .badRotationBin, .badRequest, .invalidOption, .emptyInstruction, .nothingToUndo,
             .emptyEpisode, .unsuccessfulEpisode:
            return 400
        case .bodyTooLarge: return 413
        case .viewChanged, .busy: return 409
        case .noView, .cameraStopped, .cameraFiles, .calibration, .robotTimeout, .robotUnreachable, .robotRefused: return 503
        case .output, .journal: return 500
        }
    }
}
