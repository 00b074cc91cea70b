import Foundation
import Geometry

/// One primitive of an object's shape, in the object's frame. The same parts feed the MJCF (physics and
/// rendering) and the top-down rasteriser (oracle masks and free-space placement), so both agree.
struct GeomPart: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case box(halfSize: SIMD3<Double>)
        case cylinder(radius: Double, halfHeight: Double)
        case sphere(radius: Double)
        /// A convex polygon extruded along z (see `CompoundShape.Solid.prism`).
        case prism(outline: [SIMD2<Double>], halfHeight: Double)
        /// A triangle mesh (see `CompoundShape.Solid.mesh`).
        case mesh(TriangleMesh)
    }

    var kind: Kind
    var pose: Pose
    /// Drawn by the cameras (and rasterised).
    var visible: Bool
    /// Takes part in collisions.
    var collides: Bool
    /// Overrides the object's colour for this part.
    var color: NamedColor? = nil
    /// Drawn with this PNG image instead of a colour (see `CompoundShape.Part.texture`).
    var texture: String? = nil
    /// Touches only the suction cup (so the cup can pick it anywhere it is drawn), not other objects.
    var cupOnly = false
    /// Touches everything but the suction cup (see `CompoundShape.Part.objectsOnly`).
    var objectsOnly = false
}

extension ObjectShape {
    /// Bowl bottom thickness (m).
    static let bowlBottomThickness = 0.004
    /// Bowl wall thickness (m).
    static let bowlWallThickness = 0.006
    /// Number of wall segments around a bowl.
    static let bowlWallCount = 16

    var parts: [GeomPart] {
        switch self {
        case .box(let size):
            return [GeomPart(kind: .box(halfSize: size / 2), pose: .identity, visible: true, collides: true)]
        case .bowl(let diameter, let height):
            let r = diameter / 2, t = Self.bowlBottomThickness, wt = Self.bowlWallThickness
            let n = Self.bowlWallCount
            // A round visual bottom; its collision stand-in is a box, because MuJoCo 2.2.2 collides boxes
            // with boxes (and planes) by dedicated routines, but box-cylinder only through a one-point MPR,
            // which would rock a block resting in the bowl.
            var parts = [
                GeomPart(kind: .cylinder(radius: r, halfHeight: t / 2), pose: Pose(position: SIMD3(0, 0, t / 2)),
                         visible: true, collides: false),
                GeomPart(kind: .box(halfSize: SIMD3(0.75 * r, 0.75 * r, t / 2)), pose: Pose(position: SIMD3(0, 0, t / 2)),
                         visible: false, collides: true),
            ]
            // Walls stand on the bottom (not on the table) so a free bowl has only 4 table contacts.
            let mid = r - wt / 2
            let halfLength = mid * tan(.pi / Double(n)) + wt / 4
            let wallHalfHeight = (height - t) / 2
            for i in 0..<n {
                let a = 2 * Double.pi * Double(i) / Double(n)
                parts.append(GeomPart(kind: .box(halfSize: SIMD3(wt / 2, halfLength, wallHalfHeight)),
                                      pose: Pose(position: SIMD3(mid * cos(a), mid * sin(a), t + wallHalfHeight),
                                                 rotation: Quaternion(yaw: a)),
                                      visible: true, collides: true))
            }
            return parts
        case .bead, .squareOutline:
            return ropeAndZoneParts
        case .compound(let c):
            return c.geomParts
        }
    }

    /// Mass-centre offset and principal inertia (kg m^2) for a given mass.
    func inertia(mass m: Double) -> (center: SIMD3<Double>, diagonal: SIMD3<Double>) {
        switch self {
        case .box(let s):
            return (.zero, SIMD3(m * (s.y * s.y + s.z * s.z) / 12, m * (s.x * s.x + s.z * s.z) / 12,
                                 m * (s.x * s.x + s.y * s.y) / 12))
        case .bowl(let d, let h):
            let r = d / 2
            let lateral = m * (3 * r * r + h * h) / 12
            return (SIMD3(0, 0, h / 3), SIMD3(lateral, lateral, m * r * r / 2))
        case .bead:
            let s = 2 * Self.beadHalfSize
            return (.zero, SIMD3(repeating: m * s * s / 6))
        case .squareOutline(let side, _, _):
            return (.zero, SIMD3(m * side * side / 12, m * side * side / 12, m * side * side / 6))
        case .compound(let c):
            return c.inertia(mass: m)
        }
    }
}

