import Core
import Dataset
import Foundation
import Recorder
import TestSupport
import XCTest

/// The real `cliport` program as child processes: killed with SIGKILL mid-run and rerun (both with two
/// worker processes), stopped with Ctrl-C and rerun, two machines' shards as separate processes: every time
/// the dataset must equal the one made uninterrupted by one process with one worker (same seeds, same arrays).
final class GenerationProcessTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport")
    static let n = 6, perShard = 2

    static var binary: URL { BuiltProgram.cliport }

    var folder: String!
    var dataset: String { folder + "/\(ReferenceDatasets.task)-train" }

    override func setUpWithError() throws {
        folder = folders.path("process")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("the cliport program is not built next to the tests (\(Self.binary.path)); run `swift build` first")
        }
    }

    override func tearDownWithError() throws { folders.removeAll() }

    func demos(_ extra: [String], environment: [String: String] = [:]) throws -> Process {
        try start(Self.binary, ["demos", "--task", ReferenceDatasets.task, "--n", "\(Self.n)", "--episodes-per-shard", "\(Self.perShard)",
                                "--out", folder] + extra, environment: environment)
    }

    func start(_ executable: URL, _ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("SLURM_") || key == "JOB_COMPLETION_INDEX" { env[key] = nil }
        process.environment = env.merging(environment) { $1 }
        let log = folder + "/run-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        FileManager.default.createFile(atPath: log + ".out", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log + ".out")
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        logs[process.processIdentifier] = log
        return process
    }

    /// The `--json` report a finished `cliport demos` printed.
    func report(_ process: Process) throws -> [String: Any] {
        let data = try XCTUnwrap(FileManager.default.contents(atPath: try XCTUnwrap(logs[process.processIdentifier]) + ".out"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    var logs: [Int32: String] = [:]

    /// Waits for the process; on failure the test log shows what it printed.
    func finish(_ process: Process, file: StaticString = #filePath, line: UInt = #line) -> Int32 {
        process.waitUntilExit()
        if process.terminationStatus != 0, let log = logs[process.processIdentifier],
           let text = try? String(contentsOfFile: log, encoding: .utf8) {
            print("cliport demos exited with \(process.terminationStatus):\n\(text)")
        }
        return process.terminationStatus
    }

    /// Waits until a shard is finished and another unit has a staged episode: the middle of a run.
    func waitForMidRun(_ process: Process, timeout: TimeInterval = 120) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            let shards = ((try? FileManager.default.contentsOfDirectory(atPath: dataset)) ?? []).filter { $0.hasSuffix(".hdf5") }
            let staged = ((try? FileManager.default.subpathsOfDirectory(atPath: dataset + "/.staging")) ?? [])
                .filter { $0.contains("/seed-") && $0.hasSuffix(".hdf5") }
            if !shards.isEmpty, !staged.isEmpty { return }
            usleep(10_000)
        }
        XCTFail("the run ended before the middle could be caught")
    }

    /// Worker processes still running for this test's dataset (they must die with their coordinator).
    func workersAlive() -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap { pid -> String? in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            return line.contains("demos-worker") && line.contains(folder) ? line : nil
        }
    }

    func testSIGKILLMidRunThenRerunGivesTheUninterruptedDataset() throws {
        let reference = try ReferenceDatasets.dataset(n: Self.n, perShard: Self.perShard)
        let run = try demos(["--workers", "2"])
        try waitForMidRun(run)
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationReason, .uncaughtSignal)
        var waited = 0
        while !workersAlive().isEmpty, waited < 100 { usleep(50_000); waited += 1 }
        XCTAssertEqual(workersAlive(), [], "workers exit when their coordinator is killed")
        XCTAssertLessThan(try DatasetReader(path: dataset).shards.count, Self.n / Self.perShard, "killed before the end")

        XCTAssertEqual(finish(try demos(["--workers", "2"])), 0)
        try assertSameDataset(dataset, reference)
        let check = DatasetChecker.check(dataset)
        XCTAssertTrue(check.ok, check.text)
    }

    /// Issue 15: a worker killed (SIGKILL, as the OOM killer does) while its sibling goes on to finish every
    /// unit, the dead worker's included, must not turn into an error asking for a rerun: the dataset is
    /// complete and equal to the uninterrupted one; the run exits 0 and notes the death.
    func testAWorkerKilledWhileTheOtherFinishesEveryUnitCompletesTheRun() throws {
        let reference = try ReferenceDatasets.dataset(n: Self.n, perShard: Self.perShard)
        let run = try demos(["--workers", "2", "--json"])
        // Worker 1 starts at unit 1: kill it as soon as it has staged an episode there (mid-unit, holding its lock).
        let unit1 = dataset + "/.staging/unit-00001"
        var killed = false
        let deadline = Date().addingTimeInterval(120)
        while !killed, Date() < deadline, run.isRunning {
            let staged = ((try? FileManager.default.contentsOfDirectory(atPath: unit1)) ?? []).filter { $0.hasSuffix(".hdf5") }
            if !staged.isEmpty, let worker = workerPID(index: 1) { killed = kill(worker, SIGKILL) == 0 }
            usleep(5_000)
        }
        XCTAssertTrue(killed, "worker 1 was caught mid-unit")
        XCTAssertEqual(finish(run), 0, "the other worker finished every unit")
        let report = try report(run)
        XCTAssertEqual(report["dataset_complete"] as? Bool, true)
        XCTAssertEqual(report["stopped"] as? Bool, false)
        XCTAssertEqual(report["overcome_failure"] as? String, "worker 1 was killed by signal 9 (out of memory?)")
        try assertSameDataset(dataset, reference)
        let check = DatasetChecker.check(dataset)
        XCTAssertTrue(check.ok, check.text)
    }

    /// Issue 15: `dataset check` tells the user to move a damaged shard aside and rerun the same command; that
    /// rerun must make exactly that shard again (byte for byte with SOURCE_DATE_EPOCH) and nothing else.
    func testAShardMovedAsideIsRegeneratedByTheSameCommand() throws {
        let epoch = ["SOURCE_DATE_EPOCH": "1700000000"]
        XCTAssertEqual(finish(try demos(["--workers", "2"], environment: epoch)), 0)
        let shard = dataset + "/shard-00001.hdf5", aside = shard + ".damaged"  // as `dataset check` says
        try FileManager.default.moveItem(atPath: shard, toPath: aside)
        let rerun = try demos(["--workers", "2", "--json"], environment: epoch)
        XCTAssertEqual(finish(rerun), 0)
        let report = try report(rerun)
        XCTAssertEqual(report["shards_written"] as? [String], [shard], "only the missing shard is made")
        XCTAssertEqual(report["saved"] as? Int, Self.perShard)
        XCTAssertEqual(report["dataset_complete"] as? Bool, true)
        let made = try DatasetReader(path: shard), original = try DatasetReader(path: aside)
        XCTAssertEqual(made.seeds, original.seeds)
        XCTAssertEqual(made.episodes.count, Self.perShard)
        for i in made.episodes.indices {
            XCTAssertTrue(try made.episode(i) == original.episode(i), "episode \(i) (seed \(made.seeds[i])) differs")
        }
        XCTAssertEqual(try ShardGenerationRecord.read(shard: shard), try ShardGenerationRecord.read(shard: aside))
        XCTAssertTrue(FileManager.default.contentsEqual(atPath: shard, andPath: aside),
                      "with SOURCE_DATE_EPOCH the regenerated shard is byte-identical (cmp)")
        let check = DatasetChecker.check(dataset)
        XCTAssertTrue(check.ok, check.text)

        // Moved aside into the parent folder instead (still a .hdf5 file): the parent does not become the
        // dataset; the rerun makes the shard in the dataset folder again.
        try FileManager.default.removeItem(atPath: aside)
        try FileManager.default.moveItem(atPath: shard, toPath: folder + "/shard-00001.hdf5")
        let third = try demos(["--workers", "1", "--json"], environment: epoch)
        XCTAssertEqual(finish(third), 0)
        XCTAssertEqual(try self.report(third)["shards_written"] as? [String], [shard])
        XCTAssertEqual(try DatasetReader(path: shard).seeds, original.seeds)
    }

    /// Issue 21: work units finer than shards. A dataset of one shard made by two workers equals, byte for byte,
    /// the one made by one worker; both workers saved episodes, and together they tried no seed that one worker
    /// alone did not try.
    func testTwoWorkersShareOneShardAndMakeTheOneWorkerBytes() throws {
        let epoch = ["SOURCE_DATE_EPOCH": "1700000000"], n = 4
        func make(workers: Int) throws -> (shard: String, report: [String: Any]) {
            let out = folder + "/workers-\(workers)"
            let run = try start(Self.binary, ["demos", "--task", ReferenceDatasets.task, "--n", "\(n)", "--out", out,
                                              "--workers", "\(workers)", "--json"], environment: epoch)
            XCTAssertEqual(finish(run), 0)
            let report = try report(run)
            return (try XCTUnwrap(report["dataset"] as? String) + "/shard-00000.hdf5", report)
        }
        let one = try make(workers: 1), two = try make(workers: 2)
        XCTAssertEqual(two.report["workers"] as? Int, 2, "two workers run although the dataset is one shard")
        let episodes = try XCTUnwrap(two.report["worker_episodes"] as? [Int])
        XCTAssertEqual(episodes.reduce(0, +), n)
        XCTAssertTrue(episodes.allSatisfy { $0 > 0 }, "both workers saved episodes: \(episodes)")
        XCTAssertEqual(try XCTUnwrap(two.report["worker_cpu_seconds"] as? [Double]).count, 2)
        XCTAssertEqual(two.report["attempted"] as? Int, one.report["attempted"] as? Int)
        XCTAssertTrue(FileManager.default.contentsEqual(atPath: one.shard, andPath: two.shard),
                      "the shard made by two workers is byte-identical to the one-worker shard (cmp)")
    }

    /// The pid of this test's worker process `--worker-index index`, if it runs.
    func workerPID(index: Int) -> pid_t? {
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let id = pid_t(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let arguments = String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
            guard arguments.contains("demos-worker"), arguments.contains(dataset),
                  let i = arguments.firstIndex(of: "--worker-index"), i + 1 < arguments.count, arguments[i + 1] == "\(index)" else { continue }
            return id
        }
        return nil
    }

    func testCtrlCStopsCleanlyAndARerunContinuesWithoutRepeatingASeed() throws {
        let reference = try ReferenceDatasets.dataset(n: Self.n, perShard: Self.perShard)
        let run = try demos(["--workers", "1", "--json"])
        try waitForMidRun(run)
        kill(run.processIdentifier, SIGINT)
        XCTAssertEqual(finish(run), 130, "Ctrl-C: the episode in flight is finished, then exit status 130")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: dataset).filter { $0.hasSuffix(".partial") }
        XCTAssertEqual(leftovers, [], "a clean stop leaves no half-written file")
        let stopped = try report(run)
        XCTAssertEqual(stopped["stopped"] as? Bool, true)
        let rerun = try demos(["--workers", "2", "--json"])
        XCTAssertEqual(finish(rerun), 0)
        try assertSameDataset(dataset, reference)
        // Nothing was tried twice: the two runs together tried exactly the seeds of the uninterrupted run.
        let tried = try DatasetReader(path: reference).shards.map { try XCTUnwrap(try ShardGenerationRecord.read(shard: $0)).seedsTried.count }
        XCTAssertEqual((stopped["attempted"] as? Int ?? -1) + (try report(rerun)["attempted"] as? Int ?? -1), tried.reduce(0, +))
    }

    /// Two machines as two concurrent processes on one folder: one given its share by flags, the other being
    /// task 1 of a Slurm array running docs/slurm-array.sh as it is.
    func testTwoShardsAsSeparateProcessesMakeTheOneProcessDataset() throws {
        let reference = try ReferenceDatasets.dataset(n: Self.n, perShard: Self.perShard)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/slurm-array.sh")
            .standardizedFileURL.path
        let first = try demos(["--shard-index", "0", "--num-shards", "2", "--workers", "1"])
        let second = try start(URL(fileURLWithPath: "/bin/bash"), [script], environment: [
            "CLIPORT": Self.binary.path, "TASK": ReferenceDatasets.task, "SPLIT": Split.train.rawValue, "N": "\(Self.n)",
            "PER_SHARD": "\(Self.perShard)", "OUT": folder, "WORKERS": "1",
            "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2"])
        XCTAssertEqual(finish(first), 0)
        XCTAssertEqual(finish(second), 0)
        try assertSameDataset(dataset, reference)
    }
}
