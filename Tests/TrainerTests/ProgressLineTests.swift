import Dataset
import XCTest

final class ProgressLineTests: XCTestCase {
    /// The ETA of any step count formats without trapping: huge durations (`--steps Int.max` at a few
    /// steps per second) are capped, unknown ones shown as such.
    func testAnyDurationFormats() {
        XCTAssertEqual(ProgressLine.formatDuration(59.6), "1:00")
        XCTAssertEqual(ProgressLine.formatDuration(3725), "1:02:05")
        XCTAssertEqual(ProgressLine.formatDuration(99_998 * 3600), "99998:00:00")
        XCTAssertEqual(ProgressLine.formatDuration(Double(Int.max) / 0.05), "> 99999 h")
        XCTAssertEqual(ProgressLine.formatDuration(1e300), "> 99999 h")
        XCTAssertEqual(ProgressLine.formatDuration(.infinity), "--:--")
        XCTAssertEqual(ProgressLine.formatDuration(.nan), "--:--")
        XCTAssertEqual(ProgressLine.formatDuration(-1), "--:--")
    }
}
