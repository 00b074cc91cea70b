import Core
import Dataset
import Foundation
import Geometry

/// Small pick-and-place episodes made without a simulator, for the loader's tests and benchmark: three 4 cm
/// blocks and three 8 cm "bowls" on a grid (never overlapping), each step moving one block onto one bowl.
/// The heightmap is rasterised straight from above (what fusion gives for boxes); camera frames are tiny
/// and blank, since the loader reads only heightmaps.
public enum SyntheticPickPlaceEpisodes {
    public static let workspace = Workspace.cliport
    /// A 16x12 camera looking straight down, so writing thousands of episodes stays cheap.
    public static let camera = CameraConfig(name: "top", intrinsics: CameraIntrinsics(width: 16, height: 12, fx: 20, fy: 20, cx: 8, cy: 6),
                                            pose: Pose(position: SIMD3(0.5, 0, 1), rotation: Quaternion(x: 1, y: 0, z: 0, w: 0)),
                                            zNear: 0.01, zFar: 10)
    static let palette: [(String, SIMD3<UInt8>)] = [
        ("blue", SIMD3(78, 121, 167)), ("green", SIMD3(89, 169, 79)), ("orange", SIMD3(242, 142, 43)),
        ("yellow", SIMD3(237, 201, 72)), ("red", SIMD3(255, 87, 89)), ("purple", SIMD3(176, 122, 161)),
        ("brown", SIMD3(156, 117, 95)), ("pink", SIMD3(255, 157, 167)),
    ]
    static let blockSize = 0.04, blockHeight = 0.04, bowlSize = 0.08, bowlHeight = 0.03

    struct Object {
        var name: String
        var color: SIMD3<UInt8>
        var center: SIMD2<Double>
        var size: Double
        var bottom: Double
        var height: Double
        var top: Double { bottom + height }
    }

    /// The top-down heightmap of `objects` (drawn in order, later ones on top) on `workspace`'s grid.
    static func heightmap(_ objects: [Object], workspace: Workspace = SyntheticPickPlaceEpisodes.workspace) -> Heightmap {
        var map = Heightmap(rows: workspace.rows, cols: workspace.cols)
        let s = workspace.pixelSize
        for r in 0..<map.rows {
            let y = workspace.yRange.lowerBound + (Double(r) + 0.5) * s
            for c in 0..<map.cols {
                let x = workspace.xRange.lowerBound + (Double(c) + 0.5) * s
                let r2 = (x - 0.5) * (x - 0.5) + y * y
                var color = SIMD3<Double>(repeating: 128 * (1.05 - 0.25 * min(r2, 1)))
                var height = 0.0
                for o in objects where abs(x - o.center.x) < o.size / 2 && abs(y - o.center.y) < o.size / 2 && o.top >= height {
                    color = SIMD3(Double(o.color.x), Double(o.color.y), Double(o.color.z))
                    height = o.top
                }
                let i = r * map.cols + c
                map.height[i] = Float(height)
                map.color[i * 3] = UInt8(color.x.rounded()); map.color[i * 3 + 1] = UInt8(color.y.rounded())
                map.color[i * 3 + 2] = UInt8(color.z.rounded())
            }
        }
        return map
    }

    static func observation(_ objects: [Object], workspace: Workspace = SyntheticPickPlaceEpisodes.workspace) -> ObservationRecord {
        let k = camera.intrinsics
        let frame = RGBDFrame(width: k.width, height: k.height, color: [UInt8](repeating: 0, count: k.width * k.height * 3),
                              depth: [Float](repeating: 1, count: k.width * k.height))
        return ObservationRecord(frames: [frame], heightmap: heightmap(objects, workspace: workspace),
                                 objectPoses: objects.map { Pose(position: SIMD3($0.center.x, $0.center.y, $0.bottom + $0.height / 2)) })
    }

    /// Episode `seed`: `steps` (1...3) actions, each putting block i on bowl i. A coarser `workspace` (same
    /// bounds, larger pixels) gives the same scene in smaller images, for fast training tests.
    public static func episode(seed: Int, steps: Int = 3, task: String = "put-block-in-bowl-seen-colors",
                               split: Split = .train, workspace: Workspace = SyntheticPickPlaceEpisodes.workspace) -> EpisodeRecord {
        precondition((1...3).contains(steps), "1 to 3 steps")
        var rng = SeededGenerator(seed: seed)
        var cells = Array(0..<32)  // a 4 x 8 grid of 12.5 cm cells
        for i in 0..<6 { cells.swapAt(i, i + Int(rng.next() % UInt64(32 - i))) }
        var colors = Array(palette.indices)
        for i in 0..<6 { colors.swapAt(i, i + Int(rng.next() % UInt64(palette.count - i))) }
        var objects: [Object] = (0..<6).map { i in
            let cell = cells[i]
            let x = 0.25 + 0.125 * (Double(cell % 4) + 0.5) + rng.uniform(-0.015, 0.015)
            let y = -0.5 + 0.125 * (Double(cell / 4) + 0.5) + rng.uniform(-0.015, 0.015)
            let isBowl = i >= 3
            let (name, color) = palette[colors[i]]
            return Object(name: "\(name) \(isBowl ? "bowl" : "block")", color: color, center: SIMD2(x, y),
                          size: isBowl ? bowlSize : blockSize, bottom: 0, height: isBowl ? bowlHeight : blockHeight)
        }
        // Draw bowls first so blocks set on them stay visible.
        func drawOrder(_ o: [Object]) -> [Object] { Array(o[3...]) + Array(o[..<3]) }
        var records: [StepRecord] = []
        for t in 0..<steps {
            let block = objects[t], bowl = objects[3 + t]
            let pick = Pose(position: SIMD3(block.center.x, block.center.y, block.bottom + block.height / 2),
                            rotation: Quaternion(yaw: rng.uniform(-Double.pi, Double.pi)))
            let place = Pose(position: SIMD3(bowl.center.x, bowl.center.y, bowl.top + block.height / 2),
                             rotation: Quaternion(yaw: rng.uniform(-Double.pi, Double.pi)))
            let instruction = "put the \(block.name) in the \(bowl.name)"
            records.append(StepRecord(observation: observation(drawOrder(objects), workspace: workspace),
                                      action: ActionRecord(pickPose: pick, placePose: place, workspace: workspace),
                                      reward: 1 / Double(steps), done: t == steps - 1, instruction: instruction))
            objects[t].center = bowl.center
            objects[t].bottom = bowl.top
        }
        let metadata = EpisodeMetadata(task: task, split: split.rawValue, seed: seed, success: true, totalReward: 1, source: .oracle,
                                       instruction: records[0].instruction, objectNames: objects.map(\.name))
        return EpisodeRecord(metadata: metadata, steps: records, finalObservation: observation(drawOrder(objects), workspace: workspace))
    }

    /// Writes `episodes` episodes of `task` into `directory` as shards of `episodesPerShard`; seeds are
    /// the split's (`Split.seed(episode:)`, CLIPort's).
    public static func writeDataset(directory: String, task: String = "put-block-in-bowl-seen-colors", split: Split = .train,
                                    episodes: Int, steps: Int = 3, episodesPerShard: Int = 100,
                                    workspace: Workspace = SyntheticPickPlaceEpisodes.workspace) throws {
        let header = DatasetHeader(task: task, split: split.rawValue, cameras: [camera], workspace: workspace)
        var writer: ShardWriter?
        for i in 0..<episodes {
            if i % episodesPerShard == 0 {
                try writer?.finish()
                writer = try ShardWriter(directory: directory, name: String(format: "shard-%04d", i / episodesPerShard), header: header)
            }
            try writer!.append(episode(seed: split.seed(episode: i), steps: steps, task: task, split: split, workspace: workspace))
        }
        try writer?.finish()
    }
}
