import Core
import Dataset
import Foundation

/// The seeds of a unit that failed, one line each ("seed<TAB>kind<TAB>message", kind an `EpisodeFailure.Kind`), appended and fsynced before
/// the unit moves on, so a rerun never retries them. A line cut short by a crash is dropped on reading and
/// cut off before the next append (that seed is simply tried again and fails again: seeds are deterministic).
struct FailedSeedLog {
    struct Entry: Equatable { var seed: Int; var kind: EpisodeFailure.Kind; var message: String }

    let path: String

    func read() -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if !text.hasSuffix("\n") { lines.removeLast() }  // unfinished last line (or the empty tail)
        return lines.compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let seed = Int(parts[0]) else { return nil }
            // A kind this version does not know (a newer cliport's) still marks the seed as tried and failed.
            return Entry(seed: seed, kind: EpisodeFailure.Kind(rawValue: String(parts[1])) ?? .simulatorError, message: String(parts[2]))
        }
    }

    func append(_ entry: Entry) throws {
        let isNew = !FileManager.default.fileExists(atPath: path)
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw DatasetError(FileWriteError(path: path, "cannot open the failed-seed log")) }
        defer { close(fd) }
        // Workers sharing a unit append to one log: one at a time (the kernel drops the lock if one dies).
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw DatasetError(FileWriteError(path: path, "cannot lock the failed-seed log")) }
        }
        // Cut an unfinished line a crash left, so the new line starts on its own.
        let size = lseek(fd, 0, SEEK_END)
        if size > 0 {
            var last: UInt8 = 0
            _ = pread(fd, &last, 1, size - 1)
            if last != UInt8(ascii: "\n"), let data = FileManager.default.contents(atPath: path) {
                let keep = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
                _ = ftruncate(fd, off_t(keep))
                _ = lseek(fd, 0, SEEK_END)
            }
        }
        let clean = { (s: String) in s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        let line = Data("\(entry.seed)\t\(entry.kind.rawValue)\t\(clean(entry.message))\n".utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw DatasetError(FileWriteError(path: path, "cannot append to the failed-seed log", errno: written < 0 ? errno : ENOSPC)) }
        guard fsync(fd) == 0 else { throw DatasetError(FileWriteError(path: path, "fsync failed")) }
        if isNew { DurableFile.syncFolder(of: path) }
    }
}
