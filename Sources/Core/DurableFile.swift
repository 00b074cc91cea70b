import Foundation

/// The one way this project writes files that must survive a crash or a power cut whole or not at all:
/// write a temporary file, fsync it, rename (or link) it into place, fsync the folder. Every error is a
/// `FileWriteError` naming the path and its cause (a full disk, an unwritable folder).
public enum DurableFile {
    /// Replaces `path` with `data` atomically.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        try writeSynced(data, to: temporary)
        try commit(temporary, to: path)
    }

    /// Creates `path` with `data` atomically unless it already exists (then returns false and leaves it).
    /// Safe when several processes or machines race to create the same file on a shared folder.
    public static func create(_ data: Data, at path: String) throws -> Bool {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.hostName)-\(getpid())"
        try writeSynced(data, to: temporary)
        defer { unlink(temporary) }
        return try linkNew(temporary, to: path)
    }

    /// Makes a finished file that another library wrote at `temporary` (an HDF5 file, say) durable and
    /// renames it over `path`: fsync the file, rename, fsync the folder.
    public static func commit(_ temporary: String, to path: String) throws {
        try fsync(temporary)
        guard rename(temporary, path) == 0 else { throw FileWriteError(path: path, "cannot rename \(temporary) into place") }
        syncFolder(of: path)
    }

    /// Like `commit`, but never replaces an existing `path` (then returns false and leaves `temporary`).
    public static func commitNew(_ temporary: String, to path: String) throws -> Bool {
        try fsync(temporary)
        guard try linkNew(temporary, to: path) else { return false }
        unlink(temporary)
        syncFolder(of: temporary)
        return true
    }

    /// Removes `path` (if there) and makes the removal durable.
    public static func remove(_ path: String) {
        guard unlink(path) == 0 else { return }
        syncFolder(of: path)
    }

    /// Flushes a file's (or a folder's) contents to the disk.
    public static func fsync(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileWriteError(path: path, "cannot reopen to sync") }
        defer { close(fd) }
        guard Foundation.fsync(fd) == 0 else { throw FileWriteError(path: path, "fsync failed") }
    }

    /// Makes renames, links and unlinks in the folder holding `path` durable (best effort: some file
    /// systems refuse to sync a folder, and the file itself is already synced).
    public static func syncFolder(of path: String) {
        try? fsync((path as NSString).deletingLastPathComponent)
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
            throw FileWriteError(path: folder, cause: .diskFull,
                                 detail: String(format: "%.1f MB free, %.1f MB needed", Double(free) / 1e6, Double(needed) / 1e6))
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
            throw FileWriteError(path: folder, "cannot create the folder", errno: code)
        }
        // Root ignores permission bits, so try a real write rather than asking access().
        let probe = (folder as NSString).appendingPathComponent(".write-probe-\(getpid())")
        let fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: folder, "cannot write in the folder") }
        close(fd)
        unlink(probe)
    }

    /// Writes `data` to a new file at `path` and fsyncs it; on failure removes it.
    private static func writeSynced(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: path, "cannot create") }
        defer { close(fd) }
        var failure: FileWriteError?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = FileWriteError(path: path, "cannot write", errno: n < 0 ? errno : ENOSPC); return }
                offset += n
            }
        }
        if failure == nil, Foundation.fsync(fd) != 0 { failure = FileWriteError(path: path, "fsync failed") }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    /// Links `source` to `path` unless `path` exists (link, unlike rename, never replaces a file).
    private static func linkNew(_ source: String, to path: String) throws -> Bool {
        if link(source, path) == 0 {
            syncFolder(of: path)
            return true
        }
        if errno == EEXIST { return false }
        throw FileWriteError(path: path, "cannot create")
    }
}
