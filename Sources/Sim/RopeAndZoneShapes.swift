import Geometry

extension ObjectShape {
    /// Half side of a rope bead's collision box (CLIPort: `radius = 0.005`).
    public static let beadHalfSize = 0.005
    /// Radius of a rope bead's drawn sphere (CLIPort: `radius * 1.5`).
    public static let beadVisualRadius = 0.0075
    /// Thickness of the drawn square outlines (CLIPort's square template: 1 mm).
    public static let outlineThickness = 0.001

    /// Parts of the shapes of the rope and piles tasks.
    var ropeAndZoneParts: [GeomPart] {
        switch self {
        case .bead:
            return [
                GeomPart(kind: .box(halfSize: SIMD3(repeating: Self.beadHalfSize)), pose: .identity, visible: false, collides: true),
                GeomPart(kind: .sphere(radius: Self.beadVisualRadius), pose: .identity, visible: true, collides: false),
            ]
        case .squareOutline(let side, let width, let openSide):
            // CLIPort's square template: bars of width 1 cm whose centre lines are `side / 2 - 0.005` out.
            let offset = side / 2 - width / 2, t = Self.outlineThickness / 2
            let across = SIMD3(side / 2, width / 2, t), along = SIMD3(width / 2, side / 2, t)
            var parts = [
                GeomPart(kind: .box(halfSize: across), pose: Pose(position: SIMD3(0, -offset, 0)), visible: true, collides: false),
                GeomPart(kind: .box(halfSize: along), pose: Pose(position: SIMD3(offset, 0, 0)), visible: true, collides: false),
                GeomPart(kind: .box(halfSize: along), pose: Pose(position: SIMD3(-offset, 0, 0)), visible: true, collides: false),
            ]
            if !openSide {
                parts.append(GeomPart(kind: .box(halfSize: across), pose: Pose(position: SIMD3(0, offset, 0)), visible: true, collides: false))
            }
            return parts
        case .box, .bowl, .compound:
            return parts
        }
    }
}
