import Foundation
import TestSupport
import XCTest

/// `cliport bench demos --json`: one JSON object even when the 1-vs-2-worker comparison runs (it printed two),
/// each task against CLIPort's own figure for it, and a task without a figure gets no borrowed ratio.
final class BenchDemosCLITests: XCTestCase {
    func testGenerationAndScalingAreOneJSONObject() throws {
        let run = try BuiltProgram.run(["bench", "demos", "--task", "align-box-corner", "--episodes", "1", "--look", "plain",
                                        "--scaling-tasks", "put-block-in-bowl-seen-colors", "--scaling-episodes", "2", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        let generation = try XCTUnwrap(json["generation"] as? [String: Any])
        XCTAssertEqual(generation["task"] as? String, "align-box-corner")
        XCTAssertEqual(generation["look"] as? String, "plain")
        XCTAssertNil(generation["cliport_cpu_seconds_per_episode"], "no CLIPort figure was measured for align-box-corner")
        XCTAssertNil(generation["cpu_ratio_to_cliport"])
        XCTAssertGreaterThan(generation["cpu_seconds_per_episode"] as? Double ?? 0, 0)
        let scaling = try XCTUnwrap(json["scaling"] as? [String: Any])
        XCTAssertEqual(scaling["look"] as? String, "plain")
        let row = try XCTUnwrap((scaling["rows"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["task"] as? String, "put-block-in-bowl-seen-colors")
        XCTAssertEqual((row["worker_episodes2"] as? [Int])?.reduce(0, +), 2, "\(row)")
        XCTAssertEqual((row["worker_cpu_seconds2"] as? [Double])?.count, 2, "\(row)")
    }
}
