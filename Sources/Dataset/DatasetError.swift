import Core
/// Errors of the dataset contract, each naming the problem and the fix.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// The file opened but lacks the `data` group or `schema_version`.
    case notADataset(path: String, missing: String)
    /// The file is not HDF5 at all (a text file, a truncated download...).
    case notHDF5(path: String)
    /// Written by a newer (or unknown) layout version.
    case unsupportedSchema(path: String, found: Int, supported: Int)
    /// A folder without any `*.hdf5` shard.
    case noShards(folder: String)
    /// The path does not exist.
    case missing(path: String)
    /// Writing failed: a full disk, an unwritable folder...
    case cannotWrite(path: String, reason: String, fix: WriteFix)
    /// An episode handed to the writer is inconsistent (frame counts, shapes...).
    case badRecord(String)
    /// Asked for an episode or step that is not there.
    case outOfRange(String)
    /// A file's contents contradict the layout (wrong shape, missing key).
    case corrupt(path: String, detail: String)
    /// Files that each are fine but do not belong together (two tasks, two splits, two camera setups).
    case mismatched(path: String, detail: String, fix: String)
    /// A setting outside the values it can take.
    case badSetting(name: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case let .notADataset(path, missing):
            return "\(path) is not a cliport dataset: no \(missing); make one with `cliport demos`"
        case let .notHDF5(path):
            return "\(path) is not a cliport dataset: it is not an HDF5 file; make one with `cliport demos`"
        case let .unsupportedSchema(path, found, supported):
            return "\(path) has dataset schema_version \(found) but this cliport reads version \(supported); "
                + "update cliport (or regenerate the data with this version's `cliport demos`)"
        case let .noShards(folder):
            return "\(folder) holds no *.hdf5 dataset shards; make some with `cliport demos --out \(folder)`"
        case let .missing(path):
            return "\(path) does not exist; give a dataset folder or an .hdf5 file made by `cliport demos`"
        case let .cannotWrite(path, reason, fix):
            return "cannot write \(path): \(reason); \(fix.text)"
        case let .badRecord(detail):
            return "episode record is inconsistent: \(detail)"
        case let .outOfRange(detail):
            return detail
        case let .corrupt(path, detail):
            return "\(path) is damaged or was written by another tool: \(detail); regenerate it with `cliport demos`"
        case let .mismatched(path, detail, fix):
            return "\(path) \(detail); \(fix)"
        case let .badSetting(name, value, allowed):
            return "\(name) is \(value); it must be \(allowed)"
        }
    }
}

/// What to do about a failed write. The library calls the folder it writes to "the output folder"; a
/// caller whose users name it otherwise (the CLI's `--out`) passes that name to `DatasetError.namingOutput`.
public struct WriteFix: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// The disk is full: free space or write elsewhere; nothing finished is lost.
        case freeSpace
        /// The folder is not writable: choose another or fix its permissions.
        case writableFolder
        /// Anything else the folder or disk did.
        case checkFolder
        /// A fix particular to one tool (e.g. where a merged file may go).
        case other(String)
    }

    public var action: Action
    /// The folder, as a phrase that follows "another" / "a writable": "output folder", or "folder with --out".
    public var output: String

    public init(_ action: Action, output: String = "output folder") { self.action = action; self.output = output }

    public static let freeSpace = WriteFix(.freeSpace)
    public static let writableFolder = WriteFix(.writableFolder)
    public static let checkFolder = WriteFix(.checkFolder)
    public static func other(_ text: String) -> WriteFix { WriteFix(.other(text)) }

    public var text: String {
        switch action {
        case .freeSpace: return "free space or write to another \(output), then rerun the same command; finished shards are intact"
        case .writableFolder: return "choose a writable \(output), or fix its permissions, then rerun the same command"
        case .checkFolder: return "check the folder and the disk, then rerun the same command"
        case let .other(text): return text
        }
    }
}

extension DatasetError {
    /// The same error, naming the output folder as the caller's users know it (e.g. "folder with --out").
    public func namingOutput(_ output: String) -> DatasetError {
        guard case let .cannotWrite(path, reason, fix) = self else { return self }
        return .cannotWrite(path: path, reason: reason, fix: WriteFix(fix.action, output: output))
    }

    /// A failed durable write of dataset files, with the fix.
    public init(_ error: FileWriteError) {
        switch error.cause {
        case .diskFull:
            self = .cannotWrite(path: error.path, reason: "the disk is full: \(error.detail)", fix: .freeSpace)
        case .notWritable:
            self = .cannotWrite(path: error.path, reason: "the folder is not writable: \(error.detail)", fix: .writableFolder)
        case .other:
            self = .cannotWrite(path: error.path, reason: error.detail, fix: .checkFolder)
        }
    }

    /// Runs `body`, turning a `FileWriteError` into a `DatasetError`.
    public static func writing<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as FileWriteError { throw DatasetError(error) }
    }
}
