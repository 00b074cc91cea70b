@testable import Capture
import Foundation
import Geometry
import Sim
import TestSupport
import XCTest

/// The reference hardware bridges in scripts/bridges/ against the capture tool's own contracts: the UR
/// bridge (in its --dry-run mode, which logs the arm commands instead of sending them through ur_rtde)
/// driven by `TCPRobotClient`, and the RealSense bridge playing a recorded RealSense file through real
/// pyrealsense2 into a folder that `FolderCameraSource` reads.
final class CaptureBridgeTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-bridges")
    var processes: [Process] = []

    override func tearDown() {
        for p in processes where p.isRunning { p.terminate(); p.waitUntilExit() }
        processes = []
        folders.removeAll()
    }

    static let bridges = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/bridges").path

    /// The Python with the bridges' packages (numpy, pyrealsense2, opencv): `CLIPORT_BRIDGE_PYTHON`, else python3.
    static var python: String { ProcessInfo.processInfo.environment["CLIPORT_BRIDGE_PYTHON"] ?? "/usr/bin/env" }
    static func pythonArguments(_ rest: [String]) -> [String] {
        ProcessInfo.processInfo.environment["CLIPORT_BRIDGE_PYTHON"] == nil ? ["python3"] + rest : rest
    }

    /// Runs a Python script to completion; returns (status, output).
    func runPython(_ arguments: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = Self.pythonArguments(arguments)
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func pythonHas(_ module: String) -> Bool { ((try? runPython(["-c", "import \(module)"]))?.0 ?? 1) == 0 }

    /// Starts the UR bridge in dry-run mode on a free port; returns the port.
    func startURBridge(log: String, extra: [String] = []) throws -> Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = Self.pythonArguments(["-u", Self.bridges + "/ur_bridge.py", "--dry-run", log, "--port", "0"] + extra)
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        processes.append(p)
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { if !p.isRunning { break }; usleep(20_000); continue }
            text += String(decoding: chunk, as: UTF8.self)
            if let r = text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression),
               let port = Int(text[r].split(separator: ":").last ?? "") { return port }
        }
        throw XCTSkip("the UR bridge did not start (python3 missing?): \(text)")
    }

    func logged(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Rodrigues: the matrix of UR's rotation vector.
    func matrix(rotationVector v: [Double]) -> [[Double]] {
        let angle = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).squareRoot()
        let (x, y, z) = (v[0] / angle, v[1] / angle, v[2] / angle)
        let (c, s, t) = (cos(angle), sin(angle), 1 - cos(angle))
        return [[t * x * x + c, t * x * y - s * z, t * x * z + s * y],
                [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
                [t * x * z - s * y, t * y * z + s * x, t * z * z + c]]
    }

    func testURBridgeExecutesTheCaptureToolsPickPlaceAndRefusesBadPoses() throws {
        let log = folders.make("ur") + "/moves.jsonl"
        let port = try startURBridge(log: log, extra: ["--grasp-seconds", "0", "--effector", "suction", "--suction-pin", "3"])
        let client = TCPRobotClient(host: "127.0.0.1", port: port, timeout: 10)
        let yaw = -30 * Double.pi / 180
        let action = PickPlaceAction(pick: Pose(position: SIMD3(0.5125, -0.1, 0.041), rotation: .identity),
                                     place: Pose(position: SIMD3(0.6, 0.2, 0.02), rotation: Quaternion(x: 0, y: 0, z: sin(yaw / 2), w: cos(yaw / 2))))
        let reply = try client.execute(action)
        XCTAssertEqual(reply.message, "placed")
        XCTAssertFalse(reply.done)
        let commands = try logged(log)
        XCTAssertEqual(commands.map { $0["command"] as! String },
                       ["moveL", "moveL", "digital_out", "moveL", "moveL", "moveL", "digital_out", "moveL"])
        XCTAssertEqual(commands[2]["pin"] as? Int, 3); XCTAssertEqual(commands[2]["level"] as? Bool, true)
        XCTAssertEqual(commands[6]["level"] as? Bool, false)
        let poses = commands.filter { $0["command"] as? String == "moveL" }.map { $0["pose"] as! [Double] }
        // Approach 0.10 above, pick at the clicked height, place 0.02 above the clicked height (the defaults).
        let want: [[Double]] = [[0.5125, -0.1, 0.141], [0.5125, -0.1, 0.041], [0.5125, -0.1, 0.141],
                                [0.6, 0.2, 0.12], [0.6, 0.2, 0.04], [0.6, 0.2, 0.12]]
        for (pose, w) in zip(poses, want) { for k in 0..<3 { XCTAssertEqual(pose[k], w[k], accuracy: 1e-9) } }
        // The tool points down; at the place its x axis is turned by the place yaw (-30 degrees).
        let pickR = matrix(rotationVector: Array(poses[1][3...])), placeR = matrix(rotationVector: Array(poses[4][3...]))
        XCTAssertEqual(pickR[2][2], -1, accuracy: 1e-9, "tool z down at the pick")
        XCTAssertEqual(placeR[2][2], -1, accuracy: 1e-9, "tool z down at the place")
        XCTAssertEqual(pickR[0][0], 1, accuracy: 1e-9)
        XCTAssertEqual(placeR[0][0], cos(yaw), accuracy: 1e-9); XCTAssertEqual(placeR[1][0], sin(yaw), accuracy: 1e-9)

        // A pose outside the bridge's bounds is refused before anything moves; the message reaches the client.
        let far = PickPlaceAction(pick: Pose(position: SIMD3(0.9, 0, 0.02), rotation: .identity), place: action.place)
        XCTAssertThrowsError(try client.execute(far)) { error in
            guard case let .robotRefused(_, message) = error as? CaptureError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("outside the bridge's --bounds"), message)
        }
        XCTAssertEqual(try logged(log).count, commands.count, "nothing moved")
    }

    func testURBridgeStopsAMoveThatTakesTooLongAndSaysSo() throws {
        let log = folders.make("ur-slow") + "/moves.jsonl"
        let port = try startURBridge(log: log, extra: ["--dry-run-move-seconds", "5", "--move-timeout", "0.3"])
        let client = TCPRobotClient(host: "127.0.0.1", port: port, timeout: 10)
        let action = PickPlaceAction(pick: Pose(position: SIMD3(0.5, 0, 0.03), rotation: .identity),
                                     place: Pose(position: SIMD3(0.6, 0.1, 0.03), rotation: .identity))
        XCTAssertThrowsError(try client.execute(action)) { error in
            guard case let .robotRefused(_, message) = error as? CaptureError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("took longer than 0.3 s: stopped the arm"), message)
        }
        XCTAssertEqual(try logged(log).map { $0["command"] as! String }, ["moveL", "stop"], "the first move is stopped, nothing follows")
    }

    func testRealSenseBridgePlaysARecordingIntoAFolderTheCaptureToolReads() throws {
        guard pythonHas("pyrealsense2"), pythonHas("numpy") else {
            throw XCTSkip("set CLIPORT_BRIDGE_PYTHON to a Python with pyrealsense2 and numpy (and libusb-1.0-0 installed) to test the RealSense bridge")
        }
        let folder = folders.make("realsense")
        let recording = folder + "/synthetic.db3"  // librealsense 2.59 records ROS 2 .db3 (older versions: .bag)
        let (made, madeOutput) = try runPython([Self.bridges + "/tests/make_bag.py", recording, "4"])
        XCTAssertEqual(made, 0, madeOutput)
        // Extrinsics as handeye_calibration.py writes them: the camera 0.8 m above (0.5, 0) looking down.
        let base_T_cam = Pose(position: SIMD3(0.5, 0, 0.8), rotation: Quaternion(x: 1, y: 0, z: 0, w: 0))
        let extrinsics = folder + "/extrinsics.json"
        let r = base_T_cam.rotation.rotationMatrix
        let m = [[r[0].x, r[0].y, r[0].z, 0.5], [r[1].x, r[1].y, r[1].z, 0], [r[2].x, r[2].y, r[2].z, 0.8], [0, 0, 0, 1]]
        try JSONSerialization.data(withJSONObject: ["cameras": [["name": "front", "base_T_cam": ["matrix": m]]]])
            .write(to: URL(fileURLWithPath: extrinsics))
        let cameraFolder = folder + "/cam"
        let (status, output) = try runPython([Self.bridges + "/realsense_bridge.py", "--bag", recording, "--out", cameraFolder,
                                              "--extrinsics", extrinsics, "--fps-out", "0", "--frames", "2"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("wrote 2 frames"), output)

        let source = try FolderCameraSource(folder: cameraFolder, staleAfter: 60)
        XCTAssertEqual(source.calibration[0].K, [600, 0, 320, 0, 600, 240, 0, 0, 1])
        XCTAssertEqual(source.calibration[0].depth_scale, 0.001, accuracy: 1e-9)
        XCTAssertEqual(source.cameras[0].pose.position.z, 0.8, accuracy: 1e-9)
        XCTAssertEqual(source.cameras[0].pose.rotation.rotationMatrix[2].z, -1, accuracy: 1e-9, "looking down")
        let frame = try XCTUnwrap(source.capture().frames.first)
        XCTAssertEqual(frame.width, 640); XCTAssertEqual(frame.height, 480)
        func depth(_ row: Int, _ col: Int) -> Float { frame.depth[row * 640 + col] }
        func color(_ row: Int, _ col: Int) -> [UInt8] { Array(frame.color[(row * 640 + col) * 3..<(row * 640 + col) * 3 + 3]) }
        XCTAssertEqual(depth(400, 100), 0.8, accuracy: 1e-6, "the table, in metres")
        XCTAssertEqual(depth(240, 320), 0.76, accuracy: 1e-6, "the box")
        XCTAssertEqual(depth(5, 5), 0, "no depth stays 0")
        XCTAssertEqual(color(10, 100), [100, 10, 128])
        XCTAssertEqual(color(240, 320), [200, 30, 30])
        // Fused as the capture tool does: the box's top is 4 cm above the table under the camera.
        let table = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: -0.05...0.28, pixelSize: 0.003125)
        let map = HeightmapFusion.fuse(frames: [frame], cameras: source.cameras, workspace: table)
        let centre = table.pixel(of: SIMD3(0.5, 0, 0))
        XCTAssertEqual(Double(map.height(at: centre)) + table.zRange.lowerBound, 0.04, accuracy: 0.002)
    }
}
