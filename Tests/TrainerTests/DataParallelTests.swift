import Foundation
import HDF5
import MPI
import TestSupport
import XCTest
@testable import Trainer

final class DataParallelTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-trainer")
    override func tearDown() { folders.removeAll() }

    static var binary: URL { BuiltProgram.cliport }

    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        return text
    }

    func weights(_ checkpoint: String) throws -> [Float] {
        let agent = try Agent(checkpoint: checkpoint)
        return agent.networks.parameters.flatMap { $0.value.scalars }
    }

    /// `mpirun -np 2 cliport train --batch 1` gives the weights of `cliport train --batch 2` (two real MPI
    /// processes averaging gradients every step), within float rounding.
    func testTwoRanksGiveTheWeightsOfOneRankWithTwiceTheBatch() throws {
        let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let mpirun else { return XCTFail("mpirun is missing: run `make setup` (installs openmpi-bin)") }
        let root = folders.make("mpi")
        let data = try TrainerFixtures.dataset(in: root)
        let common = ["train", "--data", data, "--model", "transporter-lang", "--width", "0.125", "--rotations", "4",
                      "--crop-size", "16", "--steps", "3", "--seed", "5", "--lr", "0.001", "--val-samples", "0", "--threads", "1",
                      "--loss", "mean"]
        try run(Self.binary.path, common + ["--batch", "2", "--out", root + "/one"])
        // As the README runs it: the flag lets root start Open MPI (tests run as root here) and is harmless otherwise.
        let log = try run(mpirun, ["--allow-run-as-root", "-np", "2", Self.binary.path] + common + ["--batch", "1", "--out", root + "/two"])
        XCTAssertTrue(log.contains("2 processes, effective batch 2"), log)
        // Rank 0 logs the task of every example of the step, the other rank's included.
        let tasks = try String(contentsOfFile: root + "/two/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["tasks"] as! [String] }
        XCTAssertEqual(tasks, Array(repeating: ["put-block-in-bowl-seen-colors", "put-block-in-bowl-seen-colors"], count: 3))

        let one = try weights(root + "/one/checkpoints/last.hdf5")
        let two = try weights(root + "/two/checkpoints/last.hdf5")
        XCTAssertEqual(one.count, two.count)
        var worst: Float = 0, moved: Float = 0
        let start = try AgentModel.transporterLang.makeNetworks(width: 0.125, rotations: 4, cropSize: 16, seed: 5, textDimension: 1024,
                                                                learningRate: 1e-3, clip: nil).parameters.flatMap { $0.value.scalars }
        for i in one.indices {
            worst = max(worst, abs(one[i] - two[i]))
            moved = max(moved, abs(one[i] - start[i]))
        }
        // Adam moves a weight by at most about lr per step; at this tiny width most gradients are below
        // Adam's epsilon, so moves are small, and float rounding differences must be far smaller still.
        XCTAssertGreaterThan(moved, 1e-6, "training moved the weights")
        XCTAssertLessThan(worst, 1e-3 * moved, "largest difference \(worst) (largest move \(moved))")
    }

    /// Rank and size come from mpirun's, Slurm's or torchrun's variables; none means one process.
    func testLaunchEnvironmentReadsMPISlurmAndTorchrunVariables() {
        XCTAssertEqual(LaunchEnvironment(["OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "4"]).rank, 1)
        XCTAssertEqual(LaunchEnvironment(["SLURM_PROCID": "3", "SLURM_NTASKS": "8"]).size, 8)
        let torch = LaunchEnvironment(["RANK": "2", "WORLD_SIZE": "3"])
        XCTAssertEqual([torch.rank, torch.size], [2, 3])
        XCTAssertEqual(torch.source, "RANK/WORLD_SIZE")
        XCTAssertEqual(LaunchEnvironment([:]).size, 1)
        XCTAssertEqual(LaunchEnvironment(["RANK": "5", "WORLD_SIZE": "2"]).size, 1, "an impossible rank is ignored")
    }
}
