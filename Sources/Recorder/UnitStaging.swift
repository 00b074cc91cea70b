import Core
import Dataset
import Foundation

/// The staging folder of one unit, `<dataset>/.staging/unit-<u>/`: each successful episode as its own
/// one-episode HDF5 file `seed-<seed>.hdf5` (written atomically by `ShardWriter`), and `failed.log`.
/// Together they say exactly which attempts of the unit are done, so a rerun continues after the last one.
struct UnitStaging {
    let plan: GenerationPlan
    let unit: Int
    let folder: String

    init(dataset: String, plan: GenerationPlan, unit: Int) {
        self.plan = plan
        self.unit = unit
        folder = ((dataset as NSString).appendingPathComponent(UnitStaging.stagingFolderName) as NSString)
            .appendingPathComponent(String(format: "unit-%05d", unit))
    }

    static let stagingFolderName = ".staging"

    var failedLog: FailedSeedLog { FailedSeedLog(path: (folder as NSString).appendingPathComponent("failed.log")) }

    func stagedName(seed: Int) -> String { String(format: "seed-%07d", seed) }
    func stagedPath(seed: Int) -> String { (folder as NSString).appendingPathComponent(stagedName(seed: seed) + ".hdf5") }

    /// Seeds of the staged (finished) episodes, ascending.
    func stagedSeeds() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("seed-"), name.hasSuffix(".hdf5") else { return nil }
            return Int(name.dropFirst(5).dropLast(5))
        }.sorted()
    }

    /// Creates the folder and removes what an interrupted write left (`*.partial`: the episode in flight).
    func prepare() throws {
        try DatasetError.writing { try DurableFile.makeFolder(folder) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".partial") {
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }

    /// Where the unit stands: staged seeds, failed entries, and the next attempt.
    func state() throws -> (staged: [Int], failed: [FailedSeedLog.Entry], nextAttempt: Int) {
        let staged = stagedSeeds(), failed = failedLog.read()
        var next = 0
        for seed in staged + failed.map(\.seed) {
            guard let k = plan.attempt(ofSeed: seed, unit: unit) else {
                throw DatasetError.corrupt(path: folder, detail: "seed \(seed) does not belong to unit \(unit) of the plan "
                                           + "(\(plan.summary)); delete this staging folder")
            }
            next = max(next, k + 1)
        }
        return (staged, failed, next)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// Episodes already staged for each unit (for the progress line before any work).
    static func stagedCount(dataset: String, plan: GenerationPlan, unit: Int) -> Int {
        UnitStaging(dataset: dataset, plan: plan, unit: unit).stagedSeeds().count
    }
}
