import Foundation

/// The shard files of a dataset path (a folder of `*.hdf5`, or one file), and relative paths between files.
enum DatasetFiles {
    /// The `*.hdf5` files of a folder in name order, or the file itself.
    static func shards(of path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw DatasetError.missing(path: path) }
        guard isDirectory.boolValue else { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".hdf5") }.sorted()
        guard !names.isEmpty else { throw DatasetError.noShards(folder: path) }
        return names.map { (path as NSString).appendingPathComponent($0) }
    }

    /// An absolute, standardised path.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    /// The path of `file` relative to `folder` (both made absolute), e.g. "../train/shard-00000.hdf5".
    static func relative(_ file: String, from folder: String) -> String {
        let target = absolute(file).split(separator: "/").map(String.init)
        let base = absolute(folder).split(separator: "/").map(String.init)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
