import Core
import Foundation
import HDF5

/// Builds one shard from episodes stored in other files (the staged one-episode files of a generation unit)
/// by copying their `data/demo_N` groups: chunks are copied as stored, so images are not recompressed.
/// The shard is written as `<name>.hdf5.partial`, fsynced and renamed, like `ShardWriter`.
public enum ShardAssembler {
    /// One episode to copy: `group` (e.g. "data/demo_0") of `file`.
    public struct Source: Sendable {
        public var file: String
        public var group: String
        public init(file: String, group: String = DatasetLayout.demoPath(0)) { self.file = file; self.group = group }
    }

    /// Writes `<directory>/<name>.hdf5` holding `sources` as demo_0, demo_1, ... in order, with the root
    /// attributes of a shard (the `env_args` of the first source), the default masks of its split and,
    /// when given, the generation record. Returns the shard's path.
    @discardableResult
    /// `created`: the time the shard records (nil: `SOURCE_DATE_EPOCH` when set, else now).
    public static func assemble(_ sources: [Source], directory: String, name: String,
                                generation: ShardGenerationRecord? = nil, created: Date? = nil) throws -> String {
        guard let first = sources.first else { throw DatasetError.badRecord("a shard needs at least one episode") }
        let finalPath = (directory as NSString).appendingPathComponent(name.hasSuffix(".hdf5") ? name : name + ".hdf5")
        let partialPath = finalPath + ".partial"
        typealias A = DatasetLayout.FileAttribute
        let envArgs = try DatasetReader.openShard(first.file).group(DatasetLayout.dataGroup).attributes.string(A.envArgs)
        let header = try DatasetHeader(envArgsJSON: envArgs)
        let createdText = try DatasetCreationTime.attribute(created)
        try DatasetError.writing { try DurableFile.requireFreeSpace(DurableFile.size(sources.map(\.file)), in: directory) }
        do {
            try DatasetWriteError.wrap(partialPath) {
                let out = try HDF5File.create(partialPath, overwrite: true)
                let root = try out.root()
                try ShardRootAttributes.write(to: root, header: header, envArgs: envArgs, created: createdText)
                try generation?.write(to: root.attributes)
                let data = try root.createGroup(DatasetLayout.dataGroup)
                try data.attributes.set(A.envArgs, envArgs)
                var total = 0, names: [String] = []
                for (i, source) in sources.enumerated() {
                    let file = try DatasetReader.openShard(source.file)
                    let sourceData = try file.group(DatasetLayout.dataGroup)
                    guard try sourceData.attributes.string(A.envArgs) == envArgs else {
                        throw DatasetError.corrupt(path: source.file, detail: "its env_args differ from \(first.file)'s; "
                                                   + "one shard holds one task, split and camera setup")
                    }
                    let demoName = DatasetLayout.demoName(i)
                    let sourceRoot = try file.root()
                    try sourceRoot.copyMember(source.group, to: data, as: demoName)
                    total += try data.group(demoName).attributes.int(DatasetLayout.EpisodeAttribute.numSamples)
                    names.append(demoName)
                }
                try data.attributes.set(A.total, total)
                let masks = ShardRootAttributes.defaultMasks(split: header.split, demos: names)
                try ShardRootAttributes.writeMasks(in: root, train: masks.train, valid: masks.valid)
                try out.close()
            }
            try DatasetError.writing { try DurableFile.commit(partialPath, to: finalPath) }
        } catch {
            try? FileManager.default.removeItem(atPath: partialPath)
            throw error
        }
        return finalPath
    }
}
