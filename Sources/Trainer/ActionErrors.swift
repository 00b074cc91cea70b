import Core
import Foundation
import Model

/// How far a model's actions are from the demonstrated ones over some examples, as medians: the pick map's
/// peak from the demonstrated pick, the place map's peak (crop at the demonstrated pick) from the
/// demonstrated place, in pixels, and its rotation from the demonstrated one, in degrees; and the shares within
/// a tight pose tolerance. Losses say how much probability lands on the label; these say whether the argmax
/// `act()` takes is near it, which is what a tight pose metric (CLIPort's 1 cm and 15 degrees) scores.
public struct ActionErrors: Codable, Equatable, Sendable {
    public var examples: Int
    public var pickPixels: Double
    public var placePixels: Double
    public var rotationDegrees: Double
    /// Shares of the examples whose place peak is within 1 cm of the demonstrated place, and whose rotation
    /// is within 15 degrees of the demonstrated one: CLIPort's tightest pose tolerance (block-insertion,
    /// assembling-kits, towers-of-hanoi). Rotations count as the labels have them: a cube turned 90 degrees
    /// or a block in a bowl (whose rotation no metric scores) is counted off by the full angle.
    public var placeWithin1cm: Double
    public var rotationWithin15Degrees: Double

    public static let toleranceMetres = 0.01
    public static let toleranceDegrees = 15.0

    /// One example's three errors.
    public struct Example: Equatable, Sendable {
        public var pickPixels: Double
        public var placePixels: Double
        public var rotationDegrees: Double

        public init(pickPixels: Double, placePixels: Double, rotationDegrees: Double) {
            self.pickPixels = pickPixels; self.placePixels = placePixels; self.rotationDegrees = rotationDegrees
        }

        /// `score`'s peaks against the demonstrated pick, place and rotation bin (of `rotations` bins,
        /// the difference taken the short way round).
        public init(_ score: ExampleScore, pick: (row: Int, column: Int), place: (row: Int, column: Int),
                    placeRotation: Int, rotations: Int) {
            pickPixels = Self.distance(score.pickPeak, pick)
            placePixels = Self.distance(score.placePeak, place)
            let bins = abs(score.placePeak.rotation - placeRotation) % rotations
            rotationDegrees = Double(min(bins, rotations - bins)) * 360 / Double(rotations)
        }

        static func distance(_ peak: ExampleScore.Peak, _ label: (row: Int, column: Int)) -> Double {
            Double((peak.row - label.row) * (peak.row - label.row) + (peak.column - label.column) * (peak.column - label.column)).squareRoot()
        }
    }

    /// The summary of `errors` (at least one) on a grid of `pixelSize` metres.
    public init(_ errors: [Example], pixelSize: Double) {
        precondition(!errors.isEmpty, "ActionErrors: no examples")
        examples = errors.count
        pickPixels = errors.map(\.pickPixels).median()
        placePixels = errors.map(\.placePixels).median()
        rotationDegrees = errors.map(\.rotationDegrees).median()
        placeWithin1cm = Double(errors.filter { $0.placePixels * pixelSize <= Self.toleranceMetres }.count) / Double(errors.count)
        rotationWithin15Degrees = Double(errors.filter { $0.rotationDegrees <= Self.toleranceDegrees }.count) / Double(errors.count)
    }

    enum CodingKeys: String, CodingKey {
        case examples
        case pickPixels = "pick_pixels", placePixels = "place_pixels", rotationDegrees = "rotation_degrees"
        case placeWithin1cm = "place_within_1cm", rotationWithin15Degrees = "rotation_within_15deg"
    }
}
