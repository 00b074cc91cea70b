import Dataset
import Foundation
import Recorder
import TestSupport
import XCTest

/// A full disk and an unwritable folder stop generation with a message naming the path and the fix, and
/// leave every finished shard valid. Real file systems: a small tmpfs is a real full disk and a read-only
/// tmpfs a real unwritable folder (mounting needs root; without it these tests are skipped).
final class WriteFailureTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport")
    var mountPoint: String!
    var mounted = false

    override func setUpWithError() throws {
        mountPoint = folders.path("mount")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if mounted { _ = run("/bin/umount", [mountPoint]) }
        folders.removeAll()
    }

    @discardableResult
    func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func mountTmpfs(_ options: String) throws {
        guard getuid() == 0, run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", mountPoint]) else {
            throw XCTSkip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
        }
        mounted = true
    }

    func generator(n: Int, perShard: Int, out: String) -> DemoGenerator {
        var g = DemoGenerator(options: .init(task: ReferenceDatasets.task, split: .train, count: n, out: out, episodesPerShard: perShard))
        g.showProgress = false
        return g
    }

    /// Issue 15: with worker processes, a full disk crashed a worker inside libhdf5 (4 runs of 5) next to the
    /// right message: HDF5 1.10 closed a file whose last flush had failed again at exit, and its `H5Ocopy`
    /// crashes when a sibling's write fills the disk in the middle of a copy. Five runs of `cliport demos`
    /// with 2 workers on a 7 MB disk, and one with 1 worker on a disk filled up to 0.5 MB (a staged write
    /// fails every time), must each exit with status 1 and the one "disk is full" message, and leave every
    /// finished shard valid.
    func testFullDiskWithWorkerProcessesNeverCrashes() throws {
        let binary = BuiltProgram.cliport
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("the cliport program is not built next to the tests (\(binary.path)); run `swift build` first")
        }
        for (index, workers) in [1, 2, 2, 2, 2, 2].enumerated() {
            try mountTmpfs("size=7m")
            if workers == 1 {
                FileManager.default.createFile(atPath: mountPoint + "/filler", contents: Data(count: 6_500_000))
            }
            let process = Process()
            process.executableURL = binary
            process.arguments = ["demos", "--task", ReferenceDatasets.task, "--n", "16", "--episodes-per-shard", "2",
                                 "--workers", "\(workers)", "--out", mountPoint]
            let stderrFile = folders.path("stderr")
            FileManager.default.createFile(atPath: stderrFile, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: stderrFile) }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrFile))
            try process.run()
            process.waitUntilExit()
            // Progress lines end in \r; the messages are the lines without "ETA".
            let stderr = (try String(contentsOfFile: stderrFile, encoding: .utf8)).replacingOccurrences(of: "\r", with: "\n")
            let messages = stderr.split(separator: "\n").filter { !$0.contains("ETA") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let label = "run \(index + 1), \(workers) worker(s)"
            XCTAssertEqual(process.terminationReason, .exit, "\(label): killed by signal \(process.terminationStatus):\n\(stderr)")
            XCTAssertEqual(process.terminationStatus, 1, "\(label):\n\(stderr)")
            XCTAssertEqual(messages.count, 1, "\(label): one message:\n\(messages.joined(separator: "\n"))")
            XCTAssertTrue(messages.first?.contains("the disk is full") ?? false, "\(label): \(messages)")
            let dataset = mountPoint + "/\(ReferenceDatasets.task)-train"
            let finished = ((try? FileManager.default.contentsOfDirectory(atPath: dataset)) ?? []).filter { $0.hasSuffix(".hdf5") }
            if workers == 2 { XCTAssertFalse(finished.isEmpty, "\(label): some shards fit on the 7 MB disk") }
            for shard in finished {
                let check = DatasetChecker.check(dataset + "/" + shard)
                XCTAssertTrue(check.ok, "\(label): a finished shard stays valid: \(check.text)")
            }
            XCTAssertTrue(run("/bin/umount", [mountPoint]), "unmount after \(label)")
            mounted = false
        }
    }

    func testUnwritableFolderStopsWithTheFolderAndTheFix() throws {
        try mountTmpfs("ro,size=1m")
        XCTAssertThrowsError(try generator(n: 2, perShard: 2, out: mountPoint).run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains(self.mountPoint), message)
            XCTAssertTrue(message.contains("not writable"), message)
            XCTAssertTrue(message.contains("--out"), message)
        }
    }

    func testFullDiskStopsClearlyAndKeepsFinishedShardsValid() throws {
        // CLIPort's look with shadows: shards of 2.6, 1.8 and 1.8 MB; the first needs its staged episodes and
        // the shard copy at once (about 5.3 MB), the second about 6.3 MB.
        try mountTmpfs("size=6m")
        XCTAssertThrowsError(try generator(n: 6, perShard: 2, out: mountPoint).run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("the disk is full"), message)
            XCTAssertTrue(message.contains(self.mountPoint), message)
            XCTAssertTrue(message.contains("free space"), message)
        }
        let dataset = mountPoint + "/\(ReferenceDatasets.task)-train"
        let finished = try FileManager.default.contentsOfDirectory(atPath: dataset).filter { $0.hasSuffix(".hdf5") }
        XCTAssertFalse(finished.isEmpty, "the first shard fits on the 6 MB disk")
        for shard in finished {
            let check = DatasetChecker.check(dataset + "/" + shard)
            XCTAssertTrue(check.ok, "a finished shard stays valid: \(check.text)")
        }
    }
}
