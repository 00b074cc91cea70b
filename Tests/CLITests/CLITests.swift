import Dataset
import Foundation
import TestSupport
import XCTest

/// Runs `cliport` as a user would, and checks what it prints and the files it leaves.
final class CLITests: XCTestCase {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static var binary: URL { BuiltProgram.cliport }

    func cliport(_ arguments: String...) throws -> Run { try Self.run(arguments) }

    /// Runs the built `cliport` with `arguments` and collects its status and output.
    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    var folder: String!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testDemosThenInfoAndView() throws {
        let demos = try cliport("demos", "--task", "put-block-in-bowl-seen-colors", "--split", "val", "--n", "2", "--out", folder)
        XCTAssertEqual(demos.status, 0, demos.stderr)
        XCTAssertTrue(demos.stdout.contains("wrote 2 episodes"), demos.stdout)
        XCTAssertTrue(demos.stderr.contains("ETA"), "a progress line with rate and ETA: \(demos.stderr)")
        let dataset = folder + "/put-block-in-bowl-seen-colors-val"

        let info = try cliport("dataset", "info", dataset, "--json")
        XCTAssertEqual(info.status, 0, info.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["episodes"] as? Int, 2)
        XCTAssertEqual((json["splits"] as? [String: Int])?["val"], 2)

        let text = try cliport("dataset", "info", dataset)
        XCTAssertTrue(text.stdout.contains("put the "), text.stdout)

        let view = try cliport("dataset", "view", dataset, "--episode", "1", "--out", folder + "/view")
        XCTAssertEqual(view.status, 0, view.stderr)
        let pictures = try FileManager.default.contentsOfDirectory(atPath: folder + "/view")
        XCTAssertTrue(pictures.contains("step00_actions.png"), "\(pictures)")
        XCTAssertTrue(pictures.contains("step00_front_rgb.png"), "\(pictures)")
        XCTAssertTrue(pictures.contains("final_heightmap_height.png"), "\(pictures)")
    }

    func testBadInputGetsOneClearMessage() throws {
        let unknown = try cliport("demos", "--task", "stack-blocks", "--n", "1", "--out", folder)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("unknown task 'stack-blocks'"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("put-block-in-bowl-seen-colors"), unknown.stderr)

        let text = folder + "/notes.txt"
        try "not a dataset".write(toFile: text, atomically: true, encoding: .utf8)
        let info = try cliport("dataset", "info", text)
        XCTAssertNotEqual(info.status, 0)
        XCTAssertTrue(info.stderr.contains("is not a cliport dataset"), info.stderr)

        let missing = try cliport("dataset", "info", folder + "/nowhere")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
    }
}
