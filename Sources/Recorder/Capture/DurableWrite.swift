import Foundation

/// Atomic, durable small-file writes: write `<path>.tmp`, fsync it, rename over `path`, fsync the folder.
/// After a crash the file is either the old one or the new one, never half of either.
enum DurableWrite {
    static func save(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CaptureError.output(path: temporary, problem: String(cString: strerror(errno))) }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; return }
                offset += n
            }
        }
        if ok { ok = fsync(fd) == 0 }
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok else {
            unlink(temporary)
            throw CaptureError.output(path: path, problem: "writing failed (\(reason))")
        }
        guard rename(temporary, path) == 0 else {
            throw CaptureError.output(path: path, problem: "cannot rename into place (\(String(cString: strerror(errno))))")
        }
        syncFolder(of: path)
    }

    static func remove(_ path: String) {
        unlink(path)
        syncFolder(of: path)
    }

    /// Makes renames and unlinks in the folder durable.
    static func syncFolder(of path: String) {
        let fd = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
