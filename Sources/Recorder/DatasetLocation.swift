import Core
import Dataset
import Foundation
import HDF5

/// Where a generation run writes: `--out` itself when it already is a dataset folder (it holds a generation
/// plan, or shards and no `<task>-<split>/` beside them), otherwise `<out>/<task>-<split>/` as CLIPort's
/// `data/{task}-{mode}/`. A folder holding another task's or split's data is refused, so two datasets never mix.
public enum DatasetLocation {
    public static func resolve(out: String, task: String, split: Split) throws -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RecorderError.outputNotAFolder(path: out)
        }
        let named = (out as NSString).appendingPathComponent("\(task)-\(split.rawValue)")
        // A stray shard in the parent (one moved aside there, say) does not make the parent the dataset.
        let hasPlan = fm.fileExists(atPath: (out as NSString).appendingPathComponent(GenerationManifest.fileName))
        let folder = hasPlan || (hasShards(out) && !fm.fileExists(atPath: named)) ? out : named
        let requested = "\(task) (\(split.rawValue))"
        // The plan (or one shard's header: all shards of a folder share it) says what the folder holds.
        let manifest = (folder as NSString).appendingPathComponent(GenerationManifest.fileName)
        if let data = fm.contents(atPath: manifest),
           let recorded = try? JSONDecoder().decode(GenerationManifest.Contents.self, from: data) {
            let found = "\(recorded.task) (\(recorded.split))"
            if found != requested { throw RecorderError.outputHoldsOtherData(path: folder, found: found, requested: requested) }
        } else if let shard = shards(folder).first {
            let header = try DatasetReader(path: shard).headers[0]
            let found = "\(header.task) (\(header.split))"
            if found != requested { throw RecorderError.outputHoldsOtherData(path: folder, found: found, requested: requested) }
        }
        return folder
    }

    /// The folder's `*.hdf5` files that hold episodes: a merged index (`cliport dataset merge --out
    /// datasets/all.hdf5`, links to other folders' shards) beside the dataset folders is not one of them.
    static func shards(_ folder: String) -> [String] {
        (((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".hdf5") }.sorted())
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { !isMergedIndex($0) }
    }

    /// True for a file written by `cliport dataset merge` (its root carries `merged_from`).
    static func isMergedIndex(_ path: String) -> Bool {
        guard HDF5File.isHDF5(path), let file = try? HDF5File.open(path), let root = try? file.root() else { return false }
        return root.attributes.contains("merged_from")
    }

    static func hasShards(_ folder: String) -> Bool { !shards(folder).isEmpty }
}
