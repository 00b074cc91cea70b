import Foundation
import Geometry
import HDF5

/// `cliport dataset sample`: the loader's samples of one stored step written to a small HDF5 file, so other
/// implementations (the Python package's CLIPort dataset, python/tests) can be compared with this one value
/// for value. Sample i is assembled exactly as the `Loader` assembles a training sample, with its own random
/// stream `SeededGenerator(seed: seed + i)`.
///
/// Layout: `image` float32 [N, 6, rows, cols] (`InputLayout`, only the first `imageCount` samples), `goal`
/// (same, when asked), `pick` and `place` int32 [N, 2] (row, col), `rotation_bin` int32 [N], `perturbed`
/// uint8 [N] (0: not augmented), `theta` float64 [N] (radians), `translation` float64 [N, 2] (x = col, y = row
/// pixels), `pivot` float64 [N, 2]; attributes `instruction`, `task`, `episode`, `step`, `goal_index` (-1: none).
public enum SampleDump {
    public struct Result: Codable, Sendable {
        public var out: String
        public var samples: Int
        public var images: Int
        public var goalIndex: Int?
    }

    @discardableResult
    public static func write(path: String, episode: Int, step: Int, augmentation: Augmentation?, goal: Bool,
                             count: Int, imageCount: Int, seed: Int, out: String) throws -> Result {
        let dataset = try TaskDataset(path: path)
        guard dataset.episodes.indices.contains(episode) else {
            throw DatasetError.outOfRange("episode \(episode) does not exist: \(path) holds \(dataset.episodes.count) episodes (0...\(dataset.episodes.count - 1))")
        }
        let slot = dataset.episodes[episode]
        let goalIndex = goal ? (dataset.isSequential ? step + 1 : slot.numSteps) : nil
        let stored = try StepReader().read(slot, step: step, goal: goalIndex)
        var samples: [LoaderSample] = []
        for i in 0..<count {
            var rng = SeededGenerator(seed: seed + i)
            samples.append(SampleAssembler.assemble(stored, task: dataset.task, episode: episode, step: step,
                                                    augmentation: augmentation, rng: &rng))
        }
        let images = min(imageCount, count)
        let rows = stored.rows, cols = stored.cols
        let file = try HDF5File.create(out, overwrite: true)
        let root = try file.root()
        let shape = [images] + InputLayout.shape(rows: rows, cols: cols)
        try root.writeDataset("image", samples.prefix(images).flatMap(\.image), shape: shape)
        if goalIndex != nil { try root.writeDataset("goal", samples.prefix(images).flatMap { $0.goal ?? [] }, shape: shape) }
        try root.writeDataset("pick", samples.flatMap { [Int32($0.pick.row), Int32($0.pick.col)] }, shape: [count, 2])
        try root.writeDataset("place", samples.flatMap { [Int32($0.place.row), Int32($0.place.col)] }, shape: [count, 2])
        try root.writeDataset("rotation_bin", samples.map { Int32($0.rotationBin) }, shape: [count])
        try root.writeDataset("perturbed", samples.map { UInt8($0.perturbation == nil ? 0 : 1) }, shape: [count])
        let identity = SE2Perturbation.identity(rows: rows, cols: cols)
        let p = samples.map { $0.perturbation ?? identity }
        try root.writeDataset("theta", p.map(\.theta), shape: [count])
        try root.writeDataset("translation", p.flatMap { [$0.translation.x, $0.translation.y] }, shape: [count, 2])
        try root.writeDataset("pivot", p.flatMap { [$0.pivot.x, $0.pivot.y] }, shape: [count, 2])
        let a = root.attributes
        try a.set("instruction", stored.instruction)
        try a.set("task", dataset.task)
        try a.set("episode", episode)
        try a.set("step", step)
        try a.set("goal_index", goalIndex ?? -1)
        try file.close()
        return Result(out: out, samples: count, images: images, goalIndex: goalIndex)
    }
}
