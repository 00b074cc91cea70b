import Foundation
import Geometry
@testable import Sim
import XCTest

/// Triangle meshes (CLIPort's Google Scanned Objects): OBJ parsing, the top-down raster of a mesh, MuJoCo
/// loading it, and a google-objects episode made of meshes.
final class ScannedGoogleObjectsTests: XCTestCase {
    /// A cube of side `side` centred on its origin, written as OBJ quads (1-based indices, with texture and
    /// normal indices the parser must skip).
    static func cubeOBJ(side: Double) -> String {
        let h = side / 2
        var text = "# cube\nmtllib cube.mtl\no cube\n"
        for z in [-h, h] { for y in [-h, h] { for x in [-h, h] { text += "v \(x) \(y) \(z)\n" } } }
        text += "vt 0 0\nvn 0 0 1\n"
        // Vertex i = x + 2y + 4z (bits); faces counter-clockwise from outside.
        for f in [[1, 3, 4, 2], [5, 6, 8, 7], [1, 2, 6, 5], [3, 7, 8, 4], [1, 5, 7, 3], [2, 4, 8, 6]] {
            text += "f " + f.map { "\($0)/1/1" }.joined(separator: " ") + "\n"
        }
        return text
    }

    func testParsesOBJQuadsIntoTriangles() throws {
        let mesh = try TriangleMesh.parseOBJ(Self.cubeOBJ(side: 0.2), name: "cube")
        XCTAssertEqual(mesh.vertices.count, 8)
        XCTAssertEqual(mesh.triangles.count, 12, "6 quads fanned into 2 triangles each")
        XCTAssertEqual(mesh.triangles[0], SIMD3(0, 2, 3))
        XCTAssertEqual(mesh.bounds.min, SIMD3(repeating: -0.1))
        XCTAssertEqual(mesh.bounds.max, SIMD3(repeating: 0.1))
        // Negative (relative) indices refer back from the last vertex.
        let relative = try TriangleMesh.parseOBJ("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf -4 -3 -2\n", name: "tet")
        XCTAssertEqual(relative.triangles, [SIMD3(0, 1, 2)])
    }

    func testBadOBJNamesTheLine() {
        XCTAssertThrowsError(try TriangleMesh.parseOBJ("v 0 0 0\nv 1 0\n", name: "broken")) {
            XCTAssertEqual($0 as? SimError, .badMesh(name: "broken", detail: "line 2: a vertex needs three numbers"))
        }
        XCTAssertThrowsError(try TriangleMesh.parseOBJ("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 2 9\n", name: "broken")) {
            XCTAssertEqual($0 as? SimError, .badMesh(name: "broken", detail: "line 5: face index 9 has no vertex"))
        }
    }

    /// From above, a mesh cube covers the same pixels at the same height as the box primitive of its size.
    func testRasterOfMeshCubeMatchesBox() throws {
        let mesh = try TriangleMesh.parseOBJ(Self.cubeOBJ(side: 0.05), name: "cube")
        let shape = CompoundShape(name: "cube", parts: [.init(.mesh(mesh))], size: SIMD3(repeating: 0.05), restingZ: 0.025, top: 0.025)
        let pose = Pose(position: SIMD3(0.5011, 0.0007, 0.025), rotation: Quaternion(yaw: 0.3))
        let workspace = Workspace.cliport
        let fromMesh = TopDownRaster(shapes: [.compound(shape)], poses: [pose], workspace: workspace)
        let fromBox = TopDownRaster(shapes: [.box(size: SIMD3(repeating: 0.05))], poses: [pose], workspace: workspace)
        XCTAssertEqual(fromMesh.pixels(of: 0).count, fromBox.pixels(of: 0).count)
        XCTAssertEqual(fromMesh.pixels(of: 0), fromBox.pixels(of: 0))
        let centre = workspace.pixel(of: pose.position)
        XCTAssertEqual(fromMesh.height(at: centre), 0.05, accuracy: 1e-6)
    }

    /// A library where every object of the seen list is a cube of native side 0.12 (scaled by 5 x the cell's
    /// largest side, as CLIPort scales its meshes) with a known colour.
    static func cubeLibrary() throws -> ScannedObjectLibrary {
        let cube = try TriangleMesh.parseOBJ(cubeOBJ(side: 0.12), name: "cube")
        var meshes: [String: TriangleMesh] = [:], colors: [String: NamedColor] = [:]
        for name in GoogleObjects.seen {
            meshes[name] = TriangleMesh(name: name, vertices: cube.vertices, triangles: cube.triangles)
            colors[name] = NamedColor(name: "texture", rgb: SIMD3(50, 90, 130))
        }
        return ScannedObjectLibrary(folder: "/synthetic", meshes: meshes, colors: colors)
    }

    func testScannedObjectsAreScaledMeshesWithTheirColour() throws {
        let task = PackingGoogleObjects(seen: true, group: false, objectSet: .scanned(try Self.cubeLibrary()))
        XCTAssertEqual(task.objectSetName, "google-scanned-objects")
        XCTAssertEqual(PackingGoogleObjects(seen: true, group: false).objectSetName, "procedural")
        var rng = SeededGenerator(seed: 0)
        let episode = try task.reset(split: .train, rng: &rng)
        let objects = episode.scene.objects.filter { $0.name.hasPrefix("object") }
        XCTAssertFalse(objects.isEmpty)
        for object in objects {
            guard case .compound(let shape) = object.shape, case .mesh(let mesh) = shape.parts[0].solid else {
                return XCTFail("\(object.name) is not a mesh")
            }
            XCTAssertEqual(object.color.rgb, SIMD3(50, 90, 130))
            // A cube: its size is its side, 0.12 x 5 x the cell's largest side, which is 0.08 ... 0.34.
            XCTAssertEqual(shape.size.x, shape.size.z, accuracy: 1e-12)
            XCTAssertEqual(shape.size.x, mesh.bounds.max.x - mesh.bounds.min.x, accuracy: 1e-12)
            XCTAssertGreaterThanOrEqual(shape.size.x, 0.6 * 0.08 - 1e-12)
            XCTAssertLessThanOrEqual(shape.size.x, 0.6 * 0.34 + 1e-12)
        }
    }

    /// MuJoCo loads the meshes (inline vertices and faces) and the oracle packs them.
    func testOracleEpisodeWithMeshObjects() throws {
        let task = PackingGoogleObjects(seen: true, group: false, objectSet: .scanned(try Self.cubeLibrary()))
        let episode = try runOracleEpisode(task, seed: 0)
        let env = try RigidTaskEnvironment.shared.get()
        let xml = try XCTUnwrap(env.mjcf)
        XCTAssertTrue(xml.contains("face=\""), "meshes are given inline with faces")
        XCTAssertTrue(matches(xml, "<geom name=\"object0-[a-z-]+-0\"[^>]* type=\"mesh\""), "object 0 is a mesh geom")
        XCTAssertTrue(xml.contains("rgba=\"0.196078431 0.352941176 0.509803922 1\""), "the texture's mean colour")
        XCTAssertGreaterThan(episode.totalReward, 0.99)
    }
}
