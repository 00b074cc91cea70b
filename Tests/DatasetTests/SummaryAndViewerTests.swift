import Foundation
import PNG
import XCTest
@testable import Dataset

final class SummaryAndViewerTests: XCTestCase {
    func testSummaryCountsAndViewerPictures() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        let a = try ShardWriter(directory: data, name: "shard-000", header: TestEpisodes.header())
        try a.append(TestEpisodes.episode(seed: 0, steps: 2))
        try a.finish()
        let b = try ShardWriter(directory: data, name: "shard-001", header: TestEpisodes.header())
        try b.append(TestEpisodes.episode(seed: 6, steps: 1))
        try b.finish()

        let reader = try DatasetReader(path: data)
        XCTAssertEqual(reader.shards.map { ($0 as NSString).lastPathComponent }, ["shard-000.hdf5", "shard-001.hdf5"])
        let summary = try DatasetSummary(reader: reader)
        XCTAssertEqual(summary.episodes, 2)
        XCTAssertEqual(summary.steps, 3)
        XCTAssertEqual(summary.observations, 5)
        XCTAssertEqual(summary.tasks, ["put-block-in-bowl-seen-colors": 2])
        XCTAssertEqual(summary.splits, ["train": 2])
        XCTAssertEqual(summary.seeds, DatasetSummary.SeedRange(min: 0, max: 6))
        XCTAssertEqual(summary.instructions["put the red blocks in a green bowl"], 2)
        XCTAssertEqual(summary.instructions.values.reduce(0, +), 3)
        XCTAssertGreaterThan(summary.bytesPerObservation, 0)
        XCTAssertTrue(summary.text.contains("episodes     2 (2 successful)"), summary.text)
        let decoded = try JSONDecoder().decode(DatasetSummary.self, from: Data(summary.json().utf8))
        XCTAssertEqual(decoded, summary)

        let out = dir + "/view"
        let written = try DatasetViewer.view(reader: reader, episode: 0, to: out)
        // 3 observations x (3 cameras x 3 + heightmap colour + height) + 2 steps x actions picture.
        XCTAssertEqual(written.count, 3 * 11 + 2)
        let marked = try PNGImage.read(out + "/step00_actions.png", as: .rgb8)
        XCTAssertEqual(marked.width, 160 * DatasetViewer.markScale)
        XCTAssertEqual(marked.height, 320 * DatasetViewer.markScale)
        guard case let .rgb8(pixels) = marked.pixels else { return XCTFail("rgb expected") }
        let magenta = stride(from: 0, to: pixels.count, by: 3).filter { pixels[$0] == 255 && pixels[$0 + 1] == 0 && pixels[$0 + 2] == 255 }
        XCTAssertGreaterThan(magenta.count, 50, "the pick circle is drawn")
        let depth = try PNGImage.read(out + "/step00_front_depth_mm.png", as: .gray16)
        guard case let .gray16(mm) = depth.pixels else { return XCTFail("gray16 expected") }
        XCTAssertEqual(mm[240 * 640 + 5], UInt16((0.5 + 240 * 0.0021) * 1000 + 0.5), "depth PNG holds millimetres")
        // The picture to look at spans the camera's depths in the episode (0.5 m in row 0 to 1.506 m in row 479):
        // nearest white, farthest grey 48, no depth (the top-left corner) black, linear between.
        let visible = try PNGImage.read(out + "/step00_front_depth.png", as: .gray8)
        guard case let .gray8(grey) = visible.pixels else { return XCTFail("gray8 expected") }
        XCTAssertEqual(grey[0 * 640 + 20], 255)
        XCTAssertEqual(grey[479 * 640 + 5], UInt8(DatasetViewer.farthestDepthGrey))
        XCTAssertEqual(grey[0], 0, "no depth")
        XCTAssertEqual(Double(grey[240 * 640 + 5]), 255 - 207 * 240.0 / 479, accuracy: 1.5)
    }
}
