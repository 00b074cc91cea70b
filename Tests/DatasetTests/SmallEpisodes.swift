import Foundation
import Geometry
import HDF5
@testable import Dataset

/// Tiny episodes (no cameras, a 20 x 10 heightmap) so that shards of a hundred episodes are cheap to write,
/// and shards with the generation record `cliport demos` writes.
enum SmallEpisodes {
    static let task = "put-block-in-bowl-seen-colors"
    static let workspace = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: 0...0.28, pixelSize: 0.05)

    static func header(task: String = task, split: String = "train") -> DatasetHeader {
        DatasetHeader(task: task, split: split, cameras: [], workspace: workspace)
    }

    static func observation(_ t: Int, seed: Int) -> ObservationRecord {
        var map = Heightmap(rows: workspace.rows, cols: workspace.cols)
        for i in map.height.indices { map.height[i] = Float((i + t + seed) % 5) * 0.01 }
        for i in map.color.indices { map.color[i] = UInt8(truncatingIfNeeded: i * 7 + seed) }
        return ObservationRecord(frames: [], heightmap: map,
                                 objectPoses: [Pose(position: SIMD3(0.3, -0.1 + 0.01 * Double(t), 0.02), rotation: Quaternion(yaw: 0.1))])
    }

    static func episode(seed: Int, steps: Int = 2, task: String = task, split: String = "train",
                        pickHeight: Double = 0.02, reward: Double? = nil) -> EpisodeRecord {
        let records = (0..<steps).map { t in
            StepRecord(observation: observation(t, seed: seed),
                       action: ActionRecord(pickPose: Pose(position: SIMD3(0.4 + 0.01 * Double(t), 0.1, pickHeight), rotation: Quaternion(yaw: 0.2)),
                                            placePose: Pose(position: SIMD3(0.6, -0.1, 0.03), rotation: Quaternion(yaw: -0.5)),
                                            workspace: workspace),
                       reward: reward ?? 1.0 / Double(steps), done: t == steps - 1, instruction: "put the red block in a green bowl")
        }
        return EpisodeRecord(metadata: EpisodeMetadata(task: task, split: split, seed: seed, success: true, totalReward: 1, source: .oracle,
                                                       instruction: "put the red block in a green bowl", objectNames: ["red block"]),
                             steps: records, finalObservation: observation(steps, seed: seed))
    }

    /// Writes `shard-<unit>.hdf5` in `folder` as unit `unit` of a `cliport demos` plan of `episodes` train
    /// episodes, `perShard` per shard (every seed succeeded), with its generation record.
    @discardableResult
    static func generatedShard(unit: Int, episodes: Int, perShard: Int, folder: String, created: Date? = nil,
                               storage: ObservationStorage = .standard, task: String = task) throws -> String {
        let units = (episodes + perShard - 1) / perShard
        let count = max(0, min(perShard, episodes - unit * perShard))
        let seeds = (0..<count).map { 2 * (unit + $0 * units) }
        let writer = try ShardWriter(directory: folder, name: ShardGenerationRecord.shardFileName(unit: unit), header: header(task: task),
                                     storage: storage, created: created)
        for seed in seeds { try writer.append(episode(seed: seed)) }
        let partial = writer.partialPath
        // The generation record goes in before the shard is finished, as `ShardAssembler` writes it.
        let record = ShardGenerationRecord(unit: unit, units: units, episodes: episodes, episodesPerShard: perShard, firstEpisode: 0,
                                           seedsTried: seeds, seedsFailed: [], failureKinds: [])
        do {
            let file = try HDF5File.open(partial, mode: .readWrite)
            try record.write(to: try file.root().attributes)
            try file.close()
        }
        return try writer.finish()
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String { try TestEpisodes.temporaryDirectory() }
}
