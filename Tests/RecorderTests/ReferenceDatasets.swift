import Foundation
import Recorder
import Sim

/// Datasets made once per test run in this process, uninterrupted and with one worker: what every resumed,
/// parallel or sharded run must reproduce. Removed when the test process exits.
enum ReferenceDatasets {
    static let task = "put-block-in-bowl-seen-colors"
    static let root = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-reference-\(getpid())").path
    nonisolated(unsafe) private static var made: [String: String] = [:]
    private static let lock = NSLock()

    /// The folder of the `n`-episode, `perShard`-per-shard train dataset of `task`.
    static func dataset(n: Int, perShard: Int) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(n)-\(perShard)"
        if let folder = made[key] { return folder }
        if made.isEmpty { atexit { try? FileManager.default.removeItem(atPath: ReferenceDatasets.root) } }
        var generator = DemoGenerator(options: .init(task: task, split: .train, count: n,
                                                     out: (root as NSString).appendingPathComponent(key), episodesPerShard: perShard))
        generator.showProgress = false
        let report = try generator.run()
        made[key] = report.dataset
        return report.dataset
    }
}
