import Core
import Dataset
import Foundation

/// An exclusive `flock` on `<dataset>/.staging/unit-<u>.lock`: one process works on a unit at a time, whether
/// the others are sibling workers, a second `cliport demos` on the same folder or another machine on a shared
/// file system. The kernel drops the lock when the process dies, so a crash never leaves a unit locked.
final class UnitLock {
    let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) { self.path = path; self.fd = fd }

    /// The lock, or nil when another process holds it.
    static func tryAcquire(dataset: String, unit: Int) throws -> UnitLock? {
        let staging = (dataset as NSString).appendingPathComponent(UnitStaging.stagingFolderName)
        try DatasetError.writing { try DurableFile.makeFolder(staging) }
        let path = (staging as NSString).appendingPathComponent(String(format: "unit-%05d.lock", unit))
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw DatasetError(FileWriteError(path: path, "cannot open the unit lock")) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        let owner = "\(ProcessInfo.processInfo.hostName) pid \(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = owner.withCString { pwrite(fd, $0, strlen($0), 0) }
        return UnitLock(path: path, fd: fd)
    }

    /// Releases the lock; `removeFile` once the unit's shard exists (a waiter that then gets the old file's lock
    /// sees the shard and skips the unit).
    func release(removeFile: Bool) {
        guard fd >= 0 else { return }
        if removeFile { unlink(path) }
        close(fd)
        fd = -1
    }

    deinit { release(removeFile: false) }
}
