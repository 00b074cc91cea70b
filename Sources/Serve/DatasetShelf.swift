import Dataset
import Foundation
import Geometry
import PNG

/// The served datasets' readers, opened on first use, and the last few episodes read (the player asks
/// for each step's pictures one by one). Access is serialised: HDF5 holds one global lock anyway.
final class DatasetShelf: @unchecked Sendable {
    let library: ServeLibrary
    private let lock = NSLock()
    private var readers: [Int: DatasetReader] = [:]
    private var recent: [(key: [Int], episode: EpisodeRecord, header: DatasetHeader)] = []
    static let keptEpisodes = 3

    init(library: ServeLibrary) { self.library = library }

    func withReader<T>(_ d: Int, _ body: (DatasetReader) throws -> T) throws -> T {
        guard library.datasets.indices.contains(d) else { throw ServeError.notFound("dataset \(d)") }
        return try lock.withLock {
            if let reader = readers[d] { return try body(reader) }
            let reader = try DatasetReader(path: library.datasets[d].path)
            readers[d] = reader
            return try body(reader)
        }
    }

    func summary(_ d: Int) -> (episodes: Int, tasks: String)? {
        try? withReader(d) { ($0.episodes.count, $0.tasks.sorted().joined(separator: ", ")) }
    }

    func rows(_ d: Int) throws -> [ServePages.EpisodeRow] {
        try withReader(d) { reader in
            try reader.episodes.map { ServePages.EpisodeRow(entry: $0, instruction: try reader.metadata($0.index).instruction) }
        }
    }

    func episode(_ d: Int, _ e: Int) throws -> (episode: EpisodeRecord, header: DatasetHeader) {
        if let hit = lock.withLock({ recent.first { $0.key == [d, e] } }) { return (hit.episode, hit.header) }
        let loaded = try withReader(d) { reader -> (EpisodeRecord, DatasetHeader) in
            guard reader.episodes.indices.contains(e) else { throw ServeError.notFound("episode \(e) of \(library.datasets[d].name)") }
            return (try reader.episode(e), try reader.header(ofEpisode: e))
        }
        lock.withLock {
            recent.removeAll { $0.key == [d, e] }
            recent.insert(([d, e], loaded.0, loaded.1), at: 0)
            if recent.count > Self.keptEpisodes { recent.removeLast() }
        }
        return loaded
    }

    /// A picture of position `s` (a step, or `steps` for the final observation): "heightmap.png" (colour,
    /// one pixel per cell; the page enlarges it and draws the marks) or "cameraK.png" (colour).
    func picture(_ d: Int, _ e: Int, position s: Int, name: String) throws -> [UInt8] {
        let (episode, _) = try episode(d, e)
        guard (0...episode.steps.count).contains(s) else { throw ServeError.notFound("step \(s) of episode \(e)") }
        let observation = s < episode.steps.count ? episode.steps[s].observation : episode.finalObservation
        if name == "heightmap.png" {
            let hm = observation.heightmap
            return try PNGImage(width: hm.cols, height: hm.rows, pixels: .rgb8(hm.color)).encoded()
        }
        guard name.hasPrefix("camera"), name.hasSuffix(".png"), let k = Int(name.dropFirst(6).dropLast(4)),
              observation.frames.indices.contains(k) else { throw ServeError.notFound("picture \(name)") }
        let frame = observation.frames[k]
        return try PNGImage(width: frame.width, height: frame.height, pixels: .rgb8(frame.color)).encoded()
    }
}
