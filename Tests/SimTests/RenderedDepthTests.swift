import Geometry
@testable import MuJoCo
import Sim
import XCTest

/// Rendered depth of an empty table against the analytic ray-plane depth, for CLIPort's three cameras.
final class RenderedDepthTests: XCTestCase {
    func testEmptyTableDepthMatchesRayPlaneIntersection() throws {
        // The plain look: CLIPort's look stands the arm on the table, in front of some of these pixels.
        let world = try TabletopWorld(scene: Scene(), builder: MJCFBuilder(look: .plain))
        let renderer = try OffscreenRenderer()
        let surface = MJCFBuilder.tableSurfaceLift
        var worst = 0.0
        for camera in CameraConfig.realSenseD415 {
            let frame = try renderer.render(world.simulation, camera: camera)
            XCTAssertEqual(frame.width, 640)
            XCTAssertEqual(frame.height, 480)
            var checked = 0
            for (u, v) in [(320, 240), (100, 400), (600, 300), (320, 470), (20, 460), (639, 479), (10, 250), (0, 0), (639, 0)] {
                let k = camera.intrinsics
                let ray = camera.pose.rotation.rotate(SIMD3((Double(u) - k.cx) / k.fx, (Double(v) - k.cy) / k.fy, 1))
                guard ray.z < 0 else { continue }
                let expected = (surface - camera.pose.position.z) / ray.z
                let hit = camera.pose.position + expected * ray
                // The drawn plane is 4 m across: only pixels whose ray lands on it.
                guard abs(hit.x) < 1.9, abs(hit.y) < 1.9 else { continue }
                let got = Double(frame.depth[v * 640 + u])
                XCTAssertEqual(got, expected, accuracy: 1e-3, "\(camera.name) pixel (\(u), \(v))")
                worst = max(worst, abs(got - expected))
                checked += 1
            }
            XCTAssertGreaterThanOrEqual(checked, 5, camera.name)
            // The table is drawn in its colour where the optical axis meets it (top light: exact colour).
            let c = (240 * 640 + 320) * 3
            XCTAssertEqual(Int(frame.color[c]), Int(NamedColor.table.rgb.x), accuracy: 2, camera.name)
        }
        print("worst depth error on the empty table: \(worst) m")
    }

    /// The mjrContext is reused for a second model with the same render assets, and gives the same image
    /// as a renderer that builds its context for that model.
    func testContextReuseAcrossModelsGivesIdenticalImages() throws {
        let first = try TabletopWorld(scene: Scene(), builder: MJCFBuilder(look: .plain))
        var scene = Scene()
        scene.objects.append(SceneObject(name: "block", shape: .block, color: .red, mass: 0.01,
                                         pose: Pose(position: SIMD3(0.5, 0, 0.02))))
        let second = try TabletopWorld(scene: scene, builder: MJCFBuilder(look: .plain))
        let camera = CameraConfig.realSenseD415[0]
        let reusing = try OffscreenRenderer()
        _ = try reusing.render(first.simulation, camera: camera)
        let reused = try reusing.render(second.simulation, camera: camera)
        XCTAssertEqual(reusing.contextBuilds, 1)
        let fresh = try OffscreenRenderer().render(second.simulation, camera: camera)
        XCTAssertEqual(reused, fresh)
    }

    /// The renderer reads RGBA and packed depth-stencil and converts them itself (`GLReadback`); the frames
    /// are exactly those of `mjr_readPixels`' RGB and float depth, bit for bit, in both looks, for a scene with
    /// the arm, shadows, a bowl, blocks, the floor and the far plane in view.
    func testDirectReadbackEqualsMuJoCoReadback() throws {
        var scene = Scene()
        scene.objects.append(SceneObject(name: "block", shape: .block, color: .red, mass: 0.01,
                                         pose: Pose(position: SIMD3(0.45, -0.1, 0.02))))
        scene.objects.append(SceneObject(name: "bowl", shape: .bowl, color: .green,
                                         mass: 0.1, pose: Pose(position: SIMD3(0.55, 0.2, 0.0))))
        for look in SceneLook.allCases {
            let world = try TabletopWorld(scene: scene, builder: MJCFBuilder(look: look))
            let renderer = try OffscreenRenderer()
            renderer.readback = .direct
            let direct = try renderer.render(world.simulation, cameras: CameraConfig.realSenseD415)
            renderer.readback = .mujoco
            let viaMuJoCo = try renderer.render(world.simulation, cameras: CameraConfig.realSenseD415)
            for (camera, (a, b)) in zip(CameraConfig.realSenseD415, zip(direct, viaMuJoCo)) {
                XCTAssertEqual(a.color, b.color, "\(look) \(camera.name) colour")
                XCTAssertEqual(a.depth.map(\.bitPattern), b.depth.map(\.bitPattern), "\(look) \(camera.name) depth")
                // Not a blank frame: several colours and depths, near and far.
                XCTAssertGreaterThan(Set(a.color).count, 8)
                XCTAssertGreaterThan(Set(a.depth).count, 1000)
            }
        }
    }
}
