import Foundation
import Geometry

/// CLIPort's bowl (`bowl/bowl.urdf`: `textured-0008192.obj` scaled 1.25 x 1.25 x 0.25) as a surface of
/// revolution made in code. Its profile was measured on that mesh: 0.114 m across the rim, 0.0347 m high, a
/// foot 0.089 m across, walls 5-7 mm thick curving into an inner bottom 6.2 mm above the table.
///
/// Only CLIPort's look draws it. The physics keeps the compound bowl of `ObjectShape.parts` (a box bottom and
/// 16 wall boxes, which MuJoCo 2.2.2 collides stably), so the oracles and the top-down view are the same in
/// both looks; the drawn bowl is a visual-only part around them. CLIPort's mesh is off-centre in its own frame
/// by (-2.5, 0.8) cm; it is centred here, on the bowl's pose, as the collision bowl is.
public enum BowlMesh {
    /// (radius, height) from the bottom centre out along the underside, up the outside to the rim, and back
    /// down the inside to the inner bottom centre (metres, bowl frame; the solid is on the left).
    public static let cliportProfile: [SIMD2<Double>] = [
        SIMD2(0, 0), SIMD2(0.0445, 0), SIMD2(0.0457, 0.003), SIMD2(0.0467, 0.006), SIMD2(0.0477, 0.009),
        SIMD2(0.0486, 0.012), SIMD2(0.0497, 0.015), SIMD2(0.0506, 0.018), SIMD2(0.0513, 0.021), SIMD2(0.0522, 0.024),
        SIMD2(0.0530, 0.027), SIMD2(0.0556, 0.030), SIMD2(0.0572, 0.0347),
        SIMD2(0.0540, 0.0347), SIMD2(0.0500, 0.0306), SIMD2(0.0460, 0.0228), SIMD2(0.0420, 0.0123),
        SIMD2(0.0380, 0.0086), SIMD2(0.0300, 0.0074), SIMD2(0.0200, 0.0067), SIMD2(0.0100, 0.0064), SIMD2(0, 0.0062),
    ]

    /// Segments around the axis (a 0.114 m rim in 32 segments deviates 0.3 mm from the circle).
    public static let segments = 32

    /// CLIPort's bowl as a closed triangle mesh in the bowl frame (bottom centre at the origin).
    public static let cliport = revolve(cliportProfile, segments: segments, name: "cliport-bowl")

    /// The closed surface swept by `profile` (first and last points on the axis) around z, triangles
    /// counter-clockwise seen from outside.
    public static func revolve(_ profile: [SIMD2<Double>], segments n: Int, name: String) -> TriangleMesh {
        var vertices: [SIMD3<Double>] = []
        // Per profile point: one vertex on the axis, or a ring of n.
        var first: [Int] = []
        for p in profile {
            first.append(vertices.count)
            if p.x == 0 {
                vertices.append(SIMD3(0, 0, p.y))
            } else {
                for j in 0..<n {
                    let a = 2 * Double.pi * Double(j) / Double(n)
                    vertices.append(SIMD3(p.x * cos(a), p.x * sin(a), p.y))
                }
            }
        }
        func index(_ i: Int, _ j: Int) -> Int32 { Int32(profile[i].x == 0 ? first[i] : first[i] + j % n) }
        var triangles: [SIMD3<Int32>] = []
        func add(_ t: SIMD3<Int32>, outward: SIMD3<Double>) {
            let a = vertices[Int(t.x)], b = vertices[Int(t.y)], c = vertices[Int(t.z)]
            let e1 = b - a, e2 = c - a
            let normal = SIMD3(e1.y * e2.z - e1.z * e2.y, e1.z * e2.x - e1.x * e2.z, e1.x * e2.y - e1.y * e2.x)
            triangles.append((normal * outward).sum() >= 0 ? t : SIMD3(t.x, t.z, t.y))
        }
        for i in 0..<(profile.count - 1) {
            let p = profile[i], q = profile[i + 1]
            let d = q - p
            let right = SIMD2(d.y, -d.x)  // outward: the solid is on the left of the profile
            for j in 0..<n {
                let mid = 2 * Double.pi * (Double(j) + 0.5) / Double(n)
                let outward = SIMD3(right.x * cos(mid), right.x * sin(mid), right.y)
                let (a0, a1, b0, b1) = (index(i, j), index(i, j + 1), index(i + 1, j), index(i + 1, j + 1))
                if p.x != 0 { add(SIMD3(a0, a1, b1), outward: outward) }
                if q.x != 0 { add(SIMD3(a0, b1, b0), outward: outward) }
            }
        }
        return TriangleMesh(name: name, vertices: vertices, triangles: triangles)
    }
}

extension ObjectShape {
    /// The parts MuJoCo gets in `look`: CLIPort's look draws bowls as `BowlMesh.cliport` around their hidden
    /// compound (appended last, so the compound's geom names stay those of the plain look); every other
    /// shape, and every shape in the plain look, is drawn as it collides.
    func parts(look: SceneLook) -> [GeomPart] {
        guard look == .cliport, case .bowl = self else { return parts }
        var hidden = parts
        for i in hidden.indices { hidden[i].visible = false }
        return hidden + [GeomPart(kind: .mesh(BowlMesh.cliport), pose: .identity, visible: true, collides: false)]
    }
}
