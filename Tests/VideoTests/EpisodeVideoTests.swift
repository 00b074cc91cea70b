import Dataset
import Foundation
import Recorder
import TestSupport
import Video
import XCTest

/// Issue 19 item 5: `dataset view --video` writes an MP4 of a simulated episode, one frame per step, that
/// FFmpeg's own decoder reads back with the frames drawn.
final class EpisodeVideoTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-video")
    override func tearDown() { folders.removeAll() }

    /// One simulated episode of a multi-step task (MuJoCo renders it, the oracle acts).
    func simulatedDataset() throws -> String {
        var generator = DemoGenerator(options: .init(task: EpisodeVideoTests.task, split: .train, count: 1, out: folders.make("data")))
        generator.showProgress = false
        return try generator.run().dataset
    }
    static let task = "put-block-in-bowl-seen-colors"

    func testVideoHasOneFramePerStepAndShowsTheMarkedHeightmap() throws {
        let dataset = try simulatedDataset()
        let reader = try DatasetReader(path: dataset)
        let episode = try reader.episode(0)
        let header = try reader.header(ofEpisode: 0)
        XCTAssertGreaterThan(episode.steps.count, 1, "a multi-step episode tells frames apart")

        let out = folders.path("view")
        let written = try EpisodeVideo.write(reader: reader, episode: 0, to: out)
        XCTAssertEqual(written.path, out + "/episode0000.mp4")
        XCTAssertEqual(written.encoder, "libx264", "Debian's libavcodec has libx264")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["episode0000.mp4"], "no temporary file is left")

        let video = try DecodedVideo(path: written.path)
        let size = EpisodeVideo.frameSize(header: header, heightmap: episode.steps[0].observation.heightmap)
        // 160 x 320 heightmap at 3x beside a 320-wide column of three 240-high camera tiles and the bar.
        XCTAssertEqual(size.width, 160 * 3 + 320)
        XCTAssertEqual(size.height, 320 * 3)
        XCTAssertEqual(video.codec, "h264")
        XCTAssertEqual(video.width, size.width)
        XCTAssertEqual(video.height, size.height)
        XCTAssertEqual(video.frames.count, episode.steps.count, "decoded frames: one per step")
        XCTAssertEqual(video.declaredFrames, episode.steps.count, "the container's frame count")
        XCTAssertEqual(video.metadata["title"], episode.metadata.instruction)
        XCTAssertTrue(video.metadata["comment"]?.contains("put-block-in-bowl-seen-colors train seed \(episode.metadata.seed)") ?? false,
                      String(describing: video.metadata))

        for t in episode.steps.indices {
            let drawn = EpisodeVideo.frame(episode, step: t, header: header, size: size)
            let decoded = video.frames[t]
            let error = drawn.withUnsafeBufferPointer { a in decoded.withUnsafeBufferPointer { b in
                (0..<a.count).reduce(0) { $0 + abs(Int(a[$1]) - Int(b[$1])) }
            } }
            XCTAssertLessThan(Double(error) / Double(drawn.count), 3, "step \(t): the decoded frame is the drawn one")
            // The pick circle: magenta-ish pixels on the circle of radius 12 around the pick cell.
            let pick = episode.steps[t].action.pickPixel
            let cx = pick.col * 3 + 1, cy = pick.row * 3 + 1
            var magenta = 0
            for a in stride(from: 0.0, to: 2 * Double.pi, by: Double.pi / 16) {
                let x = cx + Int((12 * cos(a)).rounded()), y = cy + Int((12 * sin(a)).rounded())
                guard x >= 0, x < 480, y >= 0, y < size.height else { continue }
                let i = (y * size.width + x) * 3
                if decoded[i] > 150, decoded[i + 1] < 120, decoded[i + 2] > 150 { magenta += 1 }
            }
            XCTAssertGreaterThan(magenta, 16, "step \(t): the pick mark survives encoding")
        }
        XCTAssertNotEqual(video.frames[0], video.frames[1], "frames differ from step to step")

        // Deterministic: the same episode gives the same bytes.
        let again = folders.path("again")
        try EpisodeVideo.write(reader: reader, episode: 0, to: again)
        XCTAssertEqual(FileManager.default.contents(atPath: again + "/episode0000.mp4"), FileManager.default.contents(atPath: written.path))

        // The command: one line naming the file and its frame count; bad input gets one clear message.
        let cliOut = folders.path("cli")
        let run = try BuiltProgram.run(["dataset", "view", dataset, "--video", "--out", cliOut])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "wrote \(cliOut)/episode0000.mp4 (\(episode.steps.count) frames, one per step; libx264)\n")
        let outOfRange = try BuiltProgram.run(["dataset", "view", dataset, "--video", "--episode", "3", "--out", cliOut])
        XCTAssertNotEqual(outOfRange.status, 0)
        XCTAssertEqual(outOfRange.stderr.split(separator: "\n").count, 1, outOfRange.stderr)
        XCTAssertTrue(outOfRange.stderr.contains("episode 3 is out of range: \(dataset) holds 1 episode (0...0); choose one with --episode"),
                      outOfRange.stderr)
        let file = folders.path("file")
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let unwritable = try BuiltProgram.run(["dataset", "view", dataset, "--video", "--out", file + "/view"])
        XCTAssertNotEqual(unwritable.status, 0)
        XCTAssertEqual(unwritable.stderr.split(separator: "\n").count, 1, unwritable.stderr)
        XCTAssertTrue(unwritable.stderr.contains("cannot write \(file)/view"), unwritable.stderr)
        XCTAssertTrue(unwritable.stderr.contains("choose a writable folder with --out"), unwritable.stderr)
    }

    /// A frame of the wrong size is refused with the sizes named, not encoded.
    func testWriterRefusesAFrameOfTheWrongSize() throws {
        let path = folders.make("bad") + "/bad.mp4"
        let writer = try MP4Writer(path: path, width: 64, height: 48, framesPerSecond: 1)
        XCTAssertThrowsError(try writer.append(rgb: [UInt8](repeating: 0, count: 10))) {
            XCTAssertEqual($0 as? VideoError, .badFrame(expected: 64 * 48 * 3, got: 10))
        }
        try writer.append(rgb: [UInt8](repeating: 128, count: 64 * 48 * 3))
        try writer.finish()
        XCTAssertEqual(try DecodedVideo(path: path).frames.count, 1)
    }
}
