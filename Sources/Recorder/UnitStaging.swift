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

    /// Creates the folder and removes what an interrupted write left (`*.partial`: an episode in flight), unless
    /// a live process is writing it (workers share a unit's attempts).
    func prepare() throws {
        try DatasetError.writing { try DurableFile.makeFolder(folder) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".partial") {
            guard name.hasPrefix("seed-"), let seed = Int(name.dropFirst(5).prefix { $0.isNumber }),
                  let k = plan.attempt(ofSeed: seed, unit: unit) else { continue }
            guard let claim = try AttemptClaim.tryClaim(folder: folder, attempt: k) else { continue }
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
            claim.release()
        }
    }

    /// Where the unit stands: which attempts are done and which of them succeeded.
    struct State {
        var staged: [Int]
        var failed: [FailedSeedLog.Entry]
        var done: Set<Int>
        var successes: [Int]  // attempts, ascending

        /// The attempts 0...k* that make the unit, when they are all done: k* is the attempt of the unit's
        /// `target`-th success. Nil while one of them is still to be made (or in flight elsewhere).
        func completion(target: Int) -> ClosedRange<Int>? {
            guard successes.count >= target else { return nil }
            let last = target > 0 ? successes[target - 1] : -1
            guard last >= 0 else { return nil }
            return (0...last).allSatisfy(done.contains) ? 0...last : nil
        }

        /// The smallest attempt not done and not in `held`.
        func firstOpen(excluding held: Set<Int>) -> Int {
            var k = 0
            while done.contains(k) || held.contains(k) { k += 1 }
            return k
        }
    }

    func state() throws -> State {
        let staged = stagedSeeds(), failed = failedLog.read()
        var done = Set<Int>(), successes: [Int] = []
        for (seed, success) in staged.map({ ($0, true) }) + failed.map({ ($0.seed, false) }) {
            guard let k = plan.attempt(ofSeed: seed, unit: unit) else {
                throw DatasetError.corrupt(path: folder, detail: "seed \(seed) does not belong to unit \(unit) of the plan "
                                           + "(\(plan.summary)); delete this staging folder")
            }
            done.insert(k)
            if success { successes.append(k) }
        }
        return State(staged: staged, failed: failed, done: done, successes: successes.sorted())
    }

    /// Removes the folder once nobody works in it any more (the unit's shard is there).
    func removeIfIdle() {
        if AttemptClaim.held(folder: folder).isEmpty { remove() }
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// Episodes already staged for each unit (for the progress line before any work).
    static func stagedCount(dataset: String, plan: GenerationPlan, unit: Int) -> Int {
        UnitStaging(dataset: dataset, plan: plan, unit: unit).stagedSeeds().count
    }
}
