import Core
import Dataset
import Foundation
import HDF5

/// zlib against ISA-L's igzip on a dataset's real image chunks (the loader's decode: inflate, unshuffle,
/// Fletcher-32 check): CPU per chunk, each chunk decoded by both from the same raw bytes, outputs compared.
public struct InflateComparison: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var inflater: HDF5Inflater
        public var cpuMicrosecondsPerChunk: Double
        /// Decoded megabytes per CPU second.
        public var megabytesPerCPUSecond: Double
    }

    public var shard: String
    public var chunks: Int
    public var decodedBytes: Int
    public var storedBytes: Int
    public var rows: [Row]
    /// Every chunk decoded to the same bytes with both.
    public var identical: Bool

    /// Decodes the colour and height chunks of up to `observations` observations of the first shard of
    /// `folder`, `repeats` times with each inflater (alternating, so a busy machine affects both alike).
    public static func run(folder: String, observations: Int = 60, repeats: Int = 20) throws -> InflateComparison {
        let shard = try folder.hasSuffix(".hdf5") ? folder : (FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".hdf5") }.sorted().first.map { (folder as NSString).appendingPathComponent($0) }
            ?? { throw LoaderBenchmarkError.noDataset(folder) }())
        let file = try HDF5File.open(shard)
        defer { try? file.close() }
        let data = try file.group(DatasetLayout.dataGroup)
        var chunks: [(decoder: HDF5ChunkDecoder, raw: HDF5RawChunk)] = []
        outer: for demo in try data.memberNames().sorted() where DatasetLayout.demoIndex(demo) != nil {
            let obs = try data.group(demo).group(DatasetLayout.observationGroup)
            let rgb = try obs.dataset(DatasetLayout.heightmapRGBKey), height = try obs.dataset(DatasetLayout.heightmapHeightKey)
            guard let rgbDecoder = rgb.rawChunkDecoder(as: UInt8.self), let heightDecoder = height.rawChunkDecoder(as: Float.self) else { continue }
            for row in 0..<rgb.shape[0] {
                if chunks.count >= 2 * observations { break outer }
                chunks.append((rgbDecoder, try rgb.readRawChunk(row: row)))
                chunks.append((heightDecoder, try height.readRawChunk(row: row)))
            }
        }
        guard !chunks.isEmpty else { throw LoaderBenchmarkError.noDataset(folder) }
        let maxBytes = chunks.map(\.decoder.chunkBytes).max()!
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: maxBytes, alignment: 16)
        defer { output.deallocate() }
        var seconds: [HDF5Inflater: Double] = [:]
        var identical = true
        let scratches = Dictionary(uniqueKeysWithValues: HDF5Inflater.allCases.map { ($0, HDF5ChunkScratch(inflater: $0)) })
        for (decoder, raw) in chunks {
            var reference: [UInt8]?
            for inflater in HDF5Inflater.allCases {
                let scratch = scratches[inflater]!
                scratch.load(raw)
                let out = UnsafeMutableRawBufferPointer(rebasing: output[0..<decoder.chunkBytes])
                let start = ProcessClock.cpuSeconds()
                for _ in 0..<repeats { try decoder.decode(scratch, into: out) }
                seconds[inflater, default: 0] += ProcessClock.cpuSeconds() - start
                let bytes = [UInt8](UnsafeRawBufferPointer(out))
                if let reference { identical = identical && reference == bytes } else { reference = bytes }
            }
        }
        let decoded = chunks.reduce(0) { $0 + $1.decoder.chunkBytes }, stored = chunks.reduce(0) { $0 + $1.raw.bytes.count }
        let rows = HDF5Inflater.allCases.map { inflater -> Row in
            let s = seconds[inflater]!
            return Row(inflater: inflater, cpuMicrosecondsPerChunk: s * 1e6 / Double(chunks.count * repeats),
                       megabytesPerCPUSecond: Double(decoded * repeats) / 1e6 / s)
        }
        return InflateComparison(shard: shard, chunks: chunks.count, decodedBytes: decoded, storedBytes: stored, rows: rows,
                                 identical: identical)
    }
}
