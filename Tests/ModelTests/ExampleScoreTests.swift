import Model
import XCTest

final class ExampleScoreTests: XCTestCase {
    /// The peak is the first largest logit, as (rotation, row, column), with or without a batch axis of 1.
    func testPeakOfLogits() {
        let pick = Tensor(shape: [1, 2, 3], scalars: [0, 1, 2, 3, 9, 5])
        XCTAssertEqual(ExampleScore.peak(of: pick), ExampleScore.Peak(rotation: 0, row: 1, column: 1))
        let place = Tensor(shape: [2, 2, 3], scalars: [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 10, 11])
        XCTAssertEqual(ExampleScore.peak(of: place), ExampleScore.Peak(rotation: 1, row: 1, column: 0))
        let batched = Tensor(shape: [1, 2, 2, 3], scalars: place.scalars)
        XCTAssertEqual(ExampleScore.peak(of: batched), ExampleScore.peak(of: place))
    }

    /// `score` gives the training step's losses (without touching gradients), and its peaks are where the two
    /// maps `act()` reads peak.
    func testScoreMatchesTheLossesAndTheMapsPeaks() {
        let networks = TransporterAgentNetworks.transporterLang(textDimension: 8, width: 1.0 / 16, rotations: 2, cropSize: 8, seed: 3)
        let image = rawImage([6, 16, 8], seed: 11), text = randomTensor([1, 8], seed: 12)
        let score = networks.score(image: image, pick: (5, 2), place: (12, 6), placeRotation: 1, text: text)
        XCTAssertTrue(networks.parameters.allSatisfy { $0.gradient.scalars.allSatisfy { $0 == 0 } })
        let losses = networks.accumulateGradients(image: image, pick: (5, 2), place: (12, 6), placeRotation: 1, text: text)
        XCTAssertEqual(score.attentionLoss, losses.attention)
        XCTAssertEqual(score.transportLoss, losses.transport)
        XCTAssertEqual(score.pickPeak, ExampleScore.peak(of: networks.attention.forward(image, text: text)))
        XCTAssertEqual(score.placePeak, ExampleScore.peak(of: networks.transport.forward(image, pickRow: 5, pickColumn: 2, text: text)))
        XCTAssertEqual(score.pickPeak.rotation, 0)
    }
}
