import Foundation
import Geometry
import MuJoCo
import PNG
import Recorder
@testable import Sim
import TestSupport
import XCTest

/// A Google object loaded from an asset folder (`--assets`) is drawn with its texture when its OBJ has texture
/// coordinates: a flat box whose top face spans an image of two colour halves shows both, each on its side.
final class GoogleObjectTextureTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-texture")
    override func tearDown() { folders.removeAll() }

    /// The image's top half (rows 0-3, OBJ's v > 0.5) and bottom half.
    static let top = SIMD3<Int>(220, 40, 40), bottom = SIMD3<Int>(40, 70, 210)

    /// A native 0.16 x 0.16 x 0.04 box (8 x 8 x 2 cm at CLIPort's scale for a 10 cm cell) whose top face maps the
    /// whole image, u along +x and v along +y; the other faces use one point of the bottom half, so vertices 5-8
    /// are used with two texture coordinates (a seam) and are copied.
    static let flatBoxOBJ: String = {
        var text = "o flat_box\n"
        for z in [-0.02, 0.02] { for y in [-0.08, 0.08] { for x in [-0.08, 0.08] { text += "v \(x) \(y) \(z)\n" } } }
        text += "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nvt 0.5 0.25\nvn 0 0 1\n"
        text += "f 5/1/1 6/2/1 8/3/1 7/4/1\n"
        for f in [[1, 3, 4, 2], [1, 2, 6, 5], [3, 7, 8, 4], [1, 5, 7, 3], [2, 4, 8, 6]] {
            text += "f " + f.map { "\($0)/5/1" }.joined(separator: " ") + "\n"
        }
        return text
    }()

    /// An assets folder in CLIPort's layout holding only "hammer": the flat box and an 8x8 two-halves texture.
    func assetsFolder() throws -> String {
        let folder = folders.make("assets")
        let google = folder + "/google"
        for sub in ["meshes_fixed", "textures"] {
            try FileManager.default.createDirectory(atPath: "\(google)/\(sub)", withIntermediateDirectories: true)
        }
        try Self.flatBoxOBJ.write(toFile: "\(google)/meshes_fixed/hammer.obj", atomically: true, encoding: .utf8)
        var bytes: [UInt8] = []
        for row in 0..<8 { for _ in 0..<8 { let c = row < 4 ? Self.top : Self.bottom; bytes += [UInt8(c.x), UInt8(c.y), UInt8(c.z)] } }
        try PNGImage(width: 8, height: 8, pixels: .rgb8(bytes)).write(to: "\(google)/textures/hammer.png")
        return folder
    }

    func testOBJTextureCoordinatesCopyVerticesOnSeams() throws {
        let mesh = try TriangleMesh.parseOBJ(Self.flatBoxOBJ, name: "hammer")
        XCTAssertEqual(mesh.vertices.count, 12, "8 corners, the 4 top ones copied for the side faces' coordinate")
        XCTAssertEqual(mesh.triangles.count, 12)
        let uv = try XCTUnwrap(mesh.textureCoordinates)
        XCTAssertEqual(uv.count, 12)
        XCTAssertEqual(Array(uv[4..<8]), [SIMD2(0, 0), SIMD2(1, 0), SIMD2(0, 1), SIMD2(1, 1)], "the top corners keep the top face's")
        XCTAssertEqual(Array(uv[0..<4]), Array(repeating: SIMD2(0.5, 0.25), count: 4))
        XCTAssertEqual(Array(uv[8..<12]), Array(repeating: SIMD2(0.5, 0.25), count: 4))
        XCTAssertEqual(Array(mesh.triangles[0..<2]), [SIMD3(4, 5, 7), SIMD3(4, 7, 6)], "the top face")
        XCTAssertFalse(mesh.triangles[2...].contains { t in (0..<3).contains { (4..<8).contains(t[$0]) } }, "no side uses the top's corners")
        // A file whose faces lack texture coordinates has none.
        XCTAssertNil(try TriangleMesh.parseOBJ("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nvt 0 0\nf 1/1 2/1 3\n", name: "tet").textureCoordinates)
        XCTAssertThrowsError(try TriangleMesh.parseOBJ("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nvt 0 0\nf 1/1 2/2 3/1\n", name: "tet")) {
            XCTAssertEqual($0 as? SimError, .badMesh(name: "tet", detail: "line 6: face index 2 has no texture coordinate"))
        }
    }

    /// Renders the object at (0.5, 0) and returns the fused heightmap's mean colour over 5 x 5 cells at y = -2 cm
    /// and +2 cm on its top.
    func halves(_ library: ScannedObjectLibrary, look: SceneLook) throws -> (minusY: SIMD3<Double>, plusY: SIMD3<Double>, xml: String) {
        let shape = try library.shape(name: "hammer", cellSize: 0.1)
        XCTAssertEqual(shape.size.x, 0.08, accuracy: 1e-9)
        let scene = Scene(objects: [SceneObject(name: "object0", shape: .compound(shape), color: library.color(of: "hammer"),
                                                mass: 0.05, pose: Pose(position: SIMD3(0.5, 0, shape.restingZ)), isFixed: true)])
        let world = try TabletopWorld(scene: scene, builder: MJCFBuilder(look: look))
        let renderer = try OffscreenRenderer()
        let cameras = CameraConfig.realSenseD415
        let map = HeightmapFusion.fuse(frames: try cameras.map { try renderer.render(world.simulation, camera: $0) },
                                       cameras: cameras, workspace: .cliport)
        func mean(y: Double) -> SIMD3<Double> {
            let centre = Workspace.cliport.pixel(of: SIMD3(0.5, y, 0))
            var sum = SIMD3<Double>.zero
            for dr in -2...2 { for dc in -2...2 {
                let p = Pixel(row: centre.row + dr, col: centre.col + dc)
                XCTAssertEqual(Double(map.height(at: p)), 0.02, accuracy: 0.003, "the box's top")
                let c = map.color(at: p)
                sum += SIMD3(Double(c.x), Double(c.y), Double(c.z))
            } }
            return sum / 25
        }
        return (mean(y: -0.02), mean(y: 0.02), world.simulation.xml)
    }

    func assertColour(_ c: SIMD3<Double>, _ expected: SIMD3<Int>, scale: ClosedRange<Double> = 1...1, _ what: String) {
        for i in 0..<3 {
            let e = Double(expected[i])
            XCTAssert(c[i] >= e * scale.lowerBound - 6 && c[i] <= e * scale.upperBound + 6, "\(what): channel \(i) is \(c[i]), texel \(e)")
        }
    }

    func testTexturedObjectShowsBothHalvesOfItsImage() throws {
        let folder = try assetsFolder()
        let library = try GoogleObjectAssets.load(folder: folder, names: ["hammer"])
        XCTAssertEqual(library.textures["hammer"], folder + "/google/textures/hammer.png")
        XCTAssertEqual(library.color(of: "hammer").rgb, SIMD3(130, 55, 125), "the mean colour stays the fallback")

        // The plain look renders an upward face at exactly its colour: each half's texel, v up along +y.
        let plain = try halves(library, look: .plain)
        XCTAssertTrue(plain.xml.contains("<texture name=\"texture-hammer-"), plain.xml)
        XCTAssertTrue(plain.xml.contains(" type=\"2d\" file=\"\(folder)/google/textures/hammer.png\"/>"))
        XCTAssertTrue(plain.xml.contains(" texcoord=\""))
        assertColour(plain.plusY, Self.top, "+y half (the image's top rows)")
        assertColour(plain.minusY, Self.bottom, "-y half (the image's bottom rows)")

        // CLIPort's look shades them as it shades palette colours (0.864 in shadow to 0.937 lit, upward faces).
        let cliport = try halves(library, look: .cliport)
        assertColour(cliport.plusY, Self.top, scale: 0.85...0.95, "+y half, CLIPort's look")
        assertColour(cliport.minusY, Self.bottom, scale: 0.85...0.95, "-y half, CLIPort's look")
    }

    func testWithoutTextureTheObjectKeepsItsMeanColour() throws {
        var library = try GoogleObjectAssets.load(folder: try assetsFolder(), names: ["hammer"])
        library.textures = [:]
        let plain = try halves(library, look: .plain)
        XCTAssertFalse(plain.xml.contains("<texture"))
        XCTAssertFalse(plain.xml.contains("texcoord="), "an untextured mesh carries no texture coordinates")
        assertColour(plain.plusY, SIMD3(130, 55, 125), "+y, mean colour")
        assertColour(plain.minusY, SIMD3(130, 55, 125), "-y, mean colour")
    }
}
