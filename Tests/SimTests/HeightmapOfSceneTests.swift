import Geometry
import MuJoCo
import Sim
import XCTest

/// The fused heightmap of rendered frames shows a block in its colour and at its height.
final class HeightmapOfSceneTests: XCTestCase {
    func testFusedHeightmapShowsBlockColourAndTop() throws {
        var scene = Scene()
        scene.objects.append(SceneObject(name: "block", shape: .block, color: .yellow, mass: 0.01,
                                         pose: Pose(position: SIMD3(0.45, 0.12, 0.02), rotation: Quaternion(yaw: 0.4))))
        scene.objects.append(SceneObject(name: "bowl", shape: .bowl, color: .blue, mass: 0.1,
                                         pose: Pose(position: SIMD3(0.6, -0.2, 0)), isFixed: true))
        // The plain look: objects in exactly their palette colour, straight-walled bowls.
        let world = try TabletopWorld(scene: scene, builder: MJCFBuilder(look: .plain))
        try world.settle()
        let renderer = try OffscreenRenderer()
        let cameras = CameraConfig.realSenseD415
        let frames = try cameras.map { try renderer.render(world.simulation, camera: $0) }
        let map = HeightmapFusion.fuse(frames: frames, cameras: cameras, workspace: .cliport)

        let block = world.pose(ofObject: 0)
        let p = Workspace.cliport.pixel(of: block.position)
        XCTAssertEqual(Double(map.height(at: p)), block.position.z + 0.02, accuracy: 0.005)
        let c = map.color(at: p)
        XCTAssertEqual(Int(c.x), 237, accuracy: 6); XCTAssertEqual(Int(c.y), 201, accuracy: 6); XCTAssertEqual(Int(c.z), 72, accuracy: 6)

        // The bowl's bottom, inside its walls, in the bowl's colour and at its bottom height.
        let bowl = Workspace.cliport.pixel(of: SIMD3(0.6, -0.2, 0))
        XCTAssertEqual(Double(map.height(at: bowl)), 0.004, accuracy: 0.003)
        XCTAssertEqual(Int(map.color(at: bowl).z), 167, accuracy: 6)

        // Bare table: height ~0 and the table colour.
        let table = Workspace.cliport.pixel(of: SIMD3(0.3, -0.4, 0))
        XCTAssertEqual(Double(map.height(at: table)), 0, accuracy: 0.001)
        XCTAssertEqual(Int(map.color(at: table).x), Int(NamedColor.table.rgb.x), accuracy: 3)
    }
}
