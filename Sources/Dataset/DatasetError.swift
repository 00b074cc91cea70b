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
    case cannotWrite(path: String, reason: String, fix: String)
    /// An episode handed to the writer is inconsistent (frame counts, shapes...).
    case badRecord(String)
    /// Asked for an episode or step that is not there.
    case outOfRange(String)
    /// A file's contents contradict the layout (wrong shape, missing key).
    case corrupt(path: String, detail: String)

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
            return "cannot write \(path): \(reason); \(fix)"
        case let .badRecord(detail):
            return "episode record is inconsistent: \(detail)"
        case let .outOfRange(detail):
            return detail
        case let .corrupt(path, detail):
            return "\(path) is damaged or was written by another tool: \(detail); regenerate it with `cliport demos`"
        }
    }
}

extension DatasetError {
    /// A failed durable write of dataset files, with the fix for generation.
    public init(_ error: FileWriteError) {
        switch error.cause {
        case .diskFull:
            self = .cannotWrite(path: error.path, reason: "the disk is full: \(error.detail)",
                                fix: "free space or write to another folder with --out, then rerun the same command; finished shards are intact")
        case .notWritable:
            self = .cannotWrite(path: error.path, reason: "the folder is not writable: \(error.detail)",
                                fix: "choose a writable folder with --out, or fix its permissions, then rerun the same command")
        case .other:
            self = .cannotWrite(path: error.path, reason: error.detail, fix: "check the folder and the disk, then rerun the same command")
        }
    }

    /// Runs `body`, turning a `FileWriteError` into a `DatasetError`.
    public static func writing<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as FileWriteError { throw DatasetError(error) }
    }
}
