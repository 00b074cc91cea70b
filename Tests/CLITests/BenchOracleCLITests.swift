import Foundation
import TestSupport
import XCTest

/// `cliport bench oracle`: the oracle success table as JSON, and an unknown task refused by name.
final class BenchOracleCLITests: XCTestCase {
    func testOracleSuccessAsJSON() throws {
        let run = try BuiltProgram.run(["bench", "oracle", "--tasks", "block-insertion-sixdof", "block-insertion",
                                        "--episodes", "2", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["split"] as? String, "train")
        XCTAssertEqual(json["look"] as? String, "cliport")
        XCTAssertEqual(json["episodes_per_task"] as? Int, 2)
        let rows = try XCTUnwrap(json["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["task"] as? String }, ["block-insertion-sixdof", "block-insertion"])
        for row in rows {
            XCTAssertEqual(row["successes"] as? Int, 2, "\(row)")
            XCTAssertEqual(row["mean_steps"] as? Double, 1, "\(row)")
            XCTAssertEqual((row["failures"] as? [Any])?.count, 0, "\(row)")
        }
        XCTAssertTrue(run.stderr.contains("block-insertion-sixdof 2/2"), run.stderr)
    }

    func testUnknownTaskIsRefusedByName() throws {
        let run = try BuiltProgram.run(["bench", "oracle", "--tasks", "stack-blocks"])
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("Error: --tasks: unknown task stack-blocks; `cliport tasks` lists the 39 tasks"), run.stderr)
    }
}
