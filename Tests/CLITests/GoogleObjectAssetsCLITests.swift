import Foundation
import Sim
import XCTest

/// `cliport demos --assets DIR` for the google-objects tasks, against a synthetic copy of CLIPort's asset
/// layout: every seen object is a cube OBJ with a 2x2 texture whose mean colour is (50, 90, 130).
final class GoogleObjectAssetsCLITests: XCTestCase {
    /// A 2x2 RGB PNG: (40,80,120) (60,100,140) / (80,120,160) (20,60,100).
    static let texture = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGPQCKiwSelhCKhYIGKTAgAdCgQ5lPTL6gAAAABJRU5ErkJggg==")!

    static func cubeOBJ(side: Double) -> String {
        let h = side / 2
        var text = ""
        for z in [-h, h] { for y in [-h, h] { for x in [-h, h] { text += "v \(x) \(y) \(z)\n" } } }
        for f in [[1, 3, 4, 2], [5, 6, 8, 7], [1, 2, 6, 5], [3, 7, 8, 4], [1, 5, 7, 3], [2, 4, 8, 6]] {
            text += "f " + f.map(String.init).joined(separator: " ") + "\n"
        }
        return text
    }

    var folder: String!

    func cliport(_ arguments: String...) throws -> CLITests.Run { try CLITests.run(arguments) }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-assets-\(UUID().uuidString)").path
        let google = folder + "/assets/google"
        try FileManager.default.createDirectory(atPath: google + "/meshes_fixed", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: google + "/textures", withIntermediateDirectories: true)
        for name in GoogleObjects.seen {
            let file = name.replacingOccurrences(of: " ", with: "_")
            try Self.cubeOBJ(side: 0.12).write(toFile: "\(google)/meshes_fixed/\(file).obj", atomically: true, encoding: .utf8)
            try Self.texture.write(to: URL(fileURLWithPath: "\(google)/textures/\(file).png"))
        }
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testDemosLoadTheMeshesAndRecordTheObjectSet() throws {
        let demos = try cliport("demos", "--task", "packing-seen-google-objects-seq", "--n", "2", "--episodes-per-shard", "1",
                                    "--workers", "2", "--out", folder + "/out", "--assets", folder + "/assets")
        XCTAssertEqual(demos.status, 0, demos.stderr)
        XCTAssertTrue(demos.stdout.contains("wrote 2 episodes"), demos.stdout)
        XCTAssertTrue(demos.stdout.contains("objects: google-scanned-objects (CLIPort's meshes, 56 loaded from \(folder!)/assets)"), demos.stdout)

        let dataset = folder + "/out/packing-seen-google-objects-seq-train"
        let info = try cliport("dataset", "info", dataset, "--json")
        XCTAssertEqual(info.status, 0, info.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["object_set"] as? String, "google-scanned-objects from \(folder!)/assets")
        XCTAssertEqual(json["episodes"] as? Int, 2)

        // The folder keeps its object set: the same request without --assets is refused, naming the fix.
        let other = try cliport("demos", "--task", "packing-seen-google-objects-seq", "--n", "2", "--episodes-per-shard", "1",
                                "--workers", "1", "--out", folder + "/out")
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("is being generated as 2 episodes, 1 per shard, first episode 0, objects from --assets "
                                            + "\(folder!)/assets, not 2 episodes, 1 per shard, first episode 0"), other.stderr)
        XCTAssertTrue(other.stderr.contains("rerun with --task packing-seen-google-objects-seq --split train --n 2 "
                                            + "--episodes-per-shard 1 --assets \(folder!)/assets"), other.stderr)

        // Without --assets the built-in set is used, and said so.
        let builtIn = try cliport("demos", "--task", "packing-seen-google-objects-group", "--n", "1", "--workers", "1",
                                      "--out", folder + "/out")
        XCTAssertEqual(builtIn.status, 0, builtIn.stderr)
        XCTAssertTrue(builtIn.stdout.contains("objects: procedural"), builtIn.stdout)
        let builtInInfo = try cliport("dataset", "info", folder + "/out/packing-seen-google-objects-group-train")
        XCTAssertTrue(builtInInfo.stdout.contains("objects      procedural"), builtInInfo.stdout)
    }

    func testMissingAssetsGetOneClearMessage() throws {
        try FileManager.default.removeItem(atPath: folder + "/assets/google/textures/hammer.png")
        let run = try cliport("demos", "--task", "packing-seen-google-objects-seq", "--n", "1", "--workers", "1",
                                  "--out", folder + "/out", "--assets", folder + "/assets")
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--assets \(folder!)/assets lacks CLIPort's Google objects: "
                                          + "\(folder!)/assets/google/textures/hammer.png is missing"), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").filter { $0.contains("lacks") }.count, 1, run.stderr)

        let empty = try cliport("demos", "--task", "packing-unseen-google-objects-seq", "--split", "val", "--n", "1",
                                    "--out", folder + "/out", "--assets", folder)
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.stderr.contains("meshes_fixed/ball_puzzle.obj and 37 more files are missing"), empty.stderr)
    }
}
