import Core
import Foundation
import HDF5

/// `cliport dataset merge`: joins datasets into one small HDF5 file whose `data/demo_N` are external links
/// to the shards' groups, so nothing is copied. h5py, robomimic and `DatasetReader` open it like a shard.
/// The masks of the shards are carried over. Link targets are stored relative to the merged file's folder,
/// so the merged file and the shards can move together.
public enum DatasetMerger {
    public struct Result: Codable, Sendable {
        public var out: String
        public var shards: Int
        public var episodes: Int
        public var steps: Int
    }

    /// `created`: the time the merged file records (nil: `SOURCE_DATE_EPOCH` when set, else now).
    @discardableResult
    public static func merge(_ inputs: [String], out: String, created: Date? = nil) throws -> Result {
        guard !inputs.isEmpty else { throw DatasetError.badRecord("give at least one dataset folder or shard to merge") }
        let outPath = DatasetFiles.absolute(out)
        let outFolder = (outPath as NSString).deletingLastPathComponent
        let createdText = try DatasetCreationTime.attribute(created)
        var shards: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue,
               DatasetFiles.absolute(input) == outFolder {
                throw DatasetError.cannotWrite(path: out, reason: "it is inside the dataset folder \(input), where it would be read as one more shard",
                                               fix: .other("write the merged file next to the folder, e.g. \(input.hasSuffix("/") ? String(input.dropLast()) : input).hdf5"))
            }
            shards += try DatasetFiles.shards(of: input).map(DatasetFiles.absolute).filter { $0 != outPath }
        }
        guard !shards.isEmpty else { throw DatasetError.noShards(folder: inputs.joined(separator: ", ")) }
        if FileManager.default.fileExists(atPath: outPath), HDF5File.isHDF5(outPath),
           (try? DatasetReader.openShard(outPath).root().attributes.contains(DatasetLayout.FileAttribute.mergedFrom)) != true {
            throw DatasetError.cannotWrite(path: out, reason: "it exists and is not a merged index (it may hold episodes)",
                                           fix: .other("choose another path for the merged file; merge never overwrites a shard"))
        }

        /// One episode to link: the file and group that really hold it.
        struct Link { var file: String; var object: String; var seed: Int; var task: String; var split: String; var shard: String; var demo: String }
        var links: [Link] = []
        var train: [String] = [], valid: [String] = []
        var envArgs: String?, firstShard = ""
        for shard in shards {
            let file = try DatasetReader.openShard(shard)
            let data = try file.group(DatasetLayout.dataGroup)
            _ = try DatasetReader.readHeader(shard, data: data)
            let args = try data.attributes.string(DatasetLayout.FileAttribute.envArgs)
            if let envArgs, envArgs != args {
                throw mismatch(shard, try DatasetHeader(envArgsJSON: args), firstShard, try DatasetHeader(envArgsJSON: envArgs))
            }
            if envArgs == nil { envArgs = args; firstShard = shard }
            let masks = try ShardRootAttributes.readMasks(try file.root())
            for demo in try DatasetLayout.demoNames(in: data) {
                let a = try data.group(demo).attributes
                var target = (file: shard, object: "/\(DatasetLayout.dataGroup)/\(demo)")
                if let link = try data.externalLinkTarget(demo) {  // merging a merged file: link to the real shard
                    let folder = (shard as NSString).deletingLastPathComponent
                    target = (link.file.hasPrefix("/") ? link.file : DatasetFiles.absolute((folder as NSString).appendingPathComponent(link.file)),
                              link.object)
                }
                let name = DatasetLayout.demoName(links.count)
                if masks.train.contains(demo) { train.append(name) }
                if masks.valid.contains(demo) { valid.append(name) }
                typealias A = DatasetLayout.EpisodeAttribute
                links.append(Link(file: target.file, object: target.object, seed: try a.int(A.seed), task: try a.string(A.task),
                                  split: try a.string(A.split), shard: shard, demo: demo))
            }
        }
        var seen: [String: Link] = [:]
        for link in links {
            let key = "\(link.task) \(link.split) \(link.seed)"
            if let other = seen[key] {
                throw DatasetError.mismatched(path: link.shard, detail: "\(link.demo) has seed \(link.seed), already in \(other.shard) \(other.demo): "
                                              + "merging would duplicate an episode", fix: "leave one of the two files out")
            }
            seen[key] = link
        }

        let partial = outPath + ".partial"
        var steps = 0
        do {
            try DatasetWriteError.wrap(partial) {
                let file = try HDF5File.create(partial, overwrite: true)
                let root = try file.root()
                let header = try DatasetHeader(envArgsJSON: envArgs!)
                try ShardRootAttributes.write(to: root, header: header, envArgs: envArgs!, created: createdText)
                let targets = links.map { DatasetFiles.relative($0.file, from: outFolder) }
                try root.attributes.set(DatasetLayout.FileAttribute.mergedFrom, Array(Set(targets)).sorted())
                let data = try root.createGroup(DatasetLayout.dataGroup)
                try data.attributes.set(DatasetLayout.FileAttribute.envArgs, envArgs!)
                for (i, link) in links.enumerated() {
                    try data.createExternalLink(DatasetLayout.demoName(i), file: targets[i], object: link.object)
                }
                // Count steps through the links, which also proves that every link resolves from its new home.
                for i in links.indices {
                    steps += try data.group(DatasetLayout.demoName(i)).attributes.int(DatasetLayout.EpisodeAttribute.numSamples)
                }
                try data.attributes.set(DatasetLayout.FileAttribute.total, steps)
                try ShardRootAttributes.writeMasks(in: root, train: train, valid: valid)
                try file.close()
            }
            try DatasetError.writing { try DurableFile.commit(partial, to: outPath) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        return Result(out: outPath, shards: Set(links.map(\.file)).count, episodes: links.count, steps: steps)
    }

    /// Two inputs that cannot share one merged file: which differs, both values, and what to do.
    static func mismatch(_ shard: String, _ header: DatasetHeader, _ firstShard: String, _ first: DatasetHeader) -> DatasetError {
        if header.task != first.task {
            return .mismatched(path: shard, detail: "holds task \(header.task), but \(firstShard) holds task \(first.task): they are different tasks",
                               fix: "merge the datasets of one task at a time (one `cliport dataset merge` per task)")
        }
        if header.split != first.split {
            return .mismatched(path: shard, detail: "holds the \(header.split) split, but \(firstShard) holds the \(first.split) split of \(first.task)",
                               fix: "merge one split at a time (one `cliport dataset merge` per split)")
        }
        if header.look != first.look {
            return .mismatched(path: shard, detail: "was drawn with look \(header.look ?? "unrecorded"), but \(firstShard) with look "
                               + "\(first.look ?? "unrecorded") (both \(first.task))",
                               fix: "merge only datasets generated with the same --look")
        }
        return .mismatched(path: shard, detail: "was recorded with other cameras, workspace or storage than \(firstShard) (both \(first.task))",
                           fix: "merge only datasets recorded with the same setup")
    }
}
