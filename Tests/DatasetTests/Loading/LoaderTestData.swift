import Core
import Foundation
import SyntheticData
@testable import Dataset

/// Small synthetic datasets for the loader tests, written once per test process.
enum LoaderTestData {
    static let root: String = {
        let path = NSTemporaryDirectory() + "cliport-loader-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: LoaderTestData.root) }
        return path
    }()

    private static let lock = NSLock()
    private static var written: Set<String> = []

    /// `<root>/<task>-<split>/` with `episodes` episodes of `steps` steps (written on first use).
    static func dataset(task: String = "put-block-in-bowl-seen-colors", split: Split = .train, episodes: Int = 4,
                        steps: Int = 3, root: String = LoaderTestData.root) throws -> String {
        let path = TaskDataset.folder(root: root, task: task, split: split)
        lock.lock(); defer { lock.unlock() }
        if written.contains(path) { return path }
        try SyntheticPickPlaceEpisodes.writeDataset(directory: path, task: task, split: split, episodes: episodes, steps: steps,
                                                    episodesPerShard: 3)
        written.insert(path)
        return path
    }
}
