import Foundation

/// Writes that survive a crash or a power cut whole or not at all: write a temporary file, fsync it, rename
/// it into place, fsync the folder. Errors name the path and the fix (a full disk, an unwritable folder).
public enum DurableFile {
    /// Flushes a file's (or a folder's) contents to the disk.
    public static func fsync(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw writeError(path, "cannot reopen to sync") }
        defer { close(fd) }
        guard Foundation.fsync(fd) == 0 else { throw writeError(path, "fsync failed") }
    }

    /// Renames `from` to `to` (replacing `to`) and makes the rename durable.
    public static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw writeError(to, "cannot rename \(from) into place") }
        try? fsync((to as NSString).deletingLastPathComponent)
    }

    /// Replaces `path` with `data` atomically.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try writeFile(data, to: temporary)
        try rename(temporary, to: path)
    }

    /// Creates `path` with `data` atomically unless it already exists (then returns false and leaves it).
    /// Safe when several processes or machines race to create the same file on a shared folder.
    public static func create(_ data: Data, at path: String) throws -> Bool {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.hostName)-\(getpid())"
        try writeFile(data, to: temporary)
        defer { unlink(temporary) }
        if link(temporary, path) == 0 {
            try? fsync((path as NSString).deletingLastPathComponent)
            return true
        }
        if errno == EEXIST { return false }
        throw writeError(path, "cannot create")
    }

    /// Refuses to start a write of about `bytes` into `folder` when the disk has less free space (plus a
    /// margin for HDF5's metadata). HDF5 1.10's object copy (`H5Ocopy`) crashes instead of failing when the
    /// disk fills under it, so copies check first.
    public static func requireFreeSpace(_ bytes: Int, in folder: String) throws {
        var stats = statvfs()
        guard statvfs(folder, &stats) == 0 else { return }
        let free = Int(stats.f_bavail) * Int(stats.f_frsize)
        let needed = bytes + bytes / 10 + (256 << 10)
        guard free >= needed else {
            throw DatasetError.cannotWrite(path: folder, reason: String(format: "the disk is full: %.1f MB free, %.1f MB needed",
                                                                        Double(free) / 1e6, Double(needed) / 1e6),
                                           fix: "free space or write to another folder with --out, then rerun the same command; finished shards are intact")
        }
    }

    /// Bytes of the files at `paths`.
    public static func size(_ paths: [String]) -> Int {
        paths.map { ((try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int) ?? 0 }.reduce(0, +)
    }

    /// Creates `folder` (and its parents), or says clearly why it cannot be written.
    public static func makeFolder(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let code = underlying?.domain == NSPOSIXErrorDomain ? Int32(underlying!.code) : EACCES
            throw writeError(folder, "cannot create the folder", errno: code)
        }
        // Root ignores permission bits, so try a real write rather than asking access().
        let probe = (folder as NSString).appendingPathComponent(".write-probe-\(getpid())")
        let fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw writeError(folder, "cannot write in the folder") }
        close(fd)
        unlink(probe)
    }

    private static func writeFile(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw writeError(path, "cannot create") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else {
            let error = writeError(path, "cannot write", errno: written < 0 ? errno : ENOSPC)
            unlink(path)
            throw error
        }
        guard Foundation.fsync(fd) == 0 else {
            let error = writeError(path, "fsync failed")
            unlink(path)
            throw error
        }
    }

    /// A `DatasetError.cannotWrite` for `errno`, with the fix for the usual causes.
    public static func writeError(_ path: String, _ what: String, errno code: Int32 = errno) -> DatasetError {
        let reason = "\(what) (\(String(cString: strerror(code))))"
        switch code {
        case ENOSPC, EDQUOT:
            return .cannotWrite(path: path, reason: "the disk is full: \(reason)",
                                fix: "free space or write to another folder with --out, then rerun the same command; finished shards are intact")
        case EACCES, EPERM, EROFS:
            return .cannotWrite(path: path, reason: "the folder is not writable: \(reason)",
                                fix: "choose a writable folder with --out, or fix its permissions, then rerun the same command")
        default:
            return .cannotWrite(path: path, reason: reason, fix: "check the folder and the disk, then rerun the same command")
        }
    }
}
