import Dataset
import Geometry
import Model
import SyntheticData
import XCTest
@testable import Trainer

final class TrainingStepTests: XCTestCase {
    /// CLIPort's training step (both losses, both Adam optimisers) lowers both losses on the sample it
    /// was taken on. At initialisation the logits differ by about 1e-5 (PyTorch's default init, no batch
    /// norm, as CLIPort), so the step uses lr 1e-3 for its effect to show in a float32 loss.
    func testOneTrainingStepLowersTheLossOnAFixedSample() throws {
        for model in [AgentModel.transporter, .transporterLang] {
            let networks = try model.makeNetworks(width: 1.0 / 8, rotations: 4, cropSize: 16, seed: 3, textDimension: 1024,
                                                  learningRate: 1e-3, clip: nil)
            let episode = SyntheticPickPlaceEpisodes.episode(seed: 4, workspace: TrainerFixtures.coarseWorkspace)
            let step = episode.steps[0]
            let map = step.observation.heightmap
            let image = ImageTensor.input(map)
            let pick = TrainerFixtures.coarseWorkspace.pixel(of: step.action.pickPose.position)
            let place = TrainerFixtures.coarseWorkspace.pixel(of: step.action.placePose.position)
            let text = model.isLanguageConditioned ? HashedInstructionEncoder().feature(for: step.instruction) : nil
            let before = networks.losses(image: image, pick: (pick.row, pick.col), place: (place.row, place.col), placeRotation: 1, text: text)
            networks.trainStep(image: image, pick: (pick.row, pick.col), place: (place.row, place.col), placeRotation: 1, text: text)
            let after = networks.losses(image: image, pick: (pick.row, pick.col), place: (place.row, place.col), placeRotation: 1, text: text)
            XCTAssertLessThan(after.attention, before.attention, "\(model) pick loss")
            XCTAssertLessThan(after.transport, before.transport, "\(model) place loss")
            // CLIPort's loss is the cross-entropy divided by the number of logits: at initialisation it is
            // close to log(N)/N for the pick's N = 80 x 40 pixels.
            let n = Float(map.rows * map.cols)
            XCTAssertEqual(before.attention * n, logf(n), accuracy: 0.5)
        }
    }

    /// A batch of B examples applies the mean of their gradients: the same update as one example
    /// whose gradient is that mean.
    func testBatchAppliesTheMeanGradient() throws {
        let a = try AgentModel.transporter.makeNetworks(width: 1.0 / 16, rotations: 4, cropSize: 16, seed: 3, textDimension: 1024,
                                                        learningRate: 1e-4, clip: nil)
        let samples = (0..<2).map { i -> (Tensor, Pixel, Pixel) in
            let s = SyntheticPickPlaceEpisodes.episode(seed: 10 + i, workspace: TrainerFixtures.coarseWorkspace).steps[0]
            let m = s.observation.heightmap
            return (ImageTensor.input(m),
                    TrainerFixtures.coarseWorkspace.pixel(of: s.action.pickPose.position),
                    TrainerFixtures.coarseWorkspace.pixel(of: s.action.placePose.position))
        }
        a.zeroGradients()
        var separate: [[Float]] = []
        for (image, pick, place) in samples {
            a.zeroGradients()
            a.accumulateGradients(image: image, pick: (pick.row, pick.col), place: (place.row, place.col), placeRotation: 2)
            separate.append(a.parameters.flatMap { $0.gradient.scalars })
        }
        a.zeroGradients()
        for (image, pick, place) in samples {
            a.accumulateGradients(image: image, pick: (pick.row, pick.col), place: (place.row, place.col), placeRotation: 2)
        }
        var group = GradientAverager(group: .single)
        try group.average(a.parameters, examplesPerProcess: 2)
        let mean = a.parameters.flatMap { $0.gradient.scalars }
        var worst: Float = 0
        for i in mean.indices { worst = max(worst, abs(mean[i] - (separate[0][i] + separate[1][i]) / 2)) }
        let scale = mean.map(abs).max() ?? 1
        XCTAssertGreaterThan(scale, 0)
        XCTAssertLessThan(worst / scale, 1e-5)
    }
}
