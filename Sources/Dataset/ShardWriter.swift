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

    /// Creates `directory` if needed and starts `<directory>/<name>.hdf5.partial`. `created` is the time the
    /// file records (nil: `SOURCE_DATE_EPOCH` when set, else now; see `DatasetCreationTime`).
    public init(directory: String, name: String, header: DatasetHeader, storage: ObservationStorage = .standard,
                created: Date? = nil) throws {
        var header = header
        header.depthEncoding = storage.depthEncoding
        self.header = header
        self.storage = storage
        finalPath = (directory as NSString).appendingPathComponent(name.hasSuffix(".hdf5") ? name : name + ".hdf5")
        partialPath = finalPath + ".partial"
        let createdText = try DatasetCreationTime.attribute(created)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.cannotWrite(path: directory, reason: "cannot create the folder (\(error.localizedDescription))",
                                           fix: .writableFolder)
        }
        guard fm.isWritableFile(atPath: directory) else {
            throw DatasetError.cannotWrite(path: directory, reason: "the folder is not writable", fix: .writableFolder)
        }
        if fm.fileExists(atPath: finalPath) {
            throw DatasetError.cannotWrite(path: finalPath, reason: "the shard already exists",
                                           fix: .other("choose another shard name or folder; finished shards are never overwritten"))
        }
        let partialPath = self.partialPath
        try DatasetWriteError.wrap(partialPath) {
            let file = try HDF5File.create(partialPath, overwrite: true)
            let root = try file.root()
            let envArgs = header.envArgsJSON()
            try ShardRootAttributes.write(to: root, header: header, envArgs: envArgs, created: createdText)
            let data = try root.createGroup(DatasetLayout.dataGroup)
            try data.attributes.set(DatasetLayout.FileAttribute.total, 0)
            try data.attributes.set(DatasetLayout.FileAttribute.envArgs, envArgs)
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
        try DatasetWriteError.wrap(partialPath) {
            let data = try file.group(DatasetLayout.dataGroup)
            let demo = try data.createGroup(name)
            try episode.metadata.write(to: demo.attributes, steps: episode.steps.count)
            try StepWriter(cameras: header.cameraNames, storage: storage)
                .write(episode.steps, finalObservation: episode.finalObservation, into: demo)
            totalSteps += episode.steps.count
            try data.attributes.set(DatasetLayout.FileAttribute.total, totalSteps)
        }
        demoNames.append(name)
        return name
    }

    /// Writes the masks, flushes, closes, fsyncs and renames the shard to its final name.
    @discardableResult
    public func finish() throws -> String {
        guard let file else { throw DatasetError.badRecord("the shard \(finalPath) is already finished or abandoned") }
        try DatasetWriteError.wrap(partialPath) {
            let defaults = ShardRootAttributes.defaultMasks(split: header.split, demos: demoNames)
            try ShardRootAttributes.writeMasks(in: try file.root(), train: trainMask ?? defaults.train, valid: validMask ?? defaults.valid)
            try file.close()
        }
        self.file = nil
        try DatasetError.writing { try DurableFile.commit(partialPath, to: finalPath) }
        return finalPath
    }

    /// Writes `episode` as a shard of its own (a staged oracle episode, an operator's episode) and returns
    /// its path; on any failure nothing is left behind.
    @discardableResult
    public static func writeEpisode(_ episode: EpisodeRecord, directory: String, name: String,
                                    header: DatasetHeader) throws -> String {
        let writer = try ShardWriter(directory: directory, name: name, header: header)
        do {
            try writer.append(episode)
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
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
}
