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
        shards = try DatasetFiles.shards(of: path)
        var headers: [DatasetHeader] = []
        var entries: [EpisodeEntry] = []
        var opened: [String: HDF5File] = [:]
        for shard in shards {
            let file = try DatasetReader.openShard(shard)
            opened[shard] = file
            let data = try file.group(DatasetLayout.dataGroup)
            let header = try DatasetReader.readHeader(shard, data: data)
            headers.append(header)
            typealias A = DatasetLayout.EpisodeAttribute
            for demo in try DatasetLayout.demoNames(in: data) {
                let a = try data.group(demo).attributes
                entries.append(EpisodeEntry(index: entries.count, shard: shard, demo: demo, seed: try a.int(A.seed),
                                            task: try a.string(A.task), split: try a.string(A.split),
                                            numSteps: try a.int(A.numSamples), success: try a.int(A.success) != 0,
                                            source: try a.string(A.source)))
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
        guard root.attributes.contains(DatasetLayout.FileAttribute.schemaVersion) else { throw DatasetError.notADataset(path: shard, missing: "schema_version attribute") }
        guard root.kind(of: DatasetLayout.dataGroup) == .group else { throw DatasetError.notADataset(path: shard, missing: "data group") }
        let version = try root.attributes.int(DatasetLayout.FileAttribute.schemaVersion)
        guard version >= 1, version <= DatasetLayout.schemaVersion else {
            throw DatasetError.unsupportedSchema(path: shard, found: version, supported: DatasetLayout.schemaVersion)
        }
        return file
    }

    static func readHeader(_ shard: String, data: HDF5Group) throws -> DatasetHeader {
        guard data.attributes.contains(DatasetLayout.FileAttribute.envArgs) else {
            throw DatasetError.notADataset(path: shard, missing: "data.env_args attribute")
        }
        do {
            return try DatasetHeader(envArgsJSON: try data.attributes.string(DatasetLayout.FileAttribute.envArgs))
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
        try EpisodeMetadata(attributes: try demoGroup(try entry(index)).attributes)
    }

    /// Per-step arrays of one episode (everything but the images).
    private struct StepArrays {
        var actions: [ActionRecord]
        var rewards: [Double]
        var dones: [UInt8]
        var instructions: [String]
    }

    private func stepArrays(_ demo: HDF5Group, steps t: Int) throws -> StepArrays {
        typealias K = DatasetLayout.StepKey
        let pick = try demo.dataset(K.pickPose).read(as: Double.self)
        let place = try demo.dataset(K.placePose).read(as: Double.self)
        let pickPixel = try demo.dataset(K.pickPixel).read(as: Int.self)
        let placePixel = try demo.dataset(K.placePixel).read(as: Int.self)
        let bins = try demo.dataset(K.placeRotationBin).read(as: Int.self)
        let actions = (0..<t).map { i in
            ActionRecord(pickPose: Pose(components: Array(pick[(i * 7)..<(i * 7 + 7)])),
                         placePose: Pose(components: Array(place[(i * 7)..<(i * 7 + 7)])),
                         pickPixel: Pixel(row: pickPixel[i * 2], col: pickPixel[i * 2 + 1]),
                         placePixel: Pixel(row: placePixel[i * 2], col: placePixel[i * 2 + 1]), rotationBin: bins[i])
        }
        return StepArrays(actions: actions, rewards: try demo.dataset(K.rewards).read(as: Double.self),
                          dones: try demo.dataset(K.dones).read(as: UInt8.self),
                          instructions: try demo.dataset(K.instructions).readStrings())
    }

    /// A whole episode.
    public func episode(_ index: Int) throws -> EpisodeRecord {
        let e = try entry(index)
        let header = headers[shards.firstIndex(of: e.shard)!]
        let demo = try demoGroup(e)
        let arrays = try stepArrays(demo, steps: e.numSteps)
        let obs = try ObservationReader(try demo.group(DatasetLayout.observationGroup), cameras: header.cameraNames)
        var steps: [StepRecord] = []
        for t in 0..<e.numSteps {
            steps.append(StepRecord(observation: try obs.read(at: t), action: arrays.actions[t], reward: arrays.rewards[t],
                                    done: arrays.dones[t] != 0, instruction: arrays.instructions[t]))
        }
        let final = try ObservationReader(try demo.group(DatasetLayout.finalObservationGroup), cameras: header.cameraNames).read(at: 0)
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
        let obs = try ObservationReader(try demo.group(DatasetLayout.observationGroup), cameras: header.cameraNames)
        return StepRecord(observation: try obs.read(at: t), action: arrays.actions[t], reward: arrays.rewards[t],
                          done: arrays.dones[t] != 0, instruction: arrays.instructions[t])
    }

    /// The observation after the last action of episode `index`.
    public func finalObservation(ofEpisode index: Int) throws -> ObservationRecord {
        let e = try entry(index)
        let header = headers[shards.firstIndex(of: e.shard)!]
        return try ObservationReader(try demoGroup(e).group(DatasetLayout.finalObservationGroup), cameras: header.cameraNames).read(at: 0)
    }

    /// The per-step instructions of episode `index`.
    public func instructions(_ index: Int) throws -> [String] {
        try demoGroup(try entry(index)).dataset(DatasetLayout.StepKey.instructions).readStrings()
    }

    /// On-disk bytes of the image datasets of episode `index` (obs and final_obs), and the number of observations.
    func observationStorage(_ index: Int) throws -> (bytes: Int, observations: Int) {
        let e = try entry(index)
        let demo = try demoGroup(e)
        var bytes = 0
        for groupName in [DatasetLayout.observationGroup, DatasetLayout.finalObservationGroup] {
            let g = try demo.group(groupName)
            for name in try g.memberNames() { bytes += try g.dataset(name).storageSize() }
        }
        return (bytes, e.numSteps + 1)
    }
}
