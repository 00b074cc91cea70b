import Foundation
import Geometry
import HDF5

/// One episode as listed by `DatasetReader`.
public struct EpisodeEntry: Equatable, Codable, Sendable {
    /// Index across the whole dataset (shards in name order, demos in number order).
    public var index: Int
    public var shard: String
    public var demo: String
    public var seed: Int
    public var task: String
    public var split: String
    public var numSteps: Int
    public var success: Bool
    public var source: String
}

/// Reads a dataset: one shard file, or a folder of `*.hdf5` shards (sorted by name; `.partial` files are
/// unfinished and ignored). Files stay open while the reader lives; open one reader per process.
public final class DatasetReader {
    public let path: String
    public let shards: [String]
    /// Headers per shard, in `shards` order.
    public let headers: [DatasetHeader]
    public let episodes: [EpisodeEntry]
    private var files: [String: HDF5File] = [:]

    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw DatasetError.missing(path: path) }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".hdf5") }.sorted()
            guard !names.isEmpty else { throw DatasetError.noShards(folder: path) }
            shards = names.map { (path as NSString).appendingPathComponent($0) }
        } else {
            shards = [path]
        }
        var headers: [DatasetHeader] = []
        var entries: [EpisodeEntry] = []
        var opened: [String: HDF5File] = [:]
        for shard in shards {
            let file = try DatasetReader.openShard(shard)
            opened[shard] = file
            let data = try file.group(DatasetLayout.dataGroup)
            let header = try DatasetReader.readHeader(shard, data: data)
            headers.append(header)
            let demos = try data.memberNames().compactMap { name in DatasetLayout.demoIndex(name).map { (name, $0) } }
                .sorted { $0.1 < $1.1 }.map(\.0)
            for demo in demos {
                let a = try data.group(demo).attributes
                entries.append(EpisodeEntry(index: entries.count, shard: shard, demo: demo, seed: try a.int("seed"),
                                            task: try a.string("task"), split: try a.string("split"),
                                            numSteps: try a.int("num_samples"), success: try a.int("success") != 0,
                                            source: try a.string("source")))
            }
        }
        self.headers = headers
        self.episodes = entries
        self.files = opened
    }

    /// Opens one shard and checks that it is a cliport dataset this code can read.
    static func openShard(_ shard: String) throws -> HDF5File {
        guard FileManager.default.fileExists(atPath: shard) else { throw DatasetError.missing(path: shard) }
        guard HDF5File.isHDF5(shard) else { throw DatasetError.notHDF5(path: shard) }
        let file = try HDF5File.open(shard)
        let root = try file.root()
        guard root.attributes.contains("schema_version") else { throw DatasetError.notADataset(path: shard, missing: "schema_version attribute") }
        guard root.kind(of: DatasetLayout.dataGroup) == .group else { throw DatasetError.notADataset(path: shard, missing: "data group") }
        let version = try root.attributes.int("schema_version")
        guard version >= 1, version <= DatasetLayout.schemaVersion else {
            throw DatasetError.unsupportedSchema(path: shard, found: version, supported: DatasetLayout.schemaVersion)
        }
        return file
    }

    static func readHeader(_ shard: String, data: HDF5Group) throws -> DatasetHeader {
        guard data.attributes.contains("env_args") else { throw DatasetError.notADataset(path: shard, missing: "data.env_args attribute") }
        do {
            return try DatasetHeader(envArgsJSON: try data.attributes.string("env_args"))
        } catch let error as DecodingError {
            throw DatasetError.corrupt(path: shard, detail: "env_args is not the expected JSON (\(error))")
        }
    }

    /// Tasks and splits present (from the shard headers), e.g. to refuse mixing tasks in one folder.
    public var tasks: Set<String> { Set(headers.map(\.task)) }
    public var splits: Set<String> { Set(headers.map(\.split)) }
    /// Seeds already stored, e.g. to resume generation after the highest one.
    public var seeds: [Int] { episodes.map(\.seed) }

    /// The header of the shard holding episode `index`.
    public func header(ofEpisode index: Int) throws -> DatasetHeader {
        let e = try entry(index)
        return headers[shards.firstIndex(of: e.shard)!]
    }

    public func entry(_ index: Int) throws -> EpisodeEntry {
        guard episodes.indices.contains(index) else {
            throw DatasetError.outOfRange("episode \(index) does not exist: \(path) has \(episodes.count) episodes (0..<\(episodes.count))")
        }
        return episodes[index]
    }

    private func demoGroup(_ e: EpisodeEntry) throws -> HDF5Group {
        let file = try files[e.shard] ?? DatasetReader.openShard(e.shard)
        files[e.shard] = file
        return try file.group("\(DatasetLayout.dataGroup)/\(e.demo)")
    }

    /// The attributes of episode `index`.
    public func metadata(_ index: Int) throws -> EpisodeMetadata {
        let e = try entry(index)
        let a = try demoGroup(e).attributes
        return EpisodeMetadata(task: try a.string("task"), split: try a.string("split"), seed: try a.int("seed"),
                               success: try a.int("success") != 0, totalReward: try a.double("total_reward"),
                               source: EpisodeSource(rawValue: try a.string("source")) ?? .oracle,
                               instruction: try a.string("instruction"), objectNames: try a.strings("object_names"),
                               modelFile: try a.string("model_file"), failureReason: try a.string("failure_reason"))
    }

    /// Per-step arrays of one episode (everything but the images).
    private struct StepArrays {
        var actions: [ActionRecord]
        var rewards: [Double]
        var dones: [UInt8]
        var instructions: [String]
    }

    private func stepArrays(_ demo: HDF5Group, steps t: Int) throws -> StepArrays {
        let pick = try demo.dataset("action_dict/pick_pose").read(as: Double.self)
        let place = try demo.dataset("action_dict/place_pose").read(as: Double.self)
        let pickPixel = try demo.dataset("action_dict/pick_pixel").read(as: Int.self)
        let placePixel = try demo.dataset("action_dict/place_pixel").read(as: Int.self)
        let bins = try demo.dataset("action_dict/place_rotation_bin").read(as: Int.self)
        let actions = (0..<t).map { i in
            ActionRecord(pickPose: Pose(components: Array(pick[(i * 7)..<(i * 7 + 7)])),
                         placePose: Pose(components: Array(place[(i * 7)..<(i * 7 + 7)])),
                         pickPixel: Pixel(row: pickPixel[i * 2], col: pickPixel[i * 2 + 1]),
                         placePixel: Pixel(row: placePixel[i * 2], col: placePixel[i * 2 + 1]), rotationBin: bins[i])
        }
        return StepArrays(actions: actions, rewards: try demo.dataset("rewards").read(as: Double.self),
                          dones: try demo.dataset("dones").read(as: UInt8.self),
                          instructions: try demo.dataset("instructions").readStrings())
    }

    /// A whole episode.
    public func episode(_ index: Int) throws -> EpisodeRecord {
        let e = try entry(index)
        let header = headers[shards.firstIndex(of: e.shard)!]
        let demo = try demoGroup(e)
        let arrays = try stepArrays(demo, steps: e.numSteps)
        let obs = try ObservationDatasets.open(try demo.group("obs"), cameras: header.cameraNames)
        var steps: [StepRecord] = []
        for t in 0..<e.numSteps {
            steps.append(StepRecord(observation: try obs.read(at: t), action: arrays.actions[t], reward: arrays.rewards[t],
                                    done: arrays.dones[t] != 0, instruction: arrays.instructions[t]))
        }
        let final = try ObservationDatasets.open(try demo.group("final_obs"), cameras: header.cameraNames).read(at: 0)
        return EpisodeRecord(metadata: try metadata(index), steps: steps, finalObservation: final)
    }

    /// One step of an episode (reads only that step's image chunks).
    public func step(_ t: Int, ofEpisode index: Int) throws -> StepRecord {
        let e = try entry(index)
        guard t >= 0, t < e.numSteps else {
            throw DatasetError.outOfRange("step \(t) does not exist: episode \(index) has \(e.numSteps) steps (0..<\(e.numSteps))")
        }
        let header = headers[shards.firstIndex(of: e.shard)!]
        let demo = try demoGroup(e)
        let arrays = try stepArrays(demo, steps: e.numSteps)
        let obs = try ObservationDatasets.open(try demo.group("obs"), cameras: header.cameraNames)
        return StepRecord(observation: try obs.read(at: t), action: arrays.actions[t], reward: arrays.rewards[t],
                          done: arrays.dones[t] != 0, instruction: arrays.instructions[t])
    }

    /// The observation after the last action of episode `index`.
    public func finalObservation(ofEpisode index: Int) throws -> ObservationRecord {
        let e = try entry(index)
        let header = headers[shards.firstIndex(of: e.shard)!]
        return try ObservationDatasets.open(try demoGroup(e).group("final_obs"), cameras: header.cameraNames).read(at: 0)
    }

    /// The per-step instructions of episode `index`.
    public func instructions(_ index: Int) throws -> [String] {
        try demoGroup(try entry(index)).dataset("instructions").readStrings()
    }

    /// On-disk bytes of the image datasets of episode `index` (obs and final_obs), and the number of observations.
    func observationStorage(_ index: Int) throws -> (bytes: Int, observations: Int) {
        let e = try entry(index)
        let demo = try demoGroup(e)
        var bytes = 0
        for groupName in ["obs", "final_obs"] {
            let g = try demo.group(groupName)
            for name in try g.memberNames() { bytes += try g.dataset(name).storageSize() }
        }
        return (bytes, e.numSteps + 1)
    }
}
