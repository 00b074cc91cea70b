import Core
import Dataset
import Foundation
import Geometry
import HDF5

/// Measures observation storage choices (size on disk, write and read cost, depth error) on given
/// observations: what chose `ObservationStorage.standard`. `cliport bench` can print it.
public enum StorageBenchmark {
    public struct Candidate: Sendable {
        public var name: String
        public var storage: ObservationStorage
        public init(name: String, storage: ObservationStorage) { self.name = name; self.storage = storage }
    }

    public struct Result: Codable, Sendable {
        public var name: String
        public var rgbBytes: Double          // per observation, 3 cameras
        public var depthBytes: Double        // per observation, 3 cameras
        public var heightmapBytes: Double    // colour + height
        public var bytesPerObservation: Double
        public var ratioToCLIPort: Double    // CLIPort's 6.45 MB per observation / ours
        public var writeCPUms: Double        // per observation, including depth quantisation
        public var readCPUms: Double         // per observation
        public var maxDepthErrorMM: Double
    }

    public static let candidates: [Candidate] = {
        let rgb1: [HDF5Filter] = [.deflate(level: 1)]
        let hs: [HDF5Filter] = [.shuffle, .deflate(level: 4)]
        func c(_ name: String, _ rgb: [HDF5Filter], _ enc: DepthEncoding, _ depth: [HDF5Filter]) -> Candidate {
            Candidate(name: name, storage: ObservationStorage(rgbFilters: rgb, depthEncoding: enc, depthFilters: depth, heightFilters: hs))
        }
        let mm01 = DepthEncoding.standard
        return [
            c("f32 raw depth, rgb gzip1", rgb1, .float32, []),
            c("f32 shuffle+gzip4", rgb1, .float32, [.shuffle, .deflate(level: 4)]),
            c("f32 scaleoffset(4)+gzip4", rgb1, .float32, [.scaleOffsetFloat(decimalDigits: 4), .deflate(level: 4)]),
            c("u16 0.1mm szip-nn32", rgb1, mm01, [.szipNearestNeighbour(pixelsPerBlock: 32)]),
            c("u16 0.1mm gzip1", rgb1, mm01, [.deflate(level: 1)]),
            c("u16 0.1mm shuffle+gzip1", rgb1, mm01, [.shuffle, .deflate(level: 1)]),
            c("u16 0.1mm shuffle+gzip2", rgb1, mm01, [.shuffle, .deflate(level: 2)]),
            c("u16 0.1mm shuffle+gzip4", rgb1, mm01, [.shuffle, .deflate(level: 4)]),
            c("u16 0.1mm gzip1, rgb gzip2", [.deflate(level: 2)], mm01, [.deflate(level: 1)]),
            Candidate(name: "standard: u16 shuffle+gzip1, rgb gzip2", storage: .standard),
            c("u16 0.1mm shuffle+gzip2, rgb gzip2", [.deflate(level: 2)], mm01, [.shuffle, .deflate(level: 2)]),
            c("u16 0.1mm shuffle+gzip4, rgb gzip2", [.deflate(level: 2)], mm01, [.shuffle, .deflate(level: 4)]),
            c("u16 0.1mm shuffle+gzip4, rgb gzip4", [.deflate(level: 4)], mm01, [.shuffle, .deflate(level: 4)]),
        ]
    }()

    /// Writes `observations` with each candidate into a file in `directory`, then reads them back.
    public static func run(observations: [ObservationRecord], cameras: [String], candidates: [Candidate] = candidates,
                           directory: String) throws -> [Result] {
        precondition(!observations.isEmpty)
        let n = Double(observations.count)
        var results: [Result] = []
        for (index, candidate) in candidates.enumerated() {
            let path = "\(directory)/storage-candidate-\(index).hdf5"
            let start = ProcessClock.cpuSeconds()
            var rgb = 0, depth = 0, heightmap = 0
            do {
                let file = try HDF5File.create(path)
                let group = try file.root().createGroup(DatasetLayout.observationGroup)
                let datasets = try ObservationWriter(in: group, count: observations.count, cameras: cameras,
                                                     sample: observations[0], storage: candidate.storage)
                for (i, o) in observations.enumerated() { try datasets.write(o, at: i) }
                try file.flush()
                // Sizes by the layout's keys, so the writer's dataset handles stay its own.
                rgb = try cameras.map { try group.dataset(DatasetLayout.rgbKey($0)).storageSize() }.reduce(0, +)
                depth = try cameras.map { try group.dataset(DatasetLayout.depthKey($0)).storageSize() }.reduce(0, +)
                heightmap = try group.dataset(DatasetLayout.heightmapRGBKey).storageSize()
                    + group.dataset(DatasetLayout.heightmapHeightKey).storageSize()
            }
            let writeCPU = ProcessClock.cpuSeconds() - start
            let readStart = ProcessClock.cpuSeconds()
            var maxError: Float = 0
            do {
                let file = try HDF5File.open(path)
                let datasets = try ObservationReader(try file.group(DatasetLayout.observationGroup), cameras: cameras)
                for (i, o) in observations.enumerated() {
                    let back = try datasets.read(at: i)
                    for (a, b) in zip(o.frames, back.frames) {
                        for (x, y) in zip(a.depth, b.depth) where x < 6.5 { maxError = max(maxError, abs(x - y)) }
                    }
                }
            }
            let readCPU = ProcessClock.cpuSeconds() - readStart
            let total = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            try? FileManager.default.removeItem(atPath: path)
            results.append(Result(name: candidate.name, rgbBytes: Double(rgb) / n, depthBytes: Double(depth) / n,
                                  heightmapBytes: Double(heightmap) / n, bytesPerObservation: Double(total) / n,
                                  ratioToCLIPort: CLIPortReferenceFigures.bytesPerObservation / (Double(total) / n),
                                  writeCPUms: writeCPU / n * 1000, readCPUms: readCPU / n * 1000,
                                  maxDepthErrorMM: Double(maxError) * 1000))
        }
        return results
    }

    /// A readable table of results.
    public static func table(_ results: [Result]) -> String {
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        func kb(_ b: Double) -> String { String(format: "%.1f", b / 1000) }
        var lines = [pad("candidate", 36) + lpad("rgb KB", 8) + lpad("depth KB", 10) + lpad("hmap KB", 9) + lpad("obs KB", 9)
                     + lpad("x CLIPort", 10) + lpad("write ms", 10) + lpad("read ms", 9) + lpad("err mm", 8)]
        for r in results {
            lines.append(pad(r.name, 36) + lpad(kb(r.rgbBytes), 8) + lpad(kb(r.depthBytes), 10) + lpad(kb(r.heightmapBytes), 9)
                         + lpad(kb(r.bytesPerObservation), 9) + lpad(String(format: "%.1f", r.ratioToCLIPort), 10)
                         + lpad(String(format: "%.1f", r.writeCPUms), 10) + lpad(String(format: "%.1f", r.readCPUms), 9)
                         + lpad(String(format: "%.3f", r.maxDepthErrorMM), 8))
        }
        return lines.joined(separator: "\n")
    }
}
