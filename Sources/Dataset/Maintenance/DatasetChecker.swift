import Foundation
import HDF5

/// `cliport dataset check`: opens every shard of a dataset (a folder, a shard or a merged file) and checks it
/// against the contract of docs/dataset-format.md: shapes and dtypes of every array, attributes, success
/// flags and rewards, values (poses inside the workspace, pixels inside the heightmap, rotation bins in range,
/// finite numbers), masks, duplicate seeds across the whole dataset, the generation record (every seed a
/// unit tried is either stored or recorded as failed; no unit is missing), and leftovers of an unfinished run.
/// Each problem names the file and what is wrong; a damaged shard gets the command that regenerates exactly
/// it. `deep` also reads every stored byte, verifying each chunk's checksum.
public enum DatasetChecker {
    public static func check(_ path: String, deep: Bool = false) -> DatasetCheckReport {
        var report = DatasetCheckReport(path: path, shards: 0, episodes: 0, steps: 0, problems: [])
        func problem(_ file: String, _ text: String) { report.problems.append(DatasetProblem(file: file, problem: text)) }

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            problem(path, "does not exist; give a dataset folder or an .hdf5 file made by `cliport demos`")
            return report
        }
        if isDirectory.boolValue { checkLeftovers(folder: path, problem) }
        let shards: [String]
        do { shards = try DatasetFiles.shards(of: path) } catch {
            problem(path, String(describing: error))
            return report
        }
        report.shards = shards.count

        var seeds: [String: String] = [:]   // "task split seed" -> where
        var records: [(shard: String, record: ShardGenerationRecord, header: DatasetHeader)] = []
        var damaged: [String] = []          // shards whose own contents are wrong
        var firstHeader: (String, DatasetHeader)?
        for shard in shards {
            let name = (shard as NSString).lastPathComponent
            var shardProblems = 0
            func damage(_ file: String, _ text: String) { shardProblems += 1; problem(file, text) }
            do {
                let file = try DatasetReader.openShard(shard)
                let root = try file.root()
                let data = try root.group(DatasetLayout.dataGroup)
                let header = try DatasetReader.readHeader(shard, data: data)
                if let (otherName, other) = firstHeader, other != header {
                    problem(name, other.task != header.task || other.split != header.split
                            ? "holds \(header.task) (\(header.split)) but \(otherName) holds \(other.task) (\(other.split)); keep one task and split per folder"
                            : "its cameras, workspace or storage differ from \(otherName)'s; one dataset has one setup")
                } else if firstHeader == nil {
                    firstHeader = (name, header)
                }
                let record = try ShardGenerationRecord.read(from: root.attributes)
                if let record { records.append((shard, record, header)) }
                let result = try checkShard(file: file, data: data, header: header, name: name, deep: deep, damage)
                report.episodes += result.episodes.count
                report.steps += result.steps
                if deep, result.unchecksummed > 0, result.checksummed == 0 {
                    report.notes.append(DatasetProblem(file: name, problem: "no checksums: written before cliport stored them, so "
                                                       + "flipped bytes cannot be found (the other checks still ran)"))
                }
                for e in result.episodes {
                    let key = "\(e.task) \(e.split) \(e.seed)"
                    if let other = seeds[key] {
                        problem(name, "\(e.demo) has seed \(e.seed), which \(other) already holds: the episode is duplicated; "
                                + "remove one of the two shards (or regenerate the folder)")
                    } else {
                        seeds[key] = "\(name) \(e.demo)"
                    }
                }
                if let record { checkGeneration(record, demoSeeds: result.episodes.map(\.seed), name: name, problem) }
            } catch {
                damage(name, "cannot be read: \(error)")
            }
            if shardProblems > 0 { damaged.append(shard) }
        }
        for shard in damaged { problem((shard as NSString).lastPathComponent, regeneration(of: shard, records: records)) }
        if isDirectory.boolValue { checkUnits(records.map { ($0.shard, $0.record) }, folder: path, problem,
                                              command: records.first.map { $0.record.demosCommand(header: $0.header, folder: path) }) }
        return report
    }

    /// What to do with a damaged shard: move it aside, then rerun the `cliport demos` command recorded in it
    /// (or in another shard of its folder), which regenerates exactly the missing shard from its own seeds.
    static func regeneration(of shard: String, records: [(shard: String, record: ShardGenerationRecord, header: DatasetHeader)]) -> String {
        let folder = (shard as NSString).deletingLastPathComponent
        let name = (shard as NSString).lastPathComponent
        let aside = ShardGenerationRecord.shellQuoted(shard + ".damaged")
        let plan = records.first { $0.shard == shard }
            ?? records.first { ($0.shard as NSString).deletingLastPathComponent == folder
                && (0..<$0.record.units).contains { ShardGenerationRecord.shardFileName(unit: $0) == name } }
        guard let plan else {
            return "is damaged: move it aside (`mv \(ShardGenerationRecord.shellQuoted(shard)) \(aside)`) and regenerate it with `cliport demos`"
        }
        return "is damaged: move it aside (`mv \(ShardGenerationRecord.shellQuoted(shard)) \(aside)`), then rerun "
            + "`\(plan.record.demosCommand(header: plan.header, folder: folder.isEmpty ? "." : folder))`, which regenerates exactly this shard"
    }

    struct ShardEpisode { var demo: String; var seed: Int; var task: String; var split: String }

    /// What `checkShard` found.
    struct ShardResult {
        var episodes: [ShardEpisode] = []
        var steps = 0
        /// Arrays read in deep mode with and without a checksum.
        var checksummed = 0
        var unchecksummed = 0
    }

    /// Checks every demo of one shard (in N order); returns its episodes and steps.
    static func checkShard(file: HDF5File, data: HDF5Group, header: DatasetHeader, name: String, deep: Bool,
                           _ problem: (String, String) -> Void) throws -> ShardResult {
        var result = ShardResult()
        let members = try data.memberNames()
        let demos = DatasetLayout.demoNames(members)
        for demo in demos + members.filter({ !demos.contains($0) }) {
            guard DatasetLayout.demoIndex(demo) != nil else { problem(name, "\(DatasetLayout.dataGroup)/\(demo) is not named demo_N"); continue }
            guard data.resolves(demo) else {
                let target = (try? data.externalLinkTarget(demo)).flatMap { $0 }.map { " (links to \($0.file):\($0.object))" } ?? ""
                problem(name, "\(DatasetLayout.dataGroup)/\(demo) cannot be opened\(target); the shard it points to is missing or moved: "
                        + "keep the merged file next to its shards, or merge again")
                continue
            }
            do {
                typealias A = DatasetLayout.EpisodeAttribute
                let g = try data.group(demo)
                let a = g.attributes
                let t = try a.int(A.numSamples)
                let seed = try a.int(A.seed)
                let where_ = "\(DatasetLayout.dataGroup)/\(demo) (seed \(seed))"
                result.episodes.append(ShardEpisode(demo: demo, seed: seed, task: try a.string(A.task), split: try a.string(A.split)))
                result.steps += t
                let contract = try DemoContract.check(demo: g, steps: t, header: header, deep: deep)
                result.checksummed += contract.checksummed
                result.unchecksummed += contract.unchecksummed
                for issue in contract.issues { problem(name, "\(where_) \(issue)") }
            } catch {
                problem(name, "\(DatasetLayout.dataGroup)/\(demo) cannot be read: \(error)")
            }
        }
        let total = DatasetLayout.FileAttribute.total
        if data.attributes.contains(total), let count = try? data.attributes.int(total), count != result.steps {
            problem(name, "data.total is \(count) but its demos hold \(result.steps) steps")
        }
        let demoNames = Set(members)
        let root = try file.root()
        for key in DatasetLayout.MaskKey.all {
            let path = "\(DatasetLayout.maskGroup)/\(key)"
            guard root.contains(path) else { continue }
            for missing in Set(try root.dataset(path).readStrings()).subtracting(demoNames).sorted() {
                problem(name, "\(path) lists \(missing), which is not in data/")
            }
        }
        return result
    }

    /// Every seed the unit tried is stored or recorded as failed, the tried seeds step by 2 x units, and
    /// the shard holds the episodes its unit must.
    static func checkGeneration(_ r: ShardGenerationRecord, demoSeeds: [Int], name: String, _ problem: (String, String) -> Void) {
        let stored = Set(demoSeeds), failed = Set(r.seedsFailed), tried = Set(r.seedsTried)
        if demoSeeds.count != r.expectedEpisodes {
            problem(name, "holds \(demoSeeds.count) episodes; unit \(r.unit) of \(r.units) must hold \(r.expectedEpisodes)")
        }
        if demoSeeds != demoSeeds.sorted() { problem(name, "its episodes are not in seed order") }
        let missing = tried.subtracting(stored).subtracting(failed)
        if !missing.isEmpty { problem(name, "seeds \(missing.sorted()) were tried but are neither stored nor recorded as failed") }
        let unknown = stored.union(failed).subtracting(tried)
        if !unknown.isEmpty { problem(name, "seeds \(unknown.sorted()) are stored or failed but not in generation_seeds_tried") }
        if !stored.isDisjoint(with: failed) { problem(name, "seeds \(stored.intersection(failed).sorted()) are both stored and failed") }
        let step = 2 * r.units
        if zip(r.seedsTried, r.seedsTried.dropFirst()).contains(where: { $1 - $0 != step }) {
            problem(name, "the seeds its unit tried do not step by \(step) (2 x \(r.units) units): seeds are missing or doubled")
        }
    }

    /// Across the shards of a folder made by `cliport demos`: one plan, no missing unit, seeds that start
    /// where their unit's must.
    static func checkUnits(_ records: [(shard: String, record: ShardGenerationRecord)], folder: String,
                           _ problem: (String, String) -> Void, command: String? = nil) {
        guard let first = records.first?.record else { return }
        let plan = { (r: ShardGenerationRecord) in "\(r.episodes) episodes, \(r.episodesPerShard) per shard, first episode \(r.firstEpisode)" }
        var units = Set<Int>()
        var base: Int?
        for (shard, r) in records {
            let name = (shard as NSString).lastPathComponent
            guard r.units == first.units, r.episodes == first.episodes, r.episodesPerShard == first.episodesPerShard,
                  r.firstEpisode == first.firstEpisode else {
                problem(name, "was generated for another plan (\(plan(r))) than the other shards (\(plan(first)))")
                continue
            }
            units.insert(r.unit)
            if let seed = r.seedsTried.first {
                let b = seed - 2 * r.unit
                if let base, base != b { problem(name, "unit \(r.unit) starts at seed \(seed), not \(base + 2 * r.unit) as the other units imply") }
                base = base ?? b
            }
        }
        let missing = Set(0..<first.units).subtracting(units).sorted()
        if !missing.isEmpty {
            let names = missing.prefix(5).map(ShardGenerationRecord.shardFileName(unit:)).joined(separator: ", ")
            problem(folder, "\(missing.count) of \(first.units) shards are missing (\(names)\(missing.count > 5 ? ", ..." : "")); "
                    + "rerun the same `cliport demos` command (every --shard-index) to finish the dataset"
                    + (command.map { ": `\($0)`" } ?? ""))
        }
    }

    /// `.partial` files and staged episodes are what an interrupted run leaves; rerunning finishes them.
    static func checkLeftovers(folder: String, _ problem: (String, String) -> Void) {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where name.hasSuffix(".partial") {
            problem(name, "is an unfinished write left by an interrupted run; rerun the same `cliport demos` command (it is "
                    + "regenerated) or delete it")
        }
        let staging = (folder as NSString).appendingPathComponent(".staging")
        let units = ((try? fm.contentsOfDirectory(atPath: staging)) ?? []).filter { $0.hasPrefix("unit-") }.sorted()
        let staged = units.filter { !(((try? fm.contentsOfDirectory(atPath: (staging as NSString).appendingPathComponent($0))) ?? []).isEmpty) }
        if !staged.isEmpty {
            problem(".staging", "\(staged.count) unit(s) have staged episodes (\(staged.prefix(5).joined(separator: ", "))): the run was "
                    + "interrupted; rerun the same `cliport demos` command to finish them")
        }
    }
}
