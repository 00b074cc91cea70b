import Foundation
import TestSupport
import XCTest

/// `cliport weights import` and `compare` as a user runs them, on the PyTorch-made fixtures of ModelTests.
final class WeightsCommandTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelTests/Fixtures")
    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    var folder: String!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-weights-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testImportTorchScriptArchiveThenCompareWithPyTorch() throws {
        let out = folder + "/clip.hdf5"
        let run = try BuiltProgram.run(["weights", "import", fixture("clip_torchscript.pt"), "--out", out, "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        XCTAssertEqual(json["format"] as? String, "torchscript")
        let architecture = try XCTUnwrap(json["architecture"] as? [String: Any])
        XCTAssertEqual(architecture["vision_layers"] as? [Int], [1, 2, 1, 1])
        XCTAssertEqual(architecture["vocabulary_size"] as? Int, 256)
        XCTAssertEqual(json["stated_integers"] as? [String: Int], ["context_length": 77, "vocab_size": 256, "input_resolution": 64])

        let compare = try BuiltProgram.run(["weights", "compare", out, "--reference", fixture("clip_torchscript.features.safetensors"),
                                            "--json", "--threads", "1"])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [[String: Any]], compare.stdout)
        XCTAssertEqual(rows.compactMap { $0["feature"] as? String }, ["prepool", "image_features", "text_features"])
        for row in rows { XCTAssertLessThan(try XCTUnwrap(row["max_abs_error"] as? Double), 1e-3, "\(row)") }
    }

    /// Refused files: one message on stderr, a failing status, nothing written.
    func testGarbageAndIntegerOnlyFilesAreRefused() throws {
        let garbage = folder + "/garbage.pt"
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: garbage))
        for (file, phrase) in [(garbage, "neither a PyTorch checkpoint"), (fixture("int64_only.pt"), "only integer tensors")] {
            let run = try BuiltProgram.run(["weights", "import", file, "--out", folder + "/clip.hdf5"])
            XCTAssertNotEqual(run.status, 0)
            XCTAssertTrue(run.stderr.contains(phrase), run.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["garbage.pt"])
        }
    }
}
