import Foundation
import Geometry
import HDF5

/// What is stored for one training step: the heightmap (colour, height), CLIPort's labels, the instruction,
/// and optionally the goal heightmap.
public struct StoredStep: Equatable, Sendable {
    public var rows: Int
    public var cols: Int
    public var color: [UInt8]
    public var height: [Float]
    public var pick: Pixel
    public var place: Pixel
    public var rotationBin: Int
    public var instruction: String
    public var goalColor: [UInt8]?
    public var goalHeight: [Float]?
}

extension StoredStep {
    /// An empty step, for `StepReader.read(_:step:goal:into:)` to fill (an extension keeps the memberwise init).
    public init() {
        rows = 0; cols = 0; color = []; height = []; pick = Pixel(row: 0, col: 0); place = Pixel(row: 0, col: 0)
        rotationBin = 0; instruction = ""
    }
}

/// Reads single steps (heightmap, labels, goal) with as little work as possible under libhdf5's global lock:
/// image chunks are fetched raw (`H5Dread_chunk`) and inflated outside the library, so readers on several
/// threads decompress in parallel. One reader per thread; it keeps at most `maxOpenFiles` shards open, so
/// memory does not grow with the number of shards, and reuses its chunk buffers, so a steady stream of reads
/// allocates nothing large.
public final class StepReader {
    public let maxOpenFiles: Int
    private var open: [(path: String, file: HDF5File)] = []
    private let scratch: HDF5ChunkScratch

    public init(maxOpenFiles: Int = 4, inflater: HDF5Inflater = .standard) {
        self.maxOpenFiles = max(1, maxOpenFiles)
        scratch = HDF5ChunkScratch(inflater: inflater)
    }

    private func file(_ path: String) throws -> HDF5File {
        if let i = open.firstIndex(where: { $0.path == path }) {
            let entry = open.remove(at: i)
            open.append(entry)
            return entry.file
        }
        let file = try DatasetReader.openShard(path)
        open.append((path, file))
        if open.count > maxOpenFiles { open.removeFirst() }
        return file
    }

    /// Row `row` of `ds` into `out` (resized to `count` only when its size differs, so its storage is reused).
    private func load<T: HDF5Scalar>(_ ds: HDF5Dataset, row: Int, count: Int, into out: inout [T]) throws {
        if let decoder = ds.rawChunkDecoder(as: T.self), decoder.chunkBytes == count * MemoryLayout<T>.stride {
            try ds.readRawChunk(row: row, into: scratch)
            if out.count != count { out = [T](repeating: T(), count: count) }
            try out.withUnsafeMutableBytes { try decoder.decode(scratch, into: $0) }
        } else {
            out = try ds.read(row: row, as: T.self)
        }
    }

    /// Step `step` of `slot`. `goal`: nil for none, else the goal observation index (`slot.numSteps` means
    /// `final_obs`, the observation after the last action).
    public func read(_ slot: EpisodeSlot, step: Int, goal: Int?) throws -> StoredStep {
        var stored = StoredStep()
        try read(slot, step: step, goal: goal, into: &stored)
        return stored
    }

    /// The same into `stored`, whose image arrays are overwritten in place when they have the right size.
    public func read(_ slot: EpisodeSlot, step: Int, goal: Int?, into stored: inout StoredStep) throws {
        guard step >= 0, step < slot.numSteps else {
            throw DatasetError.outOfRange("step \(step) does not exist: \(slot.shard) \(slot.demo) has \(slot.numSteps) steps")
        }
        let demo = try file(slot.shard).group("\(DatasetLayout.dataGroup)/\(slot.demo)")
        let pick = try demo.dataset(DatasetLayout.StepKey.pickPixel).read(row: step, as: Int32.self)
        let place = try demo.dataset(DatasetLayout.StepKey.placePixel).read(row: step, as: Int32.self)
        let bin = try demo.dataset(DatasetLayout.StepKey.placeRotationBin).read(row: step, as: Int32.self)
        let instructions = try demo.dataset(DatasetLayout.StepKey.instructions).readStrings()
        let obs = try demo.group(DatasetLayout.observationGroup)
        let rgbSet = try obs.dataset(DatasetLayout.heightmapRGBKey)
        let shape = rgbSet.shape
        guard shape.count == 4, shape[3] == 3 else {
            throw DatasetError.corrupt(path: slot.shard, detail: "\(slot.demo)/obs/heightmap_rgb has shape \(shape), expected [T, rows, cols, 3]")
        }
        let rows = shape[1], cols = shape[2], n = rows * cols
        stored.rows = rows; stored.cols = cols
        try load(rgbSet, row: step, count: n * 3, into: &stored.color)
        try load(try obs.dataset(DatasetLayout.heightmapHeightKey), row: step, count: n, into: &stored.height)
        stored.pick = Pixel(row: Int(pick[0]), col: Int(pick[1]))
        stored.place = Pixel(row: Int(place[0]), col: Int(place[1]))
        stored.rotationBin = Int(bin[0])
        stored.instruction = step < instructions.count ? instructions[step] : "task completed."
        guard let g = goal else {
            stored.goalColor = nil; stored.goalHeight = nil
            return
        }
        let group = g >= slot.numSteps ? try demo.group(DatasetLayout.finalObservationGroup) : obs
        let row = g >= slot.numSteps ? 0 : g
        // Taken out while being filled, so the arrays stay uniquely referenced and are overwritten in place.
        var goalColor = stored.goalColor ?? [], goalHeight = stored.goalHeight ?? []
        stored.goalColor = nil; stored.goalHeight = nil
        try load(try group.dataset(DatasetLayout.heightmapRGBKey), row: row, count: n * 3, into: &goalColor)
        try load(try group.dataset(DatasetLayout.heightmapHeightKey), row: row, count: n, into: &goalHeight)
        stored.goalColor = goalColor; stored.goalHeight = goalHeight
    }
}
