import Recorder
import Sim
import XCTest

/// The unit plan and the machine's share: pure functions, checked against worked-out numbers.
final class GenerationPlanTests: XCTestCase {
    func testUnitsInterleaveSeedsAndHoldFixedCounts() throws {
        let plan = GenerationPlan(task: "t", split: .train, episodes: 5, episodesPerShard: 2)
        XCTAssertEqual(plan.units, 3)
        XCTAssertEqual((0..<3).map { plan.target(unit: $0) }, [2, 2, 1])
        // Unit u tries episodes u, u + 3, u + 6, ...: train seeds 2 x episode.
        XCTAssertEqual((0..<3).map { plan.seed(unit: 0, attempt: $0) }, [0, 6, 12])
        XCTAssertEqual((0..<3).map { plan.seed(unit: 1, attempt: $0) }, [2, 8, 14])
        XCTAssertEqual((0..<3).map { plan.seed(unit: 2, attempt: $0) }, [4, 10, 16])
        XCTAssertEqual(plan.attempt(ofSeed: 8, unit: 1), 1)
        XCTAssertNil(plan.attempt(ofSeed: 8, unit: 0))
        XCTAssertNil(plan.attempt(ofSeed: 7, unit: 1), "odd seeds are val seeds")
        XCTAssertEqual(plan.shardName(unit: 2), "shard-00002")

        let val = GenerationPlan(task: "t", split: .val, episodes: 5, episodesPerShard: 2, firstEpisode: 10)
        XCTAssertEqual(val.seed(unit: 1, attempt: 2), 2 * (10 + 1 + 2 * 3) + 1)
        XCTAssertEqual(val.attempt(ofSeed: 35, unit: 1), 2)
        let test = GenerationPlan(task: "t", split: .test, episodes: 4, episodesPerShard: 4)
        XCTAssertEqual(test.seed(unit: 0, attempt: 1), 10_003)
    }

    func testMachinesTakeEveryNthUnit() {
        let plan = GenerationPlan(task: "t", split: .train, episodes: 10, episodesPerShard: 2)
        XCTAssertEqual(plan.units(forMachine: 0, of: 2), [0, 2, 4])
        XCTAssertEqual(plan.units(forMachine: 1, of: 2), [1, 3])
        XCTAssertEqual(plan.units(forMachine: 2, of: 3), [2])
        XCTAssertEqual(plan.units(forMachine: 0, of: 1), [0, 1, 2, 3, 4])
    }

    func testValSeedsMustStayBelowTheTestSeeds() throws {
        // 5000 val episodes in shards of 100: the last unit's 100th seed is 2 x (49 + 99 x 50) + 1 = 9999.
        XCTAssertNoThrow(try GenerationPlan(task: "t", split: .val, episodes: 5000, episodesPerShard: 100).validate())
        XCTAssertThrowsError(try GenerationPlan(task: "t", split: .val, episodes: 5001, episodesPerShard: 100).validate()) { error in
            XCTAssertTrue(String(describing: error).contains("10001"), "\(error)")
        }
        XCTAssertNoThrow(try GenerationPlan(task: "t", split: .train, episodes: 100_000).validate(), "train has no limit")
        XCTAssertThrowsError(try GenerationPlan(task: "t", split: .train, episodes: 0).validate())
    }

    func testMachineShareComesFromFlagsSlurmOrKubernetes() throws {
        XCTAssertEqual(try MachineShare.resolve(index: nil, count: nil, environment: [:]), .whole)
        XCTAssertEqual(try MachineShare.resolve(index: 1, count: 4, environment: ["SLURM_ARRAY_TASK_ID": "3"]).index, 1,
                       "flags win over the scheduler")
        let slurm = try MachineShare.resolve(index: nil, count: nil, environment: [
            "SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"])
        XCTAssertEqual([slurm.index, slurm.count], [2, 4])
        let stepped = try MachineShare.resolve(index: nil, count: nil, environment: [
            "SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "5"])
        XCTAssertEqual([stepped.index, stepped.count], [3, 5])
        let k8s = try MachineShare.resolve(index: nil, count: 3, environment: ["JOB_COMPLETION_INDEX": "2"])
        XCTAssertEqual([k8s.index, k8s.count], [2, 3])
        XCTAssertThrowsError(try MachineShare.resolve(index: nil, count: nil, environment: ["JOB_COMPLETION_INDEX": "2"])) { error in
            XCTAssertTrue(String(describing: error).contains("--num-shards"), "\(error)")
        }
        XCTAssertThrowsError(try MachineShare.resolve(index: 4, count: 4, environment: [:])) { error in
            XCTAssertTrue(String(describing: error).contains("outside 0..<4"), "\(error)")
        }
        XCTAssertThrowsError(try MachineShare.resolve(index: 0, count: nil, environment: [:]))
    }
}
