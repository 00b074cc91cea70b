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

/// Reads single steps (heightmap, labels, goal) with as little work as possible under libhdf5's global lock:
/// image chunks are fetched raw (`H5Dread_chunk`) and inflated afterwards, so readers on several threads
/// decompress in parallel. One reader per thread; it keeps at most `maxOpenFiles` shards open, so memory does
/// not grow with the number of shards.
public final class StepReader {
    public let maxOpenFiles: Int
    private var open: [(path: String, file: HDF5File)] = []

    public init(maxOpenFiles: Int = 4) { self.maxOpenFiles = max(1, maxOpenFiles) }

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

    /// A chunk fetched under the lock, decoded later.
    private enum Pending {
        case raw(HDF5RawChunk, HDF5ChunkDecoder)
        case decodedBytes([UInt8])
        case decodedFloats([Float])
    }

    private func fetch<T: HDF5Scalar>(_ ds: HDF5Dataset, row: Int, as: T.Type) throws -> Pending {
        if let decoder = ds.rawChunkDecoder(as: T.self) { return .raw(try ds.readRawChunk(row: row), decoder) }
        if T.self == UInt8.self { return .decodedBytes(try ds.read(row: row, as: UInt8.self)) }
        return .decodedFloats(try ds.read(row: row, as: Float.self))
    }

    private func bytes(_ p: Pending, count: Int) throws -> [UInt8] {
        switch p {
        case let .decodedBytes(b): return b
        case let .raw(chunk, decoder):
            var out = [UInt8](repeating: 0, count: count)
            try out.withUnsafeMutableBytes { try decoder.decode(chunk, into: $0) }
            return out
        case .decodedFloats: fatalError("colour chunks are bytes")
        }
    }

    private func floats(_ p: Pending, count: Int) throws -> [Float] {
        switch p {
        case let .decodedFloats(f): return f
        case let .raw(chunk, decoder):
            var out = [Float](repeating: 0, count: count)
            try out.withUnsafeMutableBytes { try decoder.decode(chunk, into: $0) }
            return out
        case .decodedBytes: fatalError("height chunks are floats")
        }
    }

    /// Step `step` of `slot`. `goal`: nil for none, else the goal observation index (`slot.numSteps` means
    /// `final_obs`, the observation after the last action).
    public func read(_ slot: EpisodeSlot, step: Int, goal: Int?) throws -> StoredStep {
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
        let rows = shape[1], cols = shape[2]
        let rgb = try fetch(rgbSet, row: step, as: UInt8.self)
        let height = try fetch(try obs.dataset(DatasetLayout.heightmapHeightKey), row: step, as: Float.self)
        var goalParts: (Pending, Pending)?
        if let g = goal {
            let group = g >= slot.numSteps ? try demo.group(DatasetLayout.finalObservationGroup) : obs
            let row = g >= slot.numSteps ? 0 : g
            goalParts = (try fetch(try group.dataset(DatasetLayout.heightmapRGBKey), row: row, as: UInt8.self),
                         try fetch(try group.dataset(DatasetLayout.heightmapHeightKey), row: row, as: Float.self))
        }
        // Everything below runs outside libhdf5.
        let n = rows * cols
        return StoredStep(rows: rows, cols: cols, color: try bytes(rgb, count: n * 3), height: try floats(height, count: n),
                          pick: Pixel(row: Int(pick[0]), col: Int(pick[1])), place: Pixel(row: Int(place[0]), col: Int(place[1])),
                          rotationBin: Int(bin[0]), instruction: step < instructions.count ? instructions[step] : "task completed.",
                          goalColor: try goalParts.map { try bytes($0.0, count: n * 3) },
                          goalHeight: try goalParts.map { try floats($0.1, count: n) })
    }
}
