import Core
import Foundation
import Geometry
import HDF5

/// Writes episodes into one HDF5 shard, atomically: everything goes to `<name>.hdf5.partial`, and
/// `finish()` flushes, fsyncs and renames it to `<name>.hdf5`, so a reader never sees half a shard.
/// `abandon()` (or a crash) leaves no `.hdf5` behind; a stale `.partial` is simply overwritten next time.
public final class ShardWriter {
    public let header: DatasetHeader
    public let storage: ObservationStorage
    public let finalPath: String
    public let partialPath: String
    /// Names of the episodes written so far ("demo_0", "demo_1", ...).
    public private(set) var demoNames: [String] = []
    /// Steps written so far (the `data.total` attribute).
    public private(set) var totalSteps = 0
    /// robomimic filter keys written on `finish()`. By default every demo goes to `train` for the train
    /// split and to `valid` for the val split; test shards leave both empty.
    public var trainMask: [String]?
    public var validMask: [String]?

    private var file: HDF5File?

    /// Creates `directory` if needed and starts `<directory>/<name>.hdf5.partial`.
    public init(directory: String, name: String, header: DatasetHeader, storage: ObservationStorage = .standard) throws {
        var header = header
        header.depthEncoding = storage.depthEncoding
        self.header = header
        self.storage = storage
        finalPath = (directory as NSString).appendingPathComponent(name.hasSuffix(".hdf5") ? name : name + ".hdf5")
        partialPath = finalPath + ".partial"
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.cannotWrite(path: directory, reason: "cannot create the folder (\(error.localizedDescription))",
                                           fix: "choose a writable folder with --out, or fix its permissions")
        }
        guard fm.isWritableFile(atPath: directory) else {
            throw DatasetError.cannotWrite(path: directory, reason: "the folder is not writable",
                                           fix: "choose a writable folder with --out, or fix its permissions")
        }
        if fm.fileExists(atPath: finalPath) {
            throw DatasetError.cannotWrite(path: finalPath, reason: "the shard already exists",
                                           fix: "choose another shard name or folder; finished shards are never overwritten")
        }
        try wrapWriteErrors {
            let file = try HDF5File.create(partialPath, overwrite: true)
            let root = try file.root()
            try root.attributes.set("schema_version", header.schemaVersion)
            try root.attributes.set("generator", header.generator)
            try root.attributes.set("created", ISO8601DateFormatter().string(from: Date()))
            try root.attributes.set("env_args", header.envArgsJSON())
            let data = try root.createGroup(DatasetLayout.dataGroup)
            try data.attributes.set("total", 0)
            try data.attributes.set("env_args", header.envArgsJSON())
            self.file = file
        }
    }

    deinit {
        // Never leave an unfinished shard looking finished; the partial file stays for inspection.
        try? file?.close()
    }

    /// Appends one episode as `data/demo_N` and returns its name.
    @discardableResult
    public func append(_ episode: EpisodeRecord) throws -> String {
        guard let file else { throw DatasetError.badRecord("the shard \(finalPath) is already finished or abandoned") }
        try validate(episode)
        let name = DatasetLayout.demoName(demoNames.count)
        try wrapWriteErrors {
            let data = try file.group(DatasetLayout.dataGroup)
            let demo = try data.createGroup(name)
            try writeEpisode(episode, into: demo)
            totalSteps += episode.steps.count
            try data.attributes.set("total", totalSteps)
        }
        demoNames.append(name)
        return name
    }

    /// Writes the masks, flushes, closes, fsyncs and renames the shard to its final name.
    @discardableResult
    public func finish() throws -> String {
        guard let file else { throw DatasetError.badRecord("the shard \(finalPath) is already finished or abandoned") }
        try wrapWriteErrors {
            let root = try file.root()
            let mask = try root.groupCreatingIfNeeded(DatasetLayout.maskGroup)
            let train = trainMask ?? (header.split == "train" ? demoNames : [])
            let valid = validMask ?? (header.split == "val" ? demoNames : [])
            for (key, names) in [("train", train), ("valid", valid)] {
                if mask.contains(key) { try mask.removeMember(key) }
                try mask.writeStrings(key, names)
            }
            try file.close()
        }
        self.file = nil
        try DatasetError.writing { try DurableFile.commit(partialPath, to: finalPath) }
        return finalPath
    }

    /// Drops the shard: closes and deletes the partial file.
    public func abandon() {
        try? file?.close()
        file = nil
        try? FileManager.default.removeItem(atPath: partialPath)
    }

    // MARK: -

    private func validate(_ e: EpisodeRecord) throws {
        guard !e.steps.isEmpty else { throw DatasetError.badRecord("an episode needs at least one step (seed \(e.metadata.seed))") }
        let observations = e.steps.map(\.observation) + [e.finalObservation]
        let cams = header.cameras
        for o in observations {
            guard o.frames.count == cams.count else {
                throw DatasetError.badRecord("an observation has \(o.frames.count) frames; the header has \(cams.count) cameras")
            }
            for (f, c) in zip(o.frames, cams) where f.width != c.intrinsics.width || f.height != c.intrinsics.height {
                throw DatasetError.badRecord("camera \(c.name) frame is \(f.width)x\(f.height), its intrinsics say "
                                             + "\(c.intrinsics.width)x\(c.intrinsics.height)")
            }
            guard o.heightmap.rows == header.workspace.rows, o.heightmap.cols == header.workspace.cols else {
                throw DatasetError.badRecord("heightmap is \(o.heightmap.rows)x\(o.heightmap.cols), the workspace gives "
                                             + "\(header.workspace.rows)x\(header.workspace.cols)")
            }
            guard o.objectPoses.count == e.metadata.objectNames.count else {
                throw DatasetError.badRecord("\(o.objectPoses.count) object poses but \(e.metadata.objectNames.count) object names")
            }
        }
    }

    private func writeEpisode(_ e: EpisodeRecord, into demo: HDF5Group) throws {
        let m = e.metadata
        let t = e.steps.count
        let a = demo.attributes
        try a.set("num_samples", t)
        try a.set("task", m.task)
        try a.set("split", m.split)
        try a.set("seed", m.seed)
        try a.set("success", m.success)
        try a.set("total_reward", m.totalReward)
        try a.set("source", m.source.rawValue)
        try a.set("instruction", m.instruction)
        try a.set("object_names", m.objectNames)
        try a.set("model_file", m.modelFile)
        try a.set("failure_reason", m.failureReason)

        let cameras = header.cameraNames
        let obs = try ObservationDatasets.create(in: try demo.createGroup("obs"), count: t, cameras: cameras,
                                                 sample: e.steps[0].observation, storage: storage)
        for (i, step) in e.steps.enumerated() { try obs.write(step.observation, at: i) }
        let final = try ObservationDatasets.create(in: try demo.createGroup("final_obs"), count: 1, cameras: cameras,
                                                   sample: e.finalObservation, storage: storage)
        try final.write(e.finalObservation, at: 0)

        let actions = e.steps.map(\.action)
        try demo.writeDataset("actions", actions.flatMap(\.vector), shape: [t, 14])
        try demo.writeDataset("action_dict/pick_pose", actions.flatMap { $0.pickPose.components.map(Float.init) }, shape: [t, 7])
        try demo.writeDataset("action_dict/place_pose", actions.flatMap { $0.placePose.components.map(Float.init) }, shape: [t, 7])
        try demo.writeDataset("action_dict/pick_pixel", actions.flatMap { [Int32($0.pickPixel.row), Int32($0.pickPixel.col)] },
                              shape: [t, 2])
        try demo.writeDataset("action_dict/place_pixel", actions.flatMap { [Int32($0.placePixel.row), Int32($0.placePixel.col)] },
                              shape: [t, 2])
        try demo.writeDataset("action_dict/place_rotation_bin", actions.map { Int32($0.rotationBin) }, shape: [t])
        try demo.writeDataset("rewards", e.steps.map(\.reward), shape: [t])
        try demo.writeDataset("dones", e.steps.map { UInt8($0.done ? 1 : 0) }, shape: [t])
        try demo.writeStrings("instructions", e.steps.map(\.instruction))
    }

    /// Turns HDF5 write failures into errors that say what to do.
    private func wrapWriteErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as HDF5Error {
            if error.isDiskFull {
                throw DatasetError.cannotWrite(path: partialPath, reason: "the disk is full",
                                               fix: "free space or write to another folder with --out; finished shards are intact")
            }
            let text = error.description
            if text.contains("Permission denied") || text.contains("Read-only file system") {
                throw DatasetError.cannotWrite(path: partialPath, reason: "the folder is not writable",
                                               fix: "choose a writable folder with --out, or fix its permissions")
            }
            throw DatasetError.cannotWrite(path: partialPath, reason: text, fix: "check the folder and free space, then retry")
        }
    }
}
