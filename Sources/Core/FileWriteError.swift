import Foundation

/// A write that failed, with its cause sorted into the kinds a user can act on.
public struct FileWriteError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Cause: Equatable, Sendable {
        /// No space left (ENOSPC, EDQUOT).
        case diskFull
        /// The folder or file cannot be written (EACCES, EPERM, EROFS).
        case notWritable
        /// Anything else; `detail` says what.
        case other
    }

    public var path: String
    public var cause: Cause
    /// What was being done and the system's words for why it failed.
    public var detail: String

    public init(path: String, cause: Cause, detail: String) {
        self.path = path
        self.cause = cause
        self.detail = detail
    }

    /// The error for the current `errno` (or `code`) while doing `what` to `path`.
    public init(path: String, _ what: String, errno code: Int32 = errno) {
        let cause: Cause
        switch code {
        case ENOSPC, EDQUOT: cause = .diskFull
        case EACCES, EPERM, EROFS: cause = .notWritable
        default: cause = .other
        }
        self.init(path: path, cause: cause, detail: "\(what) (\(String(cString: strerror(code))))")
    }

    public var description: String {
        switch cause {
        case .diskFull: return "cannot write \(path): the disk is full: \(detail); free space or write to another folder"
        case .notWritable: return "cannot write \(path): the folder is not writable: \(detail); choose a writable folder or fix its permissions"
        case .other: return "cannot write \(path): \(detail); check the folder and the disk"
        }
    }
}
