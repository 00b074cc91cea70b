import Foundation
import Geometry

/// `cliport dataset split`: draws a validation subset of a dataset's episodes and writes robomimic's filter
/// keys `mask/train` and `mask/valid` into every file (each file lists its own demos). The draw depends only
/// on the episodes (ordered by task, split and seed) and `seed`, so it is the same on any machine. Every
/// file is rewritten atomically (`ShardRewriter`): images are copied as stored, never recompressed.
public enum DatasetSplitter {
    public struct Result: Codable, Sendable {
        public var train: Int
        public var valid: Int
        public var files: [String]
        public var validSeeds: [Int]
    }

    public static func split(_ path: String, validFraction: Double, seed: UInt64 = 0) throws -> Result {
        guard validFraction >= 0, validFraction <= 1 else {
            throw DatasetError.badSetting(name: "the validation fraction", value: "\(validFraction)",
                                          allowed: "from 0 to 1 (0 <= f <= 1; e.g. 0.1 puts a tenth of the episodes in mask/valid)")
        }
        let shards = try DatasetFiles.shards(of: path)
        var episodes: [(file: String, demo: String, key: String, seed: Int)] = []
        for shard in shards {
            let file = try DatasetReader.openShard(shard)
            let data = try file.group(DatasetLayout.dataGroup)
            typealias A = DatasetLayout.EpisodeAttribute
            for demo in try DatasetLayout.demoNames(in: data) {
                let a = try data.group(demo).attributes
                let s = try a.int(A.seed)
                episodes.append((shard, demo, "\(try a.string(A.task)) \(try a.string(A.split)) \(String(format: "%012d", s))", s))
            }
        }
        // A canonical order first, so the draw does not depend on how the episodes are spread over files.
        episodes.sort { $0.key < $1.key }
        var count = Int((validFraction * Double(episodes.count)).rounded(.down))
        if validFraction > 0, count == 0, episodes.count >= 2 { count = 1 }
        if validFraction < 1, count == episodes.count, count > 0 { count -= 1 }
        var rng = SeededGenerator(seed: seed)
        var order = Array(episodes.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) {  // Fisher-Yates
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        let valid = Set(order.prefix(count))
        for shard in shards {
            let mine = episodes.indices.filter { episodes[$0].file == shard }
                .sorted { DatasetLayout.demoIndex(episodes[$0].demo)! < DatasetLayout.demoIndex(episodes[$1].demo)! }
            try ShardRewriter.rewrite(shard, train: mine.filter { !valid.contains($0) }.map { episodes[$0].demo },
                                      valid: mine.filter { valid.contains($0) }.map { episodes[$0].demo })
        }
        return Result(train: episodes.count - count, valid: count, files: shards,
                      validSeeds: valid.map { episodes[$0].seed }.sorted())
    }
}
