import Foundation
import Geometry

/// CLIPort's rope (`align_rope.py`, `manipulating_rope.py`): 20 rigid beads (1 cm box collision, 7.5 mm
/// sphere drawn, 0.1 kg each) chained by ball joints. CLIPort spawns the chain as a vertical column
/// (each bead `spacing` above the last) that collapses onto the table during the reset. Here the column
/// leans a little, in a random direction per link, so that it collapses into a seeded random tangle
/// (an exactly vertical column is balanced and could stand).
public enum Rope {
    public static let beadCount = 20
    public static let beadMass = 0.1
    /// Side of the 3-sided square: 2 * 0.005 * 20 * sqrt(2), about 0.283 m.
    public static let squareSide = 2 * ObjectShape.beadHalfSize * Double(beadCount) * 2.0.squareRoot()
    /// Largest lean of one link from the vertical (radians).
    public static let maxLean = 0.15
    /// Bead colours: the end beads keep PyBullet's default white, the others are red.
    public static let endColor = NamedColor.white
    public static let middleColor = NamedColor.red

    public static func beadName(_ i: Int) -> String { "bead\(i)" }

    /// The beads, as free objects starting at `base` and rising by `spacing` per bead, and their links
    /// (bead i-1's anchor on bead i's origin).
    public static func column(base: SIMD3<Double>, spacing: Double, rng: inout SeededGenerator) -> (beads: [SceneObject], links: [ObjectLink]) {
        var beads: [SceneObject] = []
        var links: [ObjectLink] = []
        var position = base
        for i in 0..<beadCount {
            let lean = rng.uniform() * maxLean, heading = rng.uniform() * 2 * .pi
            let offset = SIMD3(spacing * sin(lean) * cos(heading), spacing * sin(lean) * sin(heading), spacing * cos(lean))
            position += offset
            if i > 0 { links.append(ObjectLink(body1: beadName(i - 1), body2: beadName(i), anchor: offset)) }
            let color = (i == 0 || i == beadCount - 1) ? endColor : middleColor
            beads.append(SceneObject(name: beadName(i), shape: .bead, color: color, mass: beadMass, pose: Pose(position: position)))
        }
        return (beads, links)
    }
}
