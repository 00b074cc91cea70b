import Foundation
import Geometry
@testable import Dataset

/// Small, cheap, deterministic episodes at the real camera and heightmap sizes (pattern images, not a
/// renderer: debug builds are too slow to ray-trace many frames).
enum TestEpisodes {
    static let cameras = CameraConfig.realSenseD415
    static let workspace = Workspace.cliport

    static func frame(_ camera: Int, _ t: Int, seed: Int) -> RGBDFrame {
        let w = 640, h = 480
        var color = [UInt8](repeating: 0, count: w * h * 3)
        var depth = [Float](repeating: 0, count: w * h)
        let boxRow = 100 + 37 * ((seed + t) % 5), boxCol = 150 + 41 * ((seed + camera) % 7)
        for v in 0..<h {
            for u in 0..<w {
                let i = v * w + u
                let inBox = v >= boxRow && v < boxRow + 40 && u >= boxCol && u < boxCol + 60
                color[i * 3] = inBox ? UInt8(truncatingIfNeeded: 200 + seed) : UInt8(truncatingIfNeeded: 100 + v / 16)
                color[i * 3 + 1] = inBox ? 60 : UInt8(truncatingIfNeeded: 100 + camera * 10 + t)
                color[i * 3 + 2] = UInt8(truncatingIfNeeded: (u ^ v) & 7)
                // Table-like depth constant along rows, a closer box, and no depth in the top corner.
                depth[i] = (v < 10 && u < 10) ? 0 : (inBox ? 0.6123456 : 0.5 + Float(v) * 0.0021 + Float(camera) * 0.01)
            }
        }
        return RGBDFrame(width: w, height: h, color: color, depth: depth)
    }

    static func observation(_ t: Int, seed: Int, objects: Int) -> ObservationRecord {
        var map = Heightmap(rows: workspace.rows, cols: workspace.cols)
        for r in 0..<map.rows {
            for c in 0..<map.cols {
                let cell = r * map.cols + c
                let onObject = (r / 20 + c / 20 + t + seed) % 7 == 0
                map.height[cell] = onObject ? 0.04 + Float(seed) * 0.0001 : 0
                map.color[cell * 3] = onObject ? 255 : 128
                map.color[cell * 3 + 1] = UInt8(truncatingIfNeeded: r)
                map.color[cell * 3 + 2] = UInt8(truncatingIfNeeded: c + t)
            }
        }
        let poses = (0..<objects).map { k in
            Pose(position: SIMD3(0.3 + 0.05 * Double(k), -0.2 + 0.01 * Double(t), 0.02),
                 rotation: Quaternion(yaw: 0.3 * Double(k + seed)))
        }
        return ObservationRecord(frames: (0..<3).map { frame($0, t, seed: seed) }, heightmap: map, objectPoses: poses)
    }

    static func episode(seed: Int, steps: Int, objects: Int = 2, task: String = "put-block-in-bowl-seen-colors",
                        split: String = "train") -> EpisodeRecord {
        let instruction = "put the red blocks in a green bowl"
        let stepRecords = (0..<steps).map { t -> StepRecord in
            let pick = Pose(position: SIMD3(0.4 + 0.01 * Double(t), 0.1, 0.02), rotation: Quaternion(yaw: 0.2))
            let place = Pose(position: SIMD3(0.6, -0.1 - 0.02 * Double(seed), 0.03), rotation: Quaternion(yaw: -0.5))
            return StepRecord(observation: observation(t, seed: seed, objects: objects),
                              action: ActionRecord(pickPose: pick, placePose: place, workspace: workspace),
                              reward: 1.0 / Double(steps), done: t == steps - 1,
                              instruction: t == 0 ? instruction : "\(instruction) (step \(t)) é")
        }
        let metadata = EpisodeMetadata(task: task, split: split, seed: seed, success: true, totalReward: 1,
                                       source: .oracle, instruction: instruction,
                                       objectNames: (0..<objects).map { "object \($0) — ü" },
                                       modelFile: "<mujoco model=\"tabletop\"><worldbody/></mujoco>")
        return EpisodeRecord(metadata: metadata, steps: stepRecords, finalObservation: observation(steps, seed: seed, objects: objects))
    }

    static func header(task: String = "put-block-in-bowl-seen-colors", split: String = "train") -> DatasetHeader {
        DatasetHeader(task: task, split: split, cameras: cameras, workspace: workspace)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "cliport-dataset-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
