import Dataset
import XCTest

/// Issue 21: each task is compared with CLIPort's own figure for its family, and no other.
final class CLIPortReferenceFiguresTests: XCTestCase {
    func testDemoFiguresGoByTaskFamily() {
        XCTAssertEqual(CLIPortReferenceFigures.demoCPUSeconds(task: "put-block-in-bowl-seen-colors"), 7.45)
        XCTAssertEqual(CLIPortReferenceFigures.demoCPUSeconds(task: "put-block-in-bowl-full"), 7.45)
        XCTAssertEqual(CLIPortReferenceFigures.demoCPUSeconds(task: "stack-block-pyramid-seq-unseen-colors"), 16.4)
        XCTAssertEqual(CLIPortReferenceFigures.demoCPUSeconds(task: "packing-boxes-pairs-full"), 25.2)
        XCTAssertEqual(CLIPortReferenceFigures.demoCPUSeconds(task: "align-rope"), 12.0)
        XCTAssertNil(CLIPortReferenceFigures.demoCPUSeconds(task: "align-box-corner"))
        XCTAssertNil(CLIPortReferenceFigures.demoCPUSeconds(task: "stack-block-pyramid"), "another task, not a variant")
        XCTAssertNil(CLIPortReferenceFigures.demoCPUSeconds(task: "packing-boxes"))
    }
}
