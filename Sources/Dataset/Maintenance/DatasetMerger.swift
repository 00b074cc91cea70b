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

    @discardableResult
    public static func merge(_ inputs: [String], out: String) throws -> Result {
        guard !inputs.isEmpty else { throw DatasetError.badRecord("give at least one dataset folder or shard to merge") }
        let outPath = DatasetFiles.absolute(out)
        let outFolder = (outPath as NSString).deletingLastPathComponent
        var shards: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue,
               DatasetFiles.absolute(input) == outFolder {
                throw DatasetError.cannotWrite(path: out, reason: "it is inside the dataset folder \(input), where it would be read as one more shard",
                                               fix: "write the merged file next to the folder, e.g. --out \(input.hasSuffix("/") ? String(input.dropLast()) : input).hdf5")
            }
            shards += try DatasetFiles.shards(of: input).map(DatasetFiles.absolute).filter { $0 != outPath }
        }
        guard !shards.isEmpty else { throw DatasetError.noShards(folder: inputs.joined(separator: ", ")) }
        if FileManager.default.fileExists(atPath: outPath), HDF5File.isHDF5(outPath),
           (try? DatasetReader.openShard(outPath).root().attributes.contains("merged_from")) != true {
            throw DatasetError.cannotWrite(path: out, reason: "it exists and is not a merged index (it may hold episodes)",
                                           fix: "choose another --out; merge never overwrites a shard")
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
            let args = try data.attributes.string("env_args")
            if let envArgs, envArgs != args {
                let a = try DatasetHeader(envArgsJSON: envArgs), b = try DatasetHeader(envArgsJSON: args)
                let what = a.task != b.task || a.split != b.split ? "\(b.task) (\(b.split)), not \(a.task) (\(a.split))"
                                                                  : "another camera, workspace or storage setup"
                throw DatasetError.corrupt(path: shard, detail: "it holds \(what) like \(firstShard); merge one task and split at a time")
            }
            if envArgs == nil { envArgs = args; firstShard = shard }
            let masks = try readMasks(file)
            let demos = try data.memberNames().compactMap { n in DatasetLayout.demoIndex(n).map { (n, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
            for demo in demos {
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
                links.append(Link(file: target.file, object: target.object, seed: try a.int("seed"), task: try a.string("task"),
                                  split: try a.string("split"), shard: shard, demo: demo))
            }
        }
        var seen: [String: Link] = [:]
        for link in links {
            let key = "\(link.task) \(link.split) \(link.seed)"
            if let other = seen[key] {
                throw DatasetError.corrupt(path: link.shard, detail: "\(link.demo) has seed \(link.seed), already in \(other.shard) \(other.demo); "
                                           + "merging would duplicate an episode: leave one of them out")
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
                try root.attributes.set("schema_version", header.schemaVersion)
                try root.attributes.set("generator", header.generator)
                try root.attributes.set("created", ISO8601DateFormatter().string(from: Date()))
                try root.attributes.set("env_args", envArgs!)
                let targets = links.map { DatasetFiles.relative($0.file, from: outFolder) }
                try root.attributes.set("merged_from", Array(Set(targets)).sorted())
                let data = try root.createGroup(DatasetLayout.dataGroup)
                try data.attributes.set("env_args", envArgs!)
                for (i, link) in links.enumerated() {
                    try data.createExternalLink(DatasetLayout.demoName(i), file: targets[i], object: link.object)
                }
                // Count steps through the links, which also proves that every link resolves from its new home.
                for i in links.indices { steps += try data.group(DatasetLayout.demoName(i)).attributes.int("num_samples") }
                try data.attributes.set("total", steps)
                let mask = try root.createGroup(DatasetLayout.maskGroup)
                try mask.writeStrings("train", train)
                try mask.writeStrings("valid", valid)
                try file.close()
            }
            try DatasetError.writing { try DurableFile.commit(partial, to: outPath) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        return Result(out: outPath, shards: Set(links.map(\.file)).count, episodes: links.count, steps: steps)
    }

    static func readMasks(_ file: HDF5File) throws -> (train: Set<String>, valid: Set<String>) {
        let root = try file.root()
        func read(_ key: String) throws -> Set<String> {
            let path = "\(DatasetLayout.maskGroup)/\(key)"
            return root.contains(path) ? Set(try root.dataset(path).readStrings()) : []
        }
        return (try read("train"), try read("valid"))
    }
}
