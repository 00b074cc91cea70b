import Geometry
import MuJoCo
import Sim
import XCTest

/// CLIPort's look (issue #17) on rendered, fused heightmaps, against numbers measured on CLIPort's own
/// renders: pybullet 3.2.7 TinyRenderer (what CLIPort's DIRECT-mode `ER_BULLET_HARDWARE_OPENGL` request falls
/// back to; both give identical images), CLIPort's assets, cameras and heightmap fusion (script and figures
/// in docs/tasks.md, "The look").
final class CLIPortLookTests: XCTestCase {
    /// CLIPort's empty heightmap cell: 47 lit, 44 in shadow (issue #17; measured the same).
    static let cliportTable = 47.0
    static let cliportTableInShadow = 44.0

    /// CLIPort's block tops in its heightmap, lit, per palette colour (measured; the green 83,158,74).
    static let cliportLitTops: [String: SIMD3<Double>] = [
        "blue": SIMD3(73, 113, 156), "red": SIMD3(239, 81, 83), "green": SIMD3(83, 158, 74),
        "orange": SIMD3(227, 133, 40), "yellow": SIMD3(222, 188, 67), "purple": SIMD3(165, 114, 151),
        "pink": SIMD3(239, 147, 156), "cyan": SIMD3(110, 171, 167), "brown": SIMD3(146, 109, 89),
        "white": SIMD3(239, 239, 239), "gray": SIMD3(174, 165, 161),
    ]
    /// The red, 221,75,77: a red block top in CLIPort's arm shadow (the table's 44/51 factor).
    static let cliportShadowedRed = SIMD3<Double>(221, 75, 77)
    /// Where TinyRenderer casts shadows from: 2 m along its light direction (-50, 30, 100) from the origin.
    static let cliportShadowPoint: SIMD3<Double> = {
        let v = SIMD3<Double>(-50, 30, 100)
        return 2 * v / (v * v).sum().squareRoot()
    }()

    private func fusedHeightmap(_ scene: Scene, look: SceneLook) throws -> (Heightmap, TabletopWorld) {
        let world = try TabletopWorld(scene: scene, builder: MJCFBuilder(look: look))
        let renderer = try OffscreenRenderer()
        let cameras = CameraConfig.realSenseD415
        let frames = try cameras.map { try renderer.render(world.simulation, camera: $0) }
        return (HeightmapFusion.fuse(frames: frames, cameras: cameras, workspace: .cliport), world)
    }

    /// Mean colour of the 5x5 cells around `position` (a block top is 12-13 cells across).
    private func meanColour(_ map: Heightmap, around position: SIMD3<Double>) -> SIMD3<Double> {
        let centre = Workspace.cliport.pixel(of: position)
        var sum = SIMD3<Double>(repeating: 0)
        for dr in -2...2 {
            for dc in -2...2 {
                let c = map.color(at: Pixel(row: centre.row + dr, col: centre.col + dc))
                sum += SIMD3(Double(c.x), Double(c.y), Double(c.z))
            }
        }
        return sum / 25
    }

    private func tableCells(_ map: Heightmap) -> [Double] {
        (0..<(map.rows * map.cols)).compactMap { i -> Double? in
            guard map.height[i] < 0.002 else { return nil }
            let c = map.color[3 * i..<3 * i + 3].map(Double.init)
            let grey = (c[0] + c[1] + c[2]) / 3
            return grey > 0 ? grey : nil  // cells no camera saw are black in both simulators
        }
    }

    func testEmptyTableReadsCLIPortsValueAndPlainKeepsItsGrey() throws {
        let (cliport, _) = try fusedHeightmap(Scene(), look: .cliport)
        let cells = tableCells(cliport)
        XCTAssertGreaterThan(cells.count, 50_000)
        XCTAssertEqual(cells.reduce(0, +) / Double(cells.count), Self.cliportTable, accuracy: 5)
        // The plain look is unchanged: the table in exactly its grey.
        let (plain, _) = try fusedHeightmap(Scene(), look: .plain)
        let plainCells = tableCells(plain)
        XCTAssertEqual(plainCells.reduce(0, +) / Double(plainCells.count), Double(NamedColor.table.rgb.x), accuracy: 1)
    }

    /// Every palette colour on a lit block top within 5 % of CLIPort's, per channel; a red block and the table
    /// in a tall box's shadow within 5 % of CLIPort's shadowed red and 44 +- 5.
    func testBlockTopsAndShadowsMatchCLIPort() throws {
        var scene = Scene()
        var litBlocks: [(NamedColor, SIMD3<Double>)] = []
        for (i, colour) in NamedColor.all.enumerated() {
            // A 4 x 3 grid 0.1 m apart on the +y half, which the arm at home leaves lit in both simulators; each
            // block's shadow (about 3 cm, away from the light) stays on the table.
            let position = SIMD3(0.42 + 0.1 * Double(i % 4), 0.12 + 0.11 * Double(i / 4), 0.02)
            scene.objects.append(SceneObject(name: "block-\(colour.name)", shape: .block, color: colour, mass: 0.01,
                                             pose: Pose(position: position), isFixed: true))
            litBlocks.append((colour, position))
        }
        // A red block in the shadow of a 0.25 m box set 8 cm from it toward CLIPort's shadow point.
        let shaded = SIMD3(0.62, 0.44, 0.02)
        scene.objects.append(SceneObject(name: "shaded-red", shape: .block, color: .red, mass: 0.01, pose: Pose(position: shaded),
                                         isFixed: true))
        let towardLight = SIMD2(Self.cliportShadowPoint.x - shaded.x, Self.cliportShadowPoint.y - shaded.y)
        let step = 0.08 * towardLight / (towardLight * towardLight).sum().squareRoot()
        let towerPosition = SIMD3(shaded.x + step.x, shaded.y + step.y, 0.125)
        scene.objects.append(SceneObject(name: "tower", shape: .box(size: SIMD3(0.06, 0.06, 0.25)), color: .gray, mass: 1,
                                         pose: Pose(position: towerPosition), isFixed: true))
        let (map, _) = try fusedHeightmap(scene, look: .cliport)

        for (colour, position) in litBlocks {
            let got = meanColour(map, around: position + SIMD3(0, 0, 0.02))
            let want = try XCTUnwrap(Self.cliportLitTops[colour.name])
            for k in 0..<3 {
                XCTAssertEqual(got[k], want[k], accuracy: 0.05 * want[k] + 0.5, "\(colour.name) channel \(k): \(got) vs CLIPort \(want)")
            }
        }
        let red = meanColour(map, around: shaded + SIMD3(0, 0, 0.02))
        for k in 0..<3 {
            XCTAssertEqual(red[k], Self.cliportShadowedRed[k], accuracy: 0.05 * Self.cliportShadowedRed[k] + 0.5,
                           "shadowed red channel \(k): \(red)")
        }
        // The table just beyond the shaded block, still in the box's shadow (its far side from the light).
        let shadowTable = meanColour(map, around: SIMD3(shaded.x - 1.5 * step.x, shaded.y - 1.5 * step.y, 0))
        XCTAssertEqual(shadowTable.x, Self.cliportTableInShadow, accuracy: 5)
        let litTable = meanColour(map, around: SIMD3(0.3, 0.4, 0))
        XCTAssertEqual(litTable.x, Self.cliportTable, accuracy: 5)
    }

    /// With the UR5 at its home pose, CLIPort's arm shades 19.4 % of the empty heightmap's table cells
    /// (measured: cells darker than 45.5, between its 47 and 44). Needs the arm of issue #17 item 1, which is
    /// built in parallel: until the empty scene holds more bodies than the suction cup, this test is skipped.
    func testArmAtHomeShadesAFifthOfTheHeightmap() throws {
        let (map, world) = try fusedHeightmap(Scene(), look: .cliport)
        let bodies = world.xml.components(separatedBy: "<body ").count - 1
        try XCTSkipIf(bodies <= 1, "the UR5 arm is not in the scene yet (helper arm, issue #17 item 1)")
        let cells = tableCells(map)
        let shadowed = Double(cells.filter { $0 < (Self.cliportTable + Self.cliportTableInShadow) / 2 + 0.5 }.count) / Double(cells.count)
        print("shadowed fraction of the empty table with the arm at home: \(shadowed) (CLIPort 0.194)")
        XCTAssertEqual(shadowed, 0.194, accuracy: 0.06, "shadowed fraction of the table cells")
        let dark = cells.filter { $0 < 45.5 }
        XCTAssertEqual(dark.reduce(0, +) / Double(max(dark.count, 1)), Self.cliportTableInShadow, accuracy: 5)
    }

    /// CLIPort's bowl: drawn as the measured surface of revolution, a closed mesh of CLIPort's size.
    func testCLIPortBowlMeshHasCLIPortsSizeAndIsClosed() {
        let mesh = BowlMesh.cliport
        let (lo, hi) = mesh.bounds
        XCTAssertEqual(hi.x - lo.x, 0.1144, accuracy: 0.001)
        XCTAssertEqual(hi.z - lo.z, 0.0347, accuracy: 0.0005)
        XCTAssertEqual(lo.z, 0, accuracy: 1e-12)
        // Closed: every edge is shared by exactly two triangles, in opposite directions.
        var edges: [SIMD2<Int32>: Int] = [:]
        for t in mesh.triangles {
            for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] { edges[SIMD2(a, b), default: 0] += 1 }
        }
        XCTAssertTrue(edges.allSatisfy { $0.value == 1 && edges[SIMD2($0.key.y, $0.key.x)] == 1 })
        // Outward, and the solid CLIPort's profile sweeps: the signed volume is Pappus's 99.29 cm^3 for the
        // profile, times the 32-gon's area ratio (32 sin(2 pi / 32) / (2 pi)), 98.65 cm^3.
        var volume = 0.0
        for t in mesh.triangles {
            let a = mesh.vertices[Int(t.x)], b = mesh.vertices[Int(t.y)], c = mesh.vertices[Int(t.z)]
            volume += (a.x * (b.y * c.z - b.z * c.y) - a.y * (b.x * c.z - b.z * c.x) + a.z * (b.x * c.y - b.y * c.x)) / 6
        }
        XCTAssertEqual(volume, 98.654e-6, accuracy: 0.01e-6)
    }

    /// The plain look draws no shadows and no bowl mesh: its MJCF is that of the flat look.
    func testPlainLookKeepsTheFlatMJCF() {
        var scene = Scene()
        scene.objects.append(SceneObject(name: "bowl", shape: .bowl, color: .blue, mass: 0.1, pose: Pose(position: SIMD3(0.5, 0, 0)),
                                         isFixed: true))
        let plain = MJCFBuilder(look: .plain).xml(for: scene)
        XCTAssertTrue(plain.contains("<quality shadowsize=\"0\" offsamples=\"0\"/>"))
        XCTAssertFalse(plain.contains("castshadow=\"true\""))
        XCTAssertFalse(plain.contains("<mesh"))
        let cliport = MJCFBuilder(look: .cliport).xml(for: scene)
        XCTAssertTrue(cliport.contains("castshadow=\"true\""))
        XCTAssertTrue(cliport.contains("mesh=\"mesh-cliport-bowl-"))
    }

    /// The rope's beads (7.5 mm spheres) are drawn with 16 x 8 facets; scenes with cylinders or without spheres
    /// keep MuJoCo's default facets, so their MJCF does not change.
    func testRopeBeadsAreDrawnWithFewerFacetsAndOtherScenesKeepTheDefault() throws {
        var rng = SeededGenerator(seed: 3)
        var rope = Scene()
        rope.objects = Rope.column(base: SIMD3(0.5, 0, 0.01), spacing: 0.01, rng: &rng).beads
        let facets = "numslices=\"16\" numstacks=\"8\""
        for look in [SceneLook.cliport, .plain] {
            XCTAssertTrue(MJCFBuilder(look: look).xml(for: rope).contains(facets), "\(look)")
        }
        var bowl = Scene()
        bowl.objects.append(SceneObject(name: "bowl", shape: .bowl, color: .blue, mass: 0.1, pose: Pose(position: SIMD3(0.5, 0, 0))))
        XCTAssertTrue(MJCFBuilder(look: .cliport).xml(for: bowl).contains("<quality shadowsize=\"512\" offsamples=\"0\"/>"))
        // The plain look draws the bowl's round bottom (a cylinder): beads beside it keep the default facets too.
        var both = rope
        both.objects.append(SceneObject(name: "bowl", shape: .bowl, color: .blue, mass: 0.1, pose: Pose(position: SIMD3(0.5, 0.3, 0))))
        XCTAssertFalse(MJCFBuilder(look: .plain).xml(for: both).contains("numslices"))
        // MuJoCo accepts the attributes.
        XCTAssertNoThrow(try MuJoCoSimulation(xml: MJCFBuilder(look: .cliport).xml(for: rope)))
    }
}
