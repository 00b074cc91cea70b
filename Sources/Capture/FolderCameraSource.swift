import Foundation
import Geometry
import PNG

/// Frames from a folder that any camera driver can feed (a RealSense, Azure Kinect or ZED script, a ROS
/// node, ...):
///
///     DIR/calibration.json     {"cameras": [{"name": "front", "width": 640, "height": 480, "K": [9 numbers],
///                                "distortion": [k1, k2, p1, p2, k3], "base_T_cam": {"position": [x, y, z],
///                                "orientation_xyzw": [x, y, z, w]}, "depth_scale": 0.001}, ...]}
///     DIR/<name>_color.png     8-bit RGB
///     DIR/<name>_depth.png     16-bit grey: metres = value * depth_scale (0.001: millimetres); 0 = no depth
///
/// The driver replaces the PNGs atomically (write `*.tmp`, then rename) as often as it likes; each
/// capture reads the newest pair. A pair older than `staleAfter` seconds means the camera stopped
/// sending (`CaptureError.cameraStopped`), so the operator never clicks on an old picture.
public final class FolderCameraSource: CameraSource {
    public let folder: String
    public let staleAfter: Double
    public let calibration: [CameraCalibration]
    public let cameras: [CameraConfig]
    private let undistortion: [LensUndistortion?]

    public init(folder: String, staleAfter: Double = 5) throws {
        self.folder = folder
        self.staleAfter = staleAfter
        let path = (folder as NSString).appendingPathComponent("calibration.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CaptureError.calibration(path: path, problem: "the file is missing; the camera folder needs calibration.json next to the frames")
        }
        let file: CalibrationFile
        do {
            file = try JSONDecoder().decode(CalibrationFile.self, from: data)
        } catch {
            throw CaptureError.calibration(path: path, problem: "it is not valid calibration JSON (\(error))")
        }
        guard !file.cameras.isEmpty else { throw CaptureError.calibration(path: path, problem: "it lists no cameras") }
        guard Set(file.cameras.map(\.name)).count == file.cameras.count else {
            throw CaptureError.calibration(path: path, problem: "camera names must be unique")
        }
        calibration = file.cameras
        cameras = try file.cameras.map { try $0.cameraConfig(path: path) }
        undistortion = file.cameras.map { $0.hasDistortion ? LensUndistortion(calibration: $0) : nil }
    }

    public var name: String { "folder \(folder) (\(cameras.count) camera\(cameras.count == 1 ? "" : "s"))" }

    public static func colorPath(folder: String, camera: String) -> String {
        (folder as NSString).appendingPathComponent("\(camera)_color.png")
    }

    public static func depthPath(folder: String, camera: String) -> String {
        (folder as NSString).appendingPathComponent("\(camera)_depth.png")
    }

    public func capture() throws -> CameraCapture {
        var frames: [RGBDFrame] = []
        for (i, c) in calibration.enumerated() {
            let colorPath = Self.colorPath(folder: folder, camera: c.name)
            let depthPath = Self.depthPath(folder: folder, camera: c.name)
            let age = try max(Self.age(of: colorPath), Self.age(of: depthPath))
            guard age <= staleAfter else {
                throw CaptureError.cameraStopped(camera: c.name, secondsSinceLastFrame: age, folder: folder)
            }
            let color: PNGImage, depth: PNGImage
            do {
                color = try PNGImage.read(colorPath, as: .rgb8)
                depth = try PNGImage.read(depthPath, as: .gray16)
            } catch {
                throw CaptureError.cameraFiles(path: folder, problem: "\(error)")
            }
            for (image, path) in [(color, colorPath), (depth, depthPath)] where image.width != c.width || image.height != c.height {
                throw CaptureError.cameraFiles(path: path, problem: "it is \(image.width)x\(image.height), the calibration says \(c.width)x\(c.height)")
            }
            guard case let .rgb8(rgb) = color.pixels, case let .gray16(units) = depth.pixels else {
                throw CaptureError.cameraFiles(path: folder, problem: "unexpected pixel format")
            }
            let scale = Float(c.depth_scale)
            var frame = RGBDFrame(width: c.width, height: c.height, color: rgb, depth: units.map { Float($0) * scale })
            if let u = undistortion[i] { frame = u.apply(frame) }
            frames.append(frame)
        }
        return CameraCapture(frames: frames)
    }

    /// Seconds since the file was last replaced.
    static func age(of path: String) throws -> Double {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let modified = attributes[.modificationDate] as? Date else {
            throw CaptureError.cameraFiles(path: path, problem: "the file is missing (is the camera driver running?)")
        }
        return max(0, Date().timeIntervalSince(modified))
    }

    /// Writes one camera's frame as a driver should (PNG to a temporary name, then rename), e.g. to feed
    /// the folder from recorded data or from the simulator.
    public static func write(_ frame: RGBDFrame, camera: CameraCalibration, to folder: String) throws {
        let scale = camera.depth_scale
        let units = frame.depth.map { d -> UInt16 in
            guard d.isFinite, d > 0 else { return 0 }
            return UInt16(min(65535, (Double(d) / scale).rounded()))
        }
        for (image, path) in [(PNGImage(width: frame.width, height: frame.height, pixels: .rgb8(frame.color)), colorPath(folder: folder, camera: camera.name)),
                              (PNGImage(width: frame.width, height: frame.height, pixels: .gray16(units)), depthPath(folder: folder, camera: camera.name))] {
            let temporary = path + ".tmp.png"
            try image.write(to: temporary, fast: true)
            guard rename(temporary, path) == 0 else {
                throw CaptureError.cameraFiles(path: path, problem: "cannot rename \(temporary) into place (\(String(cString: strerror(errno))))")
            }
        }
    }
}
