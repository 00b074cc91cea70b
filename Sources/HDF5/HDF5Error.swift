/// What went wrong in an HDF5 call, naming the file or object and the operation, with HDF5's own
/// innermost message (its stderr printing is silenced; see `HDF5Library`).
public enum HDF5Error: Error, CustomStringConvertible, Equatable {
    /// An HDF5 call failed. `object` is "file.h5:/group/name"; `detail` is HDF5's most specific message.
    case failed(operation: String, object: String, detail: String)
    /// A group, dataset or attribute does not exist.
    case notFound(kind: String, object: String)
    /// The data handed to a write does not match the dataset's shape, or a read asked for the wrong kind.
    case mismatch(operation: String, object: String, detail: String)

    public var description: String {
        switch self {
        case let .failed(operation, object, detail):
            var text = "HDF5: cannot \(operation) \(object)"
            if !detail.isEmpty { text += ": \(detail)" }
            if let hint = HDF5Error.hint(for: detail) { text += " (\(hint))" }
            return text
        case let .notFound(kind, object):
            return "HDF5: \(object) has no such \(kind); list the members with `h5ls -r` to see what is there"
        case let .mismatch(operation, object, detail):
            return "HDF5: cannot \(operation) \(object): \(detail)"
        }
    }

    /// True when the underlying cause is a full disk (errno ENOSPC), so callers can say how to fix it.
    public var isDiskFull: Bool {
        if case let .failed(_, _, detail) = self { return detail.contains("No space left on device") || detail.contains("errno = 28") }
        return false
    }

    static func hint(for detail: String) -> String? {
        if detail.contains("No space left on device") { return "the disk is full: free space or write to another folder" }
        if detail.contains("Permission denied") { return "the folder is not writable: choose a writable folder or fix its permissions" }
        if detail.contains("No such file or directory") { return "check the path; the folder must exist" }
        if detail.contains("file signature not found") { return "the file is not an HDF5 file" }
        if detail.contains("unable to lock file") {
            return "another process holds the file open; close it, or set HDF5_USE_FILE_LOCKING=FALSE on shared file systems"
        }
        return nil
    }
}
