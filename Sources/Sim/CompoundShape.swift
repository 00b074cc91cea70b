import Foundation
import Geometry

/// A rigid object made of several solids, each with its own pose in the object frame and optionally its
/// own colour: the stands, Hanoi disks, kit shapes, the kit, the L block and its fixture, containers and the
/// pallet. The same parts feed the MJCF and the top-down rasteriser (as `GeomPart`s), so the oracle's view and
/// the physics agree.
public struct CompoundShape: Hashable, Codable, Sendable {
    public enum Solid: Hashable, Codable, Sendable {
        case box(halfSize: SIMD3<Double>)
        case cylinder(radius: Double, halfHeight: Double)
        /// A convex polygon (xy, counter-clockwise) extruded from -halfHeight to +halfHeight along z. MuJoCo
        /// gets it as an inline mesh (its convex hull); the rasteriser intersects it exactly.
        case prism(outline: [SIMD2<Double>], halfHeight: Double)
        /// A triangle mesh (a Google Scanned Object). MuJoCo collides with its convex hull; the cameras and the
        /// rasteriser draw its triangles.
        case mesh(TriangleMesh)
    }

    public struct Part: Hashable, Codable, Sendable {
        public var solid: Solid
        public var pose: Pose
        public var visible: Bool
        public var collides: Bool
        /// Overrides the object's colour (e.g. the stands' light and dark brown ends).
        public var color: NamedColor?
        /// A PNG image (absolute path) drawn on a `.mesh` solid by its texture coordinates in place of a colour:
        /// a Google Scanned Object's texture.
        public var texture: String?
        /// Touches only the suction cup, not other objects (with `collides` false): kit shapes rest on one
        /// hidden box but can be picked wherever they are drawn.
        public var cupOnly = false
        /// Touches everything but the suction cup (with `visible` false): a scanned mesh rests on a hidden box
        /// (box contacts are stable where MuJoCo 2.2.2 gives mesh pairs one contact point and they rock), while
        /// the cup touches only the drawn mesh, where the oracle picks.
        public var objectsOnly = false

        public init(_ solid: Solid, at position: SIMD3<Double> = .zero, yaw: Double = 0, visible: Bool = true,
                    collides: Bool = true, color: NamedColor? = nil) {
            self.solid = solid
            pose = Pose(position: position, rotation: Quaternion(yaw: yaw))
            self.visible = visible; self.collides = collides; self.color = color
        }
    }

    /// What it is (for logs and tests), e.g. "hanoi-stand".
    public var name: String
    public var parts: [Part]
    /// Bounding size in the object frame (the footprint placement erodes by, and the size stored per object).
    public var size: SIMD3<Double>
    /// The z a pose resting on the table gets (the frame's height above the bottom).
    public var restingZ: Double
    /// Height of the top above the frame origin.
    public var top: Double
    /// The suction cup's tip stops colliding while it holds this object (see `TabletopWorld`): kit shapes
    /// (wide, 10 g) otherwise swing on the soft weld under the tip's contact and land up to 1 cm off. Off by
    /// default: with it, stacked Hanoi disks were sometimes set spinning.
    public var holdWithoutTipContact = false

    public init(name: String, parts: [Part], size: SIMD3<Double>, restingZ: Double, top: Double) {
        self.name = name; self.parts = parts; self.size = size; self.restingZ = restingZ; self.top = top
    }

    var geomParts: [GeomPart] {
        parts.map { p in
            let kind: GeomPart.Kind
            switch p.solid {
            case .box(let h): kind = .box(halfSize: h)
            case .cylinder(let r, let hh): kind = .cylinder(radius: r, halfHeight: hh)
            case .prism(let outline, let hh): kind = .prism(outline: outline, halfHeight: hh)
            case .mesh(let mesh): kind = .mesh(mesh)
            }
            return GeomPart(kind: kind, pose: p.pose, visible: p.visible, collides: p.collides, color: p.color, texture: p.texture,
                            cupOnly: p.cupOnly, objectsOnly: p.objectsOnly)
        }
    }

    /// Inertia of a solid box of the bounding size whose bottom is at -restingZ.
    func inertia(mass m: Double) -> (center: SIMD3<Double>, diagonal: SIMD3<Double>) {
        let s = size
        return (SIMD3(0, 0, s.z / 2 - restingZ), SIMD3(m * (s.y * s.y + s.z * s.z) / 12, m * (s.x * s.x + s.z * s.z) / 12,
                                                      m * (s.x * s.x + s.y * s.y) / 12))
    }

    /// A regular polygon outline of `n` corners on a circle of `radius`, first corner at angle `phase`.
    public static func regularPolygon(_ n: Int, radius: Double, phase: Double = 0) -> [SIMD2<Double>] {
        (0..<n).map { i in
            let a = phase + 2 * Double.pi * Double(i) / Double(n)
            return SIMD2(radius * cos(a), radius * sin(a))
        }
    }

    /// An annulus (a Hanoi disk, a ring) as `n` boxes around a circle, frame at its centre.
    public static func annulusParts(inner: Double, outer: Double, halfHeight: Double, count n: Int = 16,
                                    z: Double = 0) -> [Part] {
        let mid = (inner + outer) / 2, width = outer - inner
        let halfLength = outer * tan(.pi / Double(n))
        return (0..<n).map { i in
            let a = 2 * Double.pi * Double(i) / Double(n)
            return Part(.box(halfSize: SIMD3(width / 2, halfLength, halfHeight)), at: SIMD3(mid * cos(a), mid * sin(a), z), yaw: a)
        }
    }
}

extension GeomPart.Kind {
    /// The prism's planes (outward normal n, offset d: n.p <= d inside), for ray clipping.
    static func prismPlanes(outline: [SIMD2<Double>], halfHeight: Double) -> [(SIMD3<Double>, Double)] {
        var planes: [(SIMD3<Double>, Double)] = [(SIMD3(0, 0, 1), halfHeight), (SIMD3(0, 0, -1), halfHeight)]
        for i in outline.indices {
            let a = outline[i], b = outline[(i + 1) % outline.count]
            let e = b - a
            let len = (e * e).sum().squareRoot()
            guard len > 1e-12 else { continue }
            let n = SIMD3(e.y / len, -e.x / len, 0)   // outward for a counter-clockwise outline
            planes.append((n, n.x * a.x + n.y * a.y))
        }
        return planes
    }

    /// Ray entry into a convex prism (Kay-Kajiya clipping against its planes).
    static func prismEntry(outline: [SIMD2<Double>], halfHeight: Double, origin o: SIMD3<Double>,
                           direction d: SIMD3<Double>) -> Double? {
        var tNear = -Double.infinity, tFar = Double.infinity
        for (n, off) in prismPlanes(outline: outline, halfHeight: halfHeight) {
            let denom = (n * d).sum(), dist = off - (n * o).sum()
            if abs(denom) < 1e-12 {
                if dist < 0 { return nil }
            } else if denom > 0 {
                tFar = min(tFar, dist / denom)
            } else {
                tNear = max(tNear, dist / denom)
            }
        }
        return tNear <= tFar && tFar >= 0 ? max(tNear, 0) : nil
    }

    /// Radius of the prism's outline around its frame origin (for bounding extents).
    static func prismRadius(_ outline: [SIMD2<Double>]) -> Double {
        outline.map { ($0 * $0).sum().squareRoot() }.max() ?? 0
    }
}
