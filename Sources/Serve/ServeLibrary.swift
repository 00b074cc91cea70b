import Foundation

/// The datasets and training runs `cliport serve` shows, found once at start in the folders it was given:
/// a folder holding `*.hdf5` is a dataset (a `cliport demos` output or a `cliport capture` folder), a folder
/// holding `metrics.jsonl` or `config.json` is a run; any other folder is searched one level down, so
/// `--data datasets/ --runs runs/` serves everything in them. Pages name them by their place in these
/// lists, never by path, so no request can name a file.
public struct ServeLibrary: Sendable {
    public struct Folder: Equatable, Sendable {
        public var name: String
        public var path: String
    }

    public let datasets: [Folder]
    public let runs: [Folder]

    public init(data: [String], runs: [String]) throws {
        guard !data.isEmpty || !runs.isEmpty else { throw ServeError.nothingToServe }
        datasets = try data.flatMap { path in
            try Self.find(path, where: Self.isDataset, orElse: ServeError.noDatasets(path: path))
        }
        self.runs = try runs.flatMap { path in
            try Self.find(path, where: Self.isRun, orElse: ServeError.noRuns(path: path))
        }
    }

    static func isDataset(_ path: String) -> Bool {
        path.hasSuffix(".hdf5") ? isFile(path) : entries(path).contains { $0.hasSuffix(".hdf5") && isFile(path + "/" + $0) }
    }

    static func isRun(_ path: String) -> Bool {
        let names = entries(path)
        return names.contains("metrics.jsonl") || names.contains("config.json")
    }

    static func find(_ path: String, where matches: (String) -> Bool, orElse error: ServeError) throws -> [Folder] {
        let path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard FileManager.default.fileExists(atPath: path) else { throw ServeError.missing(path: path) }
        if matches(path) { return [Folder(name: name(path), path: path)] }
        let found = entries(path).sorted().map { path + "/" + $0 }.filter { isFolder($0) && matches($0) }
        guard !found.isEmpty else { throw error }
        return found.map { Folder(name: name($0), path: $0) }
    }

    static func name(_ path: String) -> String {
        let standard = (path as NSString).standardizingPath
        return (standard as NSString).lastPathComponent
    }

    static func entries(_ path: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    static func isFile(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && !folder.boolValue
    }
}
