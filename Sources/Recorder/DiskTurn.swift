import Core
import Dataset
import Foundation

/// Takes turns on a dataset's disk between the processes generating it: a worker stages an episode while
/// holding a shared `flock` on `<dataset>/.staging/disk.lock` and assembles a shard while holding it
/// exclusively. HDF5 1.10's `H5Ocopy` crashes (SIGSEGV in its cleanup) instead of failing when the disk
/// fills under it, so the free-space check before a shard's copies must not be undone by a sibling's
/// staging write in the middle of them. Staging writes are short and shards are rare, so nobody waits long.
final class DiskTurn {
    private let path: String
    private var fd: Int32 = -1

    init(dataset: String) {
        path = ((dataset as NSString).appendingPathComponent(UnitStaging.stagingFolderName) as NSString)
            .appendingPathComponent("disk.lock")
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Runs `body` while others may write too, but no shard is being assembled.
    func shared<T>(_ body: () throws -> T) throws -> T { try holding(LOCK_SH, body) }

    /// Runs `body` while no other process of the dataset writes.
    func exclusive<T>(_ body: () throws -> T) throws -> T { try holding(LOCK_EX, body) }

    private func holding<T>(_ operation: Int32, _ body: () throws -> T) throws -> T {
        if fd < 0 {
            fd = open(path, O_RDWR | O_CREAT, 0o644)
            guard fd >= 0 else { throw DatasetError(FileWriteError(path: path, "cannot open the disk lock")) }
        }
        while flock(fd, operation) != 0 {
            guard errno == EINTR else { throw DatasetError(FileWriteError(path: path, "cannot lock")) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
