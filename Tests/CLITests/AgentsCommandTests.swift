import Foundation
import TestSupport
import XCTest

/// `cliport agents` lists CLIPort's agents with what each needs.
final class AgentsCommandTests: XCTestCase {
    func testAgentsListsEveryCLIPortAgentWithItsNeeds() throws {
        let run = try BuiltProgram.run(["agents", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let agents = try XCTUnwrap(json["agents"] as? [[String: Any]])
        XCTAssertEqual(agents.count, 15)
        let cliport = try XCTUnwrap(agents.first { $0["name"] as? String == "cliport" })
        XCTAssertEqual(cliport["cliport_name"] as? String, "cliport")
        XCTAssertEqual(cliport["aliases"] as? [String], ["two_stream_clip_lingunet_lat_transporter"])
        XCTAssertEqual(cliport["needs"] as? [String], ["clip-weights", "text-encoder"])
        XCTAssertEqual(cliport["default_text_encoder"] as? String, "clip")
        let goal = try XCTUnwrap(agents.first { $0["cliport_name"] as? String == "image_goal_transporter" })
        XCTAssertEqual(goal["needs"] as? [String], ["goal-images"])
        let bert = try XCTUnwrap(agents.first { $0["name"] as? String == "two-stream-full-rn50-bert-lingunet-lat-transporter" })
        XCTAssertEqual(bert["needs"] as? [String], ["imagenet-weights", "text-encoder"])
        XCTAssertEqual(bert["default_text_encoder"] as? String, "distilbert")
        XCTAssertEqual(Set(agents.map { $0["cliport_name"] as? String ?? "" }).count, 15)

        let text = try BuiltProgram.run(["agents"])
        XCTAssertTrue(text.stdout.contains("two_stream_clip_film_lingunet_lat_transporter -> two-stream-clip-film-lingunet-lat-transporter"),
                      text.stdout)
    }
}
