import XCTest
@testable import Geometry

final class RotationBinsTests: XCTestCase {
    /// 36 -> 4: bin 9 (90 degrees) is bin 1; 36 -> 18: the bins between two (odd ones) round up, so each
    /// 18-bin gets two 36-bins; 36 -> 2: 18 each; 4 -> 36 is exact; the last bins wrap to 0.
    func testRescaleRoundsHalfUpAndWraps() {
        XCTAssertEqual((0..<36).map { RotationBins.rescale($0, from: 36, to: 4) },
                       [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0])
        XCTAssertEqual((0..<8).map { RotationBins.rescale($0, from: 36, to: 18) }, [0, 1, 1, 2, 2, 3, 3, 4])
        XCTAssertEqual(RotationBins.rescale(35, from: 36, to: 18), 0)
        XCTAssertEqual((33..<36).map { RotationBins.fromCLIPort($0, to: 18) }, [17, 17, 0])
        let toTwo = (0..<36).map { RotationBins.rescale($0, from: 36, to: 2) }
        XCTAssertEqual(toTwo.filter { $0 == 0 }.count, 18)
        XCTAssertEqual(toTwo[9], 1)
        XCTAssertEqual(toTwo[27], 0)
        XCTAssertEqual((0..<4).map { RotationBins.rescale($0, from: 4, to: 36) }, [0, 9, 18, 27])
        XCTAssertEqual(RotationBins.rescale(5, from: 36, to: 36), 5)
        // Turning by one coarse bin (two fine bins of 36 -> 18) turns the result by one bin.
        for b in 0..<36 {
            XCTAssertEqual(RotationBins.rescale(b + 2, from: 36, to: 18), (RotationBins.rescale(b, from: 36, to: 18) + 1) % 18)
        }
    }
}
