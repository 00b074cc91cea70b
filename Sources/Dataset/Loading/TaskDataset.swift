import Core
import Foundation
import Geometry

/// Where one episode lives: enough to read any of its steps, and nothing more (the loader keeps one of
/// these per episode, never the episode itself).
public struct EpisodeSlot: Equatable, Sendable, Codable {
    public var shard: String
    public var demo: String
    public var numSteps: Int
    /// Index in the dataset folder (`DatasetReader.episodes` order).
    public var index: Int

    public init(shard: String, demo: String, numSteps: Int, index: Int) {
        self.shard = shard; self.demo = demo; self.numSteps = numSteps; self.index = index
    }
}

/// One task's dataset folder (`<root>/<task>-<split>/`, or any folder or shard of one task), listed once.
public struct TaskDataset: Equatable, Sendable {
    public var task: String
    public var path: String
    public var episodes: [EpisodeSlot]
    /// CLIPort: the goal image is the next observation when the folder name contains "-seq", else the last.
    public var isSequential: Bool
    /// Every shard's heightmaps have this size (CLIPort's 320 x 160 unless the data was made on another grid).
    public var heightmapSize: HeightmapSize = .cliport
    /// Metres per heightmap pixel (the shards' workspace).
    public var pixelSize = Workspace.cliport.pixelSize

    public init(task: String, path: String, episodes: [EpisodeSlot], isSequential: Bool) {
        self.task = task; self.path = path; self.episodes = episodes; self.isSequential = isSequential
    }

    /// Lists the episodes of `path` (a folder of shards or one shard), one shard open at a time (listing
    /// through `DatasetReader` would hold every shard open, and libhdf5 keeps a metadata cache per file).
    public init(path: String, task: String? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw DatasetError.missing(path: path) }
        var shards = [path]
        if isDirectory.boolValue {
            shards = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".hdf5") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            guard !shards.isEmpty else { throw DatasetError.noShards(folder: path) }
        }
        var episodes: [EpisodeSlot] = []
        var headerTask: String?
        var heightmapSize: HeightmapSize?
        var pixelSize: Double?
        var index = 0
        for shard in shards {
            let file = try DatasetReader.openShard(shard)
            let data = try file.group(DatasetLayout.dataGroup)
            let header = try DatasetReader.readHeader(shard, data: data)
            let size = HeightmapSize(rows: header.workspace.rows, cols: header.workspace.cols)
            guard size == (heightmapSize ?? size) else {
                throw LoaderError.shapeMismatch(path: shard, detail: "heightmaps are \(size) but \(shards[0]) has \(heightmapSize!)")
            }
            heightmapSize = size
            pixelSize = pixelSize ?? header.workspace.pixelSize
            headerTask = headerTask ?? header.task
            let demos = try data.memberNames().compactMap { name in DatasetLayout.demoIndex(name).map { (name, $0) } }
                .sorted { $0.1 < $1.1 }.map(\.0)
            for demo in demos {
                let steps = try data.group(demo).attributes.int("num_samples")
                if steps > 0 { episodes.append(EpisodeSlot(shard: shard, demo: demo, numSteps: steps, index: index)) }
                index += 1
            }
            try file.close()
        }
        guard !episodes.isEmpty else { throw LoaderError.emptyDataset(path: path) }
        let name = task ?? headerTask ?? (path as NSString).lastPathComponent
        let folder = ((path as NSString).standardizingPath as NSString).lastPathComponent
        self.init(task: name, path: path, episodes: episodes, isSequential: folder.contains("-seq") || name.contains("-seq"))
        self.heightmapSize = heightmapSize ?? .cliport
        self.pixelSize = pixelSize ?? Workspace.cliport.pixelSize
    }

    /// The folder of `task` and `split` under a dataset root, as `cliport demos --out <root>` lays it out.
    public static func folder(root: String, task: String, split: Split) -> String {
        (root as NSString).appendingPathComponent("\(task)-\(split.rawValue)")
    }
}

/// Rows and columns of a dataset's heightmaps; every sample of a batch must share them.
public struct HeightmapSize: Equatable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var cols: Int
    public static let cliport = HeightmapSize(rows: 320, cols: 160)
    public var description: String { "\(rows)x\(cols)" }
}
