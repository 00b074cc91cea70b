import Core
import Dataset
import Foundation
import Sim

/// `generation.json` in a dataset folder: the plan the folder is being generated for. It is created once
/// (atomically, safe when several machines start at the same moment on a shared folder) and every later run
/// must ask for the same plan, because the plan decides which seeds each shard holds.
public enum GenerationManifest {
    public static let fileName = "generation.json"

    struct Contents: Codable, Equatable {
        var task: String
        var split: String
        var episodes: Int
        var episodesPerShard: Int
        var firstEpisode: Int
        var units: Int
        var generator: String
        /// `--assets` (absent when not given, as in manifests written before it existed).
        var assets: String?
        /// `--look` (absent in manifests written before looks existed, whose pictures are the plain look).
        var look: String?
    }

    static func contents(_ plan: GenerationPlan) -> Contents {
        Contents(task: plan.task, split: plan.split.rawValue, episodes: plan.episodes, episodesPerShard: plan.episodesPerShard,
                 firstEpisode: plan.firstEpisode, units: plan.units, generator: DatasetLayout.generator, assets: plan.assets,
                 look: plan.look.rawValue)
    }

    /// Records `plan` in `folder`, or checks that the recorded plan is the same.
    public static func ensure(_ plan: GenerationPlan, in folder: String) throws {
        let path = (folder as NSString).appendingPathComponent(fileName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let mine = contents(plan)
        if !FileManager.default.fileExists(atPath: path) {
            if try DatasetError.writing({ try DurableFile.create(try encoder.encode(mine), at: path) }) { return }
        }
        guard let data = FileManager.default.contents(atPath: path),
              let recorded = try? JSONDecoder().decode(Contents.self, from: data) else {
            throw RecorderError.unreadableManifest(path: path)
        }
        // A dataset's pictures all have one look: checked first, since its fix is the --look option alone.
        let recordedLook = recorded.look ?? SceneLook.plain.rawValue
        if recordedLook != mine.look {
            throw RecorderError.lookMismatch(path: folder, recorded: recordedLook, requested: plan.look.rawValue)
        }
        let same = recorded.task == mine.task && recorded.split == mine.split && recorded.episodes == mine.episodes
            && recorded.episodesPerShard == mine.episodesPerShard && recorded.firstEpisode == mine.firstEpisode
            && recorded.assets == mine.assets
        if !same {
            let theirs = GenerationPlan(task: recorded.task, split: Split(rawValue: recorded.split) ?? plan.split,
                                        episodes: recorded.episodes, episodesPerShard: recorded.episodesPerShard,
                                        firstEpisode: recorded.firstEpisode, assets: recorded.assets, look: plan.look)
            throw RecorderError.planMismatch(path: folder, recorded: theirs, requested: plan)
        }
    }
}
