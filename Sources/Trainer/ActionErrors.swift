import Foundation
import Model

/// How far a model's actions are from the demonstrated ones over some examples, as medians: the pick map's
/// peak from the demonstrated pick, the place map's peak (crop at the demonstrated pick) from the
/// demonstrated place, in pixels, and its rotation from the demonstrated one, in degrees. Losses say how
/// much probability lands on the label; these say whether the argmax `act()` takes is near it, which is
/// what a tight pose metric (CLIPort's 1 cm and 15 degrees) scores.
public struct ActionErrors: Codable, Equatable, Sendable {
    public var examples: Int
    public var pickPixels: Double
    public var placePixels: Double
    public var rotationDegrees: Double
    /// Share of the examples whose place peak is within 1 cm and 15 degrees of the demonstrated place.
    public var placeWithinTolerance: Double

    /// CLIPort's tightest pose tolerance (block-insertion, assembling-kits, towers-of-hanoi).
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
        pickPixels = Self.median(errors.map(\.pickPixels))
        placePixels = Self.median(errors.map(\.placePixels))
        rotationDegrees = Self.median(errors.map(\.rotationDegrees))
        let within = errors.filter { $0.placePixels * pixelSize <= Self.toleranceMetres && $0.rotationDegrees <= Self.toleranceDegrees }
        placeWithinTolerance = Double(within.count) / Double(errors.count)
    }

    static func median(_ values: [Double]) -> Double {
        let v = values.sorted()
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    enum CodingKeys: String, CodingKey {
        case examples
        case pickPixels = "pick_pixels", placePixels = "place_pixels", rotationDegrees = "rotation_degrees"
        case placeWithinTolerance = "place_within_1cm_15deg"
    }
}
