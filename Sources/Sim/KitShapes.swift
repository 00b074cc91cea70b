import Foundation
import Geometry

/// CLIPort's 20 kit shapes (`kitting/00.obj`-`19.obj`, scaled 0.003 in x and y), made procedurally as
/// unions of boxes, cylinders and convex prisms 2 cm tall, each stretched to CLIPort's outline extents
/// (`cliportExtents`) and facing as CLIPort's do (the triangle and pentagon point down, the star right, the
/// T's bar is on the right); names and rotational symmetries are CLIPort's.
public enum KitShapes {
    public static let count = 20
    /// Names by index as the instructions use them.
    public static let names = [
        "letter R shape", "letter A shape", "triangle", "square", "plus", "letter T shape", "diamond", "pentagon",
        "rectangle", "flower", "star", "circle", "letter G shape", "letter V shape", "letter E shape",
        "letter L shape", "ring", "hexagon", "heart", "letter M shape",
    ]
    /// Rotational symmetry by index (radians; 0 = any rotation, 2 pi = none), from `assembling_kits.py`.
    public static let symmetries: [Double] = [
        2 * .pi, 2 * .pi, 2 * .pi / 3, .pi / 2, .pi / 2, 2 * .pi, .pi, 2 * .pi / 5, .pi, .pi / 2,
        2 * .pi / 5, 0, 2 * .pi, 2 * .pi, 2 * .pi, 2 * .pi, 0, 2 * .pi / 6, 2 * .pi, 2 * .pi,
    ]
    /// The x and y extents of CLIPort's outline of each shape (OBJ units; each is centred on its frame),
    /// measured from `kitting/NN.obj`. The sketches below are fitted to them.
    public static let cliportExtents: [SIMD2<Double>] = [
        SIMD2(13.504, 18.914), SIMD2(16.627, 18.984), SIMD2(20, 20), SIMD2(20, 20), SIMD2(20, 20),
        SIMD2(20, 20), SIMD2(25, 20), SIMD2(19.052, 18.12), SIMD2(25, 15), SIMD2(20, 20),
        SIMD2(19.18, 20.168), SIMD2(20, 20), SIMD2(15.122, 19.4), SIMD2(15.653, 18.914), SIMD2(10.652, 18.914),
        SIMD2(20, 20), SIMD2(20, 20), SIMD2(17.32, 20), SIMD2(19.156, 17.592), SIMD2(17.996, 18.914),
    ]
    /// Metres per OBJ unit in x and y (CLIPort's object scale).
    public static let unit = 0.003
    /// Object height (20 units at CLIPort's z scale 0.001).
    public static let height = 0.02
    /// Drawn thickness of a hole on the kit.
    public static let holeThickness = 0.001

    /// One 2D part of a shape's outline, in OBJ units.
    enum Piece {
        case rect(center: SIMD2<Double>, size: SIMD2<Double>, yaw: Double)
        case disk(center: SIMD2<Double>, radius: Double)
        case polygon([SIMD2<Double>])

        static func bar(_ a: SIMD2<Double>, _ b: SIMD2<Double>, width: Double) -> Piece {
            let d = b - a
            return .rect(center: (a + b) / 2, size: SIMD2((d * d).sum().squareRoot(), width), yaw: atan2(d.y, d.x))
        }
        static func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Piece {
            .rect(center: SIMD2((x0 + x1) / 2, (y0 + y1) / 2), size: SIMD2(x1 - x0, y1 - y0), yaw: 0)
        }

        /// Points whose bounding box is the piece's: a rectangle's corners (counter-clockwise), a disc's
        /// axis extremes, a polygon's vertices.
        var extremePoints: [SIMD2<Double>] {
            switch self {
            case .rect(let c, let size, let yaw):
                let u = SIMD2(cos(yaw), sin(yaw)) * size.x / 2, v = SIMD2(-sin(yaw), cos(yaw)) * size.y / 2
                return [c - u - v, c + u - v, c + u + v, c - u + v]
            case .disk(let c, let r):
                return [c - SIMD2(r, 0), c + SIMD2(r, 0), c - SIMD2(0, r), c + SIMD2(0, r)]
            case .polygon(let p): return p
            }
        }
    }

    static func regular(_ n: Int, _ r: Double, phase: Double = .pi / 2) -> [SIMD2<Double>] {
        CompoundShape.regularPolygon(n, radius: r, phase: phase)
    }

    /// The outline pieces of shape `index`, fitted to CLIPort's extents: each axis is scaled and the bounding
    /// box centred (rectangles stay boxes; bars become parallelograms; discs keep their shape, so shapes with
    /// discs are sketched at their extents already).
    static func pieces(_ index: Int) -> [Piece] {
        let sketch = self.sketch(index)
        guard !sketch.isEmpty else { return [] }
        let points = sketch.flatMap(\.extremePoints)
        let lo = points.reduce(points[0]) { pointwiseMin($0, $1) }, hi = points.reduce(points[0]) { pointwiseMax($0, $1) }
        let scale = cliportExtents[index] / (hi - lo), mid = (lo + hi) / 2
        func map(_ p: SIMD2<Double>) -> SIMD2<Double> { (p - mid) * scale }
        return sketch.map { piece in
            switch piece {
            case .rect(let c, let size, let yaw) where yaw == 0: return .rect(center: map(c), size: size * scale, yaw: 0)
            case .rect: return .polygon(piece.extremePoints.map(map))
            case .disk(let c, let r): return .disk(center: map(c), radius: r * (scale.x * scale.y).squareRoot())
            case .polygon(let p): return .polygon(p.map(map))
            }
        }
    }

    /// The shape's outline as first sketched (OBJ units, about 20 across), before `pieces` fits it.
    static func sketch(_ index: Int) -> [Piece] {
        switch index {
        case 0: // R
            return [.box(-8, -10, -4, 10), .box(-4, 7, 4, 10), .box(-4, 0, 4, 3), .box(4, 1, 7, 9),
                    .bar(SIMD2(-1, 0), SIMD2(6, -10), width: 4)]
        case 1: // A
            return [.bar(SIMD2(-8, -10), SIMD2(-1, 10), width: 4), .bar(SIMD2(8, -10), SIMD2(1, 10), width: 4),
                    .box(-5, -4, 5, -1)]
        case 2: return [.polygon([SIMD2(0, -10), SIMD2(10, 10), SIMD2(-10, 10)])]
        case 3: return [.box(-10, -10, 10, 10)]
        case 4: return [.box(-10, -3.5, 10, 3.5), .box(-3.5, -10, 3.5, 10)]
        case 5: return [.box(4, -10, 10, 10), .box(-10, -3, 4, 3)]
        case 6: return [.polygon([SIMD2(0, -10), SIMD2(12.5, 0), SIMD2(0, 10), SIMD2(-12.5, 0)])]
        case 7: return [.polygon(regular(5, 10, phase: -.pi / 2))]
        case 8: return [.box(-12.5, -7.5, 12.5, 7.5)]
        case 9: // flower: a centre and four petals
            return [.disk(center: .zero, radius: 5)] + (0..<4).map { k in
                let a = Double(k) * .pi / 2
                return .disk(center: SIMD2(6 * cos(a), 6 * sin(a)), radius: 4)
            }
        case 10: // star: a pentagon and five points, one pointing along +x
            let inner = regular(5, 4.6, phase: .pi / 5)
            let outer = regular(5, 12, phase: 0)
            return [.polygon(inner)] + (0..<5).map { k in .polygon([inner[(k + 4) % 5], outer[k], inner[k]]) }
        case 11: return [.disk(center: .zero, radius: 10)]
        case 12: // G
            return [.box(-9, -10, -5, 10), .box(-5, 6, 8, 10), .box(-5, -10, 8, -6), .box(5, -6, 8, 1), .box(1, -2, 5, 1)]
        case 13: // V
            return [.bar(SIMD2(-8, 10), SIMD2(-1, -10), width: 4), .bar(SIMD2(8, 10), SIMD2(1, -10), width: 4)]
        case 14: // E
            return [.box(-8, -10, -4, 10), .box(-4, 6.5, 8, 10), .box(-4, -1.75, 6, 1.75), .box(-4, -10, 8, -6.5)]
        case 15: // L
            return [.box(-10, -10, -4, 10), .box(-4, -10, 10, -4)]
        case 16: return [] // ring: built as an annulus in `shape`
        case 17: return [.polygon(regular(6, 10))]
        case 18: // heart: two lobes and a point, sketched at CLIPort's extents (19.156 x 17.592)
            return [.disk(center: SIMD2(-4.3, 3.518), radius: 5.278), .disk(center: SIMD2(4.3, 3.518), radius: 5.278),
                    .polygon([SIMD2(0, -8.796), SIMD2(9.2, 1.5), SIMD2(0, 4), SIMD2(-9.2, 1.5)])]
        case 19: // M
            return [.box(-10, -10, -6, 10), .box(6, -10, 10, 10),
                    .bar(SIMD2(-7, 9), SIMD2(0, -3), width: 4), .bar(SIMD2(7, 9), SIMD2(0, -3), width: 4)]
        default: return []
        }
    }

    static func counterClockwise(_ p: [SIMD2<Double>]) -> [SIMD2<Double>] {
        var area = 0.0
        for i in p.indices { let a = p[i], b = p[(i + 1) % p.count]; area += a.x * b.y - b.x * a.y }
        return area >= 0 ? p : p.reversed()
    }

    /// Solids of the shape with half height `hh`, in metres.
    static func solids(_ index: Int, halfHeight hh: Double) -> [CompoundShape.Part] {
        let u = unit
        if index == 16 {
            return CompoundShape.annulusParts(inner: 6 * u, outer: 10 * u, halfHeight: hh)
        }
        return pieces(index).map { piece in
            switch piece {
            case .rect(let c, let s, let yaw):
                return CompoundShape.Part(.box(halfSize: SIMD3(s.x * u / 2, s.y * u / 2, hh)), at: SIMD3(c.x * u, c.y * u, 0), yaw: yaw)
            case .disk(let c, let r):
                return CompoundShape.Part(.cylinder(radius: r * u, halfHeight: hh), at: SIMD3(c.x * u, c.y * u, 0))
            case .polygon(let p):
                return CompoundShape.Part(.prism(outline: counterClockwise(p).map { $0 * u }, halfHeight: hh))
            }
        }
    }

    /// The graspable shape `index` (frame at its centre, 2 cm tall; its size is CLIPort's placement size
    /// 0.08 x 0.08 x 0.02).
    public static func object(_ index: Int) -> CompoundShape {
        let hh = height / 2
        // The drawn parts touch only the suction cup; the shape rests on one hidden box. Resting on its many
        // parts (boxes, cylinders, meshes) against the kit made MuJoCo 2.2.2 launch letters and rings now
        // and then, and cylinders and meshes touch a box at one point only.
        var parts = solids(index, halfHeight: hh).map { p -> CompoundShape.Part in
            var p = p
            p.collides = false
            p.cupOnly = true
            return p
        }
        let half = supportHalfSize(index) * unit
        parts.append(CompoundShape.Part(.box(halfSize: SIMD3(half, half, hh)), visible: false))
        var shape = CompoundShape(name: "kit-shape-\(index)", parts: parts, size: SIMD3(0.08, 0.08, height),
                                  restingZ: hh, top: hh)
        shape.holdWithoutTipContact = true
        return shape
    }

    /// The hole of shape `index`: its outline, 1 mm thick, drawn only (frame at its centre).
    public static func hole(_ index: Int) -> CompoundShape {
        let parts = solids(index, halfHeight: holeThickness / 2).map { p -> CompoundShape.Part in
            var p = p
            p.collides = false
            return p
        }
        return CompoundShape(name: "kit-hole-\(index)", parts: parts, size: SIMD3(20 * unit, 20 * unit, holeThickness),
                             restingZ: holeThickness / 2, top: holeThickness / 2)
    }

    /// Half side (units) of the hidden box a shape rests on (inside the star's and the triangle's bodies).
    static func supportHalfSize(_ index: Int) -> Double {
        switch index {
        case 2, 10: return 3     // triangle, star
        case 6, 18: return 4     // diamond, heart
        default: return 6
        }
    }

    /// Every prism the kit shapes use (objects and holes), for `MJCFBuilder.standardPrisms`.
    static let allPrisms: [(outline: [SIMD2<Double>], halfHeight: Double)] = {
        var result: [(outline: [SIMD2<Double>], halfHeight: Double)] = []
        for i in 0..<count {
            for shape in [object(i), hole(i)] {
                for p in shape.parts {
                    if case .prism(let outline, let hh) = p.solid { result.append((outline, hh)) }
                }
            }
        }
        return result
    }()
}
