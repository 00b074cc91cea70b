import Core
import Dataset
import Foundation
import Geometry

/// The episode being recorded, kept on disk step by step so that a crash, a killed server or a closed
/// browser loses at most the step in progress:
///
///     <out>/.capture/journal/episode.json     which episode (number, seed, object names)
///     <out>/.capture/journal/step-0000.step   one file per recorded step: its observation, action,
///     <out>/.capture/journal/step-0001.step   reward, done and instruction (JSON header + raw arrays)
///
/// Every file is written atomically and fsynced (`DurableFile`). The journal is cleared once the episode
/// is a durable HDF5 file, or when the operator discards it.
public final class EpisodeJournal {
    public struct Header: Codable, Equatable, Sendable {
        public var episode: Int
        public var seed: Int
        public var objectNames: [String]
        public var started: String
    }

    public let folder: String

    public init(folder: String) throws {
        self.folder = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CaptureError.output(path: folder, problem: "cannot create the journal folder (\(error.localizedDescription))")
        }
    }

    var headerPath: String { (folder as NSString).appendingPathComponent("episode.json") }
    func stepPath(_ i: Int) -> String { (folder as NSString).appendingPathComponent(String(format: "step-%04d.step", i)) }

    /// The journaled episode, if one was in progress.
    public func load() throws -> (header: Header, steps: [StepRecord])? {
        guard let data = FileManager.default.contents(atPath: headerPath) else { return nil }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            throw CaptureError.journal(path: headerPath, problem: "\(error)")
        }
        var steps: [StepRecord] = []
        while let bytes = FileManager.default.contents(atPath: stepPath(steps.count)) {
            steps.append(try JournalStepCodec.decode(bytes, path: stepPath(steps.count)))
        }
        return (header, steps)
    }

    public func begin(_ header: Header) throws {
        try clear()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try save(try encoder.encode(header), to: headerPath)
    }

    /// Journals step `index` (the steps before it are already on disk).
    public func append(_ step: StepRecord, index: Int) throws {
        try save(JournalStepCodec.encode(step), to: stepPath(index))
    }

    /// Forgets the last step (undo).
    public func removeStep(_ index: Int) {
        DurableFile.remove(stepPath(index))
    }

    public func clear() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        // Steps go last-first so an interrupted clear never leaves a gap that would hide later steps.
        for name in names.filter({ $0.hasPrefix("step-") }).sorted().reversed() {
            unlink((folder as NSString).appendingPathComponent(name))
        }
        unlink(headerPath)
        DurableFile.syncFolder(of: headerPath)
    }

    private func save(_ data: Data, to path: String) throws {
        do {
            try DurableFile.write(data, to: path)
        } catch let error as FileWriteError {
            throw CaptureError.output(path: error.path, problem: error.detail)
        }
    }
}

/// The `.step` file: "CLIPORT-STEP 1\n", a little-endian UInt32 length, the JSON header, then the
/// frames' colour bytes and depth floats, the heightmap colour bytes and heights (Float32, little-endian).
enum JournalStepCodec {
    static let magic = Array("CLIPORT-STEP 1\n".utf8)

    struct Header: Codable {
        var action: ActionRecord
        var reward: Double
        var done: Bool
        var instruction: String
        var frames: [[Int]]  // [width, height] per camera
        var heightmap: [Int] // [rows, cols]
        var objectPoses: [[Double]]
    }

    static func encode(_ step: StepRecord) throws -> Data {
        let o = step.observation
        let header = Header(action: step.action, reward: step.reward, done: step.done, instruction: step.instruction,
                            frames: o.frames.map { [$0.width, $0.height] }, heightmap: [o.heightmap.rows, o.heightmap.cols],
                            objectPoses: o.objectPoses.map(\.components))
        let json = try JSONEncoder().encode(header)
        var data = Data(magic)
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for f in o.frames {
            data.append(contentsOf: f.color)
            f.depth.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: o.heightmap.color)
        o.heightmap.height.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func decode(_ data: Data, path: String) throws -> StepRecord {
        let bytes = [UInt8](data)
        func fail(_ why: String) -> CaptureError { .journal(path: path, problem: why) }
        guard bytes.count > magic.count + 4, Array(bytes[0..<magic.count]) == magic else { throw fail("not a journal step file") }
        var offset = magic.count
        let length = Int(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        offset += 4
        guard offset + length <= bytes.count else { throw fail("truncated header") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[offset..<(offset + length)])) } catch {
            throw fail("unreadable header (\(error))")
        }
        offset += length
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, offset + n <= bytes.count else { throw fail("truncated data") }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }
        func floats(_ n: Int) throws -> [Float] {
            let slice = try take(n * 4)
            return slice.withUnsafeBytes { raw in (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        }
        var frames: [RGBDFrame] = []
        for wh in header.frames {
            guard wh.count == 2 else { throw fail("bad frame size") }
            let n = wh[0] * wh[1]
            let color = Array(try take(n * 3))
            frames.append(RGBDFrame(width: wh[0], height: wh[1], color: color, depth: try floats(n)))
        }
        guard header.heightmap.count == 2 else { throw fail("bad heightmap size") }
        let cells = header.heightmap[0] * header.heightmap[1]
        let color = Array(try take(cells * 3))
        let heightmap = Heightmap(rows: header.heightmap[0], cols: header.heightmap[1], color: color, height: try floats(cells))
        guard header.objectPoses.allSatisfy({ $0.count == 7 }) else { throw fail("bad object pose") }
        let observation = ObservationRecord(frames: frames, heightmap: heightmap, objectPoses: header.objectPoses.map { Pose(components: $0) })
        return StepRecord(observation: observation, action: header.action, reward: header.reward, done: header.done,
                          instruction: header.instruction)
    }
}
