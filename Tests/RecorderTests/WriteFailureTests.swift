import Dataset
import Foundation
import Recorder
import XCTest

/// A full disk and an unwritable folder stop generation with a message naming the path and the fix, and
/// leave every finished shard valid. Real file systems: a small tmpfs is a real full disk and a read-only
/// tmpfs a real unwritable folder (mounting needs root; without it these tests are skipped).
final class WriteFailureTests: XCTestCase {
    var mountPoint: String!
    var mounted = false

    override func setUpWithError() throws {
        mountPoint = temporaryFolder("mount")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if mounted { _ = run("/bin/umount", [mountPoint]) }
        try? FileManager.default.removeItem(atPath: mountPoint)
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
        try mountTmpfs("size=2500k")
        XCTAssertThrowsError(try generator(n: 6, perShard: 2, out: mountPoint).run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("the disk is full"), message)
            XCTAssertTrue(message.contains(self.mountPoint), message)
            XCTAssertTrue(message.contains("free space"), message)
        }
        let dataset = mountPoint + "/\(ReferenceDatasets.task)-train"
        let finished = try FileManager.default.contentsOfDirectory(atPath: dataset).filter { $0.hasSuffix(".hdf5") }
        XCTAssertFalse(finished.isEmpty, "the first shard fits on the 2.5 MB disk")
        for shard in finished {
            let check = DatasetChecker.check(dataset + "/" + shard)
            XCTAssertTrue(check.ok, "a finished shard stays valid: \(check.text)")
        }
    }
}
