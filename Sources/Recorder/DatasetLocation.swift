import Dataset
import Foundation

/// Where a generation run writes: `--out` itself when it already is a dataset folder (it holds shards),
/// otherwise `<out>/<task>-<split>/` as CLIPort's `data/{task}-{mode}/`. A folder holding another task's
/// or split's data is refused, so two datasets never mix.
public enum DatasetLocation {
    public static func resolve(out: String, task: String, split: String) throws -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RecorderError.outputNotAFolder(path: out)
        }
        let folder = hasShards(out) ? out : (out as NSString).appendingPathComponent("\(task)-\(split)")
        if hasShards(folder) {
            let reader = try DatasetReader(path: folder)
            let found = Set(reader.headers.map { "\($0.task) (\($0.split))" })
            let requested = "\(task) (\(split))"
            if found != [requested] {
                throw RecorderError.outputHoldsOtherData(path: folder, found: found.sorted().joined(separator: ", "),
                                                         requested: requested)
            }
        }
        return folder
    }

    static func hasShards(_ folder: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.hasSuffix(".hdf5") }
    }
}
