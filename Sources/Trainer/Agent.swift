import Dataset
import Foundation
import Geometry
import Model

/// What the agent does with one observation: pick and place pixels, the place rotation bin, the poses
/// they stand for, and the affordances behind them.
public struct AgentAction: Equatable, Sendable {
    public var pick: Pixel
    public var place: Pixel
    public var rotationBin: Int
    /// The pick point on the heightmap's surface (yaw 0: suction).
    public var pickPose: Pose
    /// The place point, with yaw `RotationBins.placeYaw(bin:)`.
    public var placePose: Pose
    public var affordances: Affordances
}

/// Softmax probabilities of the pick map [rows, cols] and the place map [rotations, rows, cols].
public struct Affordances: Equatable, Sendable {
    public var rows: Int
    public var cols: Int
    public var rotations: Int
    public var pick: [Float]
    public var place: [Float]
}

/// A trained agent: CLIPort's `act()` over a fused heightmap. The pick is the argmax of the attention
/// map; the place and its rotation the argmax of the transport map around that pick; pixels become
/// world points through the heightmap (`pix_to_xyz`: pixel corner in x and y, the pixel's height in z).
/// The capture tool uses it to propose actions; the evaluator to roll out episodes.
public final class Agent {
    public let model: AgentModel
    public let networks: TransporterAgentNetworks
    public let encoder: InstructionEncoder?
    public let workspace: Workspace
    /// The step of the checkpoint the agent came from.
    public let step: Int

    public init(networks: TransporterAgentNetworks, model: AgentModel, encoder: InstructionEncoder?,
                workspace: Workspace = .cliport, step: Int = 0) {
        self.networks = networks; self.model = model; self.encoder = encoder; self.workspace = workspace; self.step = step
    }

    /// The agent of a checkpoint written by `cliport train` (CLIP for the `cliport` model comes from `clip`).
    public convenience init(checkpoint path: String, clip: CLIPVisualTrunk? = nil, encoder: InstructionEncoder? = nil,
                            workspace: Workspace = .cliport, imageNet: ImageNetResNetTrunk? = nil) throws {
        let info = try TrainingCheckpoint.info(path)
        let c = info.configuration
        let frozen = try FrozenComponents.resolve(for: c, clip: clip, encoder: encoder, imageNet: imageNet)
        let textEncoder = frozen.encoder
        let networks = try c.model.makeNetworks(width: c.width, rotations: c.rotations, cropSize: c.cropSize, seed: UInt64(c.seed),
                                                textDimension: textEncoder?.dimension ?? 1024, learningRate: c.learningRate, clip: frozen.clip,
                                                imageNet: frozen.imageNet, textProjection: AgentModel.textProjection(for: textEncoder?.kind))
        try TrainingCheckpoint.read(path, into: networks, optimizers: false)
        self.init(networks: networks, model: c.model, encoder: textEncoder, workspace: workspace, step: info.step)
    }

    /// The action for `heightmap` (on `workspace`'s grid) and the instruction; image-goal agents also
    /// read `goal`, the goal observation (CLIPort's eval passes the demonstration's last one).
    public func act(heightmap: Heightmap, instruction: String, goal: Heightmap? = nil) throws -> AgentAction {
        let image: Tensor
        if model.needsGoalImage {
            guard let goal else { throw TrainerError.goalImageRequired(model.rawValue) }
            image = ImageTensor.input(heightmap, goal: goal)
        } else {
            image = ImageTensor.input(heightmap)
        }
        let text = try encoder?.feature(for: instruction)
        let pickProbabilities = Self.softmax(networks.attention.forward(image, text: text).scalars)
        let pickIndex = Self.argmax(pickProbabilities)
        let pick = Pixel(row: pickIndex / heightmap.cols, col: pickIndex % heightmap.cols)
        let placeLogits = networks.transport.forward(image, pickRow: pick.row, pickColumn: pick.col, text: text)
        let placeProbabilities = Self.softmax(placeLogits.scalars)
        let placeIndex = Self.argmax(placeProbabilities)
        let perRotation = heightmap.rows * heightmap.cols
        let bin = placeIndex / perRotation
        let place = Pixel(row: (placeIndex % perRotation) / heightmap.cols, col: placeIndex % heightmap.cols)
        let pickPose = Pose(position: workspace.point(at: pick, height: Double(heightmap.height(at: pick))))
        let placePose = Pose(position: workspace.point(at: place, height: Double(heightmap.height(at: place))),
                             rotation: Quaternion(yaw: RotationBins.placeYaw(bin: bin, count: networks.transport.rotations)))
        return AgentAction(pick: pick, place: place, rotationBin: bin, pickPose: pickPose, placePose: placePose,
                           affordances: Affordances(rows: heightmap.rows, cols: heightmap.cols, rotations: networks.transport.rotations,
                                                    pick: pickProbabilities, place: placeProbabilities))
    }

    /// `act`'s pick and place pixels with the place rotation in `bins` bins (a capture page's 36, say,
    /// whatever number of rotations the agent was trained with).
    public func proposal(heightmap: Heightmap, instruction: String, bins: Int = RotationBins.cliport) throws
        -> (pick: Pixel, place: Pixel, rotationBin: Int) {
        let action = try act(heightmap: heightmap, instruction: instruction)
        return (action.pick, action.place, RotationBins.rescale(action.rotationBin, from: networks.transport.rotations, to: bins))
    }

    static func softmax(_ logits: [Float]) -> [Float] {
        let m = logits.max() ?? 0
        var out = logits.map { expf($0 - m) }
        let s = out.reduce(0, +)
        for i in out.indices { out[i] /= s }
        return out
    }

    /// The first index of the largest value (numpy's argmax).
    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
