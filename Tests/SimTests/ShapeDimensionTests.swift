import Foundation
import Geometry
@testable import Sim
import XCTest

/// The shapes' dimensions against CLIPort's assets (measured from its OBJ and URDF files; docs/tasks.md has
/// the table): the drawn parts' bounding boxes, in metres.
final class ShapeDimensionTests: XCTestCase {
    /// Bounding box (min, max) of the drawn parts of a shape in its frame.
    func drawnBounds(_ shape: CompoundShape) -> (min: SIMD3<Double>, max: SIMD3<Double>) {
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        let signs: [SIMD3<Double>] = [-1.0, 1].flatMap { x in [-1.0, 1].flatMap { y in [-1.0, 1].map { z in SIMD3(x, y, z) } } }
        func add(_ p: SIMD3<Double>, _ part: CompoundShape.Part) {
            let w = part.pose.transform(p)
            lo = pointwiseMin(lo, w); hi = pointwiseMax(hi, w)
        }
        for part in shape.parts where part.visible {
            switch part.solid {
            case .box(let h):
                for s in signs { add(h * s, part) }
            case .cylinder(let r, let hh):
                for s in signs { add(SIMD3(r, r, hh) * s, part) }
            case .prism(let outline, let hh):
                for p in outline { for sz in [-1.0, 1] { add(SIMD3(p.x, p.y, hh * sz), part) } }
            case .mesh: XCTFail("no meshes expected in \(shape.name)")
            }
        }
        return (lo, hi)
    }

    /// `kitting/NN.obj` x and y extents (OBJ units, every outline centred) times CLIPort's scale 0.003, and
    /// 20 units times 0.001 = 2 cm tall.
    func testKitShapesHaveCLIPortsOutlineExtents() {
        let units: [(Double, Double)] = [
            (13.504, 18.914), (16.627, 18.984), (20, 20), (20, 20), (20, 20), (20, 20), (25, 20), (19.052, 18.12),
            (25, 15), (20, 20), (19.18, 20.168), (20, 20), (15.122, 19.4), (15.653, 18.914), (10.652, 18.914),
            (20, 20), (20, 20), (17.32, 20), (19.156, 17.592), (17.996, 18.914),
        ]
        for (i, (w, h)) in units.enumerated() {
            let b = drawnBounds(KitShapes.object(i))
            XCTAssertEqual(b.max.x - b.min.x, w * 0.003, accuracy: 1e-4, "shape \(i) width")
            XCTAssertEqual(b.max.y - b.min.y, h * 0.003, accuracy: 1e-4, "shape \(i) depth")
            XCTAssertEqual((b.max.x + b.min.x) / 2, 0, accuracy: 1e-4, "shape \(i) centred in x")
            XCTAssertEqual((b.max.y + b.min.y) / 2, 0, accuracy: 1e-4, "shape \(i) centred in y")
            XCTAssertEqual(b.max.z - b.min.z, 0.02, accuracy: 1e-9, "shape \(i) height")
            let hole = drawnBounds(KitShapes.hole(i))
            XCTAssertEqual(hole.max.x - hole.min.x, w * 0.003, accuracy: 1e-4, "hole \(i) width")
        }
        // Which way they face: the triangle's apex is at -y, the star's first point at +x, the T's bar at +x.
        func outline(_ i: Int) -> [SIMD2<Double>] {
            KitShapes.pieces(i).flatMap { piece -> [SIMD2<Double>] in
                if case .polygon(let p) = piece { return p }
                return []
            }
        }
        let apex = outline(2).min { $0.y < $1.y }!
        XCTAssertEqual(apex.x, 0, accuracy: 1e-9, "triangle apex")
        XCTAssertEqual(apex.y, -10, accuracy: 1e-9, "triangle apex")
        XCTAssertEqual(outline(10).max { $0.x < $1.x }!.y, 0, accuracy: 1e-9, "star point on +x")
        let tBar = drawnBounds(CompoundShape(name: "t", parts: [KitShapes.object(5).parts[0]], size: .zero, restingZ: 0, top: 0))
        XCTAssertEqual(tBar.max.y - tBar.min.y, 0.06, accuracy: 1e-9, "the T's bar spans y")
        XCTAssertEqual(tBar.min.x, 0.012, accuracy: 1e-9, "the T's bar is on the +x side")
    }

    /// `hanoi/disk{0,1,2}.obj` at scale 0.001: rings of outer radius 30, 35, 40 mm, inner 15 mm, 10 mm
    /// thick; `hanoi/stand.urdf`: three 12 x 12 x 1 cm plates along y and 5 cm rods of radius 5 mm at
    /// y = -0.12, 0, 0.12 reaching 5.5 cm up.
    func testHanoiDisksAndStand() {
        for (i, outer) in [0.03, 0.035, 0.04].enumerated() {
            let b = drawnBounds(CompoundShape.hanoiDisk(i))
            XCTAssertEqual(b.max.x - b.min.x, 2 * outer, accuracy: 1e-9, "disk \(i)")
            XCTAssertEqual(b.max.z - b.min.z, 0.01, accuracy: 1e-9, "disk \(i)")
        }
        XCTAssertEqual(TowersOfHanoiScene.diskInnerRadius, 0.015)
        let stand = drawnBounds(.hanoiStand)
        XCTAssertEqual(stand.min, SIMD3(-0.06, -0.18, -0.005))
        XCTAssertEqual(stand.max.x, 0.06, accuracy: 1e-12)
        XCTAssertEqual(stand.max.y, 0.18, accuracy: 1e-12)
        XCTAssertEqual(stand.max.z, 0.055, accuracy: 1e-12)
    }

    /// `pallet/pallet.obj` at scale 0.25: 0.3 x 0.25 x 0.0375 centred on its frame; the boxes rest on its top.
    func testPallet() {
        let b = drawnBounds(.pallet)
        XCTAssertEqual(b.min.x, -0.15, accuracy: 1e-12); XCTAssertEqual(b.max.x, 0.15, accuracy: 1e-12)
        XCTAssertEqual(b.min.y, -0.125, accuracy: 1e-12); XCTAssertEqual(b.max.y, 0.125, accuracy: 1e-12)
        XCTAssertEqual(b.min.z, -0.01875, accuracy: 1e-12); XCTAssertEqual(b.max.z, 0.01875, accuracy: 1e-12)
        XCTAssertEqual(CompoundShape.pallet.top, 0.01875)
        let deck = CompoundShape.pallet.parts.filter(\.collides)
        XCTAssertEqual(deck.count, 1)
        guard case .box(let h) = deck[0].solid else { return XCTFail("a box deck") }
        XCTAssertEqual(deck[0].pose.position.z + h.z, 0.01875, accuracy: 1e-12)
        XCTAssertEqual(h.x, 0.15); XCTAssertEqual(h.y, 0.125)
    }

    /// `zone/zone.urdf` (`zone.obj` scaled 0.006): a 0.12 m square with 6 mm sides, drawn so in both piles
    /// tasks; separating-piles scores a 0.15 m zone (its `zone_size`) around the drawn 0.12 m square.
    func testZonesAreDrawnAtCLIPortsSize() throws {
        for name in ["separating-piles-seen-colors", "sweeping-piles"] {
            var rng = SeededGenerator(seed: 0)
            let e = try TaskRegistry.task(named: name).reset(split: .train, rng: &rng)
            for zone in e.scene.objects where zone.name.hasPrefix("zone") {
                XCTAssertEqual(zone.shape, .squareOutline(side: 0.12, lineWidth: 0.006, openSide: false), name)
            }
            guard case .zone(_, let zones, _) = try XCTUnwrap(e.goals.first).metric else { return XCTFail("zone metric") }
            XCTAssertEqual(zones[0].size.x, name == "sweeping-piles" ? 0.12 : 0.15, name)
        }
    }

    /// `kitting/kit.urdf`: a 28 x 20 x 0.5 cm board.
    func testKitBoard() throws {
        var rng = SeededGenerator(seed: 0)
        let e = try AssemblingKits().reset(split: .train, rng: &rng)
        let kit = try XCTUnwrap(e.scene.objects.first { $0.name == "kit" })
        XCTAssertEqual(Environment.size(of: kit.shape), SIMD3(0.28, 0.2, 0.005))
    }
}
