import Core
import Dataset
import Foundation

/// A process's claim on one attempt of a unit while it simulates it: an open-file-description lock
/// (`F_OFD_SETLK`) on `<staging>/attempt-<k>.claim`. Work units are attempts, not shards, so two workers can
/// share one shard's seeds; the kernel drops the lock when its holder dies, so a claim never goes stale.
/// OFD locks (unlike `flock`) can be tested without being taken (`F_OFD_GETLK`), so counting the attempts in
/// flight never makes a sibling's claim fail.
final class AttemptClaim {
    let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) { self.path = path; self.fd = fd }

    // Linux's values (fcntl.h, _GNU_SOURCE), which Swift's Glibc module does not always export.
    private static let getLock: Int32 = 36, setLock: Int32 = 37

    static let suffix = ".claim"

    static func path(folder: String, attempt: Int) -> String {
        (folder as NSString).appendingPathComponent("attempt-\(attempt)" + suffix)
    }

    /// The claim, or nil when another process holds it or the staging folder is gone (its shard is finished).
    static func tryClaim(folder: String, attempt: Int) throws -> AttemptClaim? {
        let path = path(folder: folder, attempt: attempt)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw DatasetError(FileWriteError(path: path, "cannot open the attempt claim"))
        }
        var lock = whole(F_WRLCK)
        guard fcntl(fd, setLock, &lock) == 0 else {
            close(fd)
            return nil
        }
        return AttemptClaim(path: path, fd: fd)
    }

    /// Whether another process holds the claim file at `path`.
    static func isHeld(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var lock = whole(F_WRLCK)
        guard fcntl(fd, getLock, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }

    /// The attempts of the staging `folder` that other processes hold now.
    static func held(folder: String) -> Set<Int> {
        var attempts = Set<Int>()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix("attempt-") && name.hasSuffix(suffix) {
            guard let k = Int(name.dropFirst("attempt-".count).dropLast(suffix.count)) else { continue }
            if isHeld(path: (folder as NSString).appendingPathComponent(name)) { attempts.insert(k) }
        }
        return attempts
    }

    /// Releases the claim once the attempt is staged or logged. The file goes first: a process that opened it
    /// before and gets the lock after sees the attempt done and lets it be.
    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }

    private static func whole(_ type: Int32) -> Glibc.flock {
        var lock = Glibc.flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        return lock
    }
}
