import XCTest
@testable import Geometry

final class HeightmapTests: XCTestCase {
    let ws = Workspace.cliport

    func testWorkspaceShapeAndPixelConversions() {
        XCTAssertEqual(ws.rows, 320)
        XCTAssertEqual(ws.cols, 160)
        // xyz_to_pix rounds half to even; pix_to_xyz returns the pixel corner.
        XCTAssertEqual(ws.pixel(of: SIMD3(0.5, 0, 0)), Pixel(row: 160, col: 80))
        XCTAssertEqual(ws.pixel(of: SIMD3(0.25 + 2.4 * 0.003125, -0.5 + 0.6 * 0.003125, 0)), Pixel(row: 1, col: 2))
        let p = ws.point(at: Pixel(row: 10, col: 20), height: 0.04)
        XCTAssertEqual(p.x, 0.25 + 20 * 0.003125, accuracy: 1e-12)
        XCTAssertEqual(p.y, -0.5 + 10 * 0.003125, accuracy: 1e-12)
        XCTAssertEqual(p.z, 0.04, accuracy: 1e-12)
        XCTAssertEqual(ws.pixel(of: p), Pixel(row: 10, col: 20))
        XCTAssertTrue(ws.contains(Pixel(row: 319, col: 159)))
        XCTAssertFalse(ws.contains(Pixel(row: 320, col: 0)))
    }

    func testBackProjectionOfTheTableLandsOnZeroHeight() {
        let scene = AnalyticScene()
        for cam in CameraConfig.realSenseD415 {
            let frame = scene.render(cam)
            for (u, v) in [(320, 240), (100, 400), (600, 50), (10, 470)] {
                let d = Double(frame.depth[v * 640 + u])
                guard d > 0 else { continue }
                XCTAssertEqual(cam.worldPoint(u: Double(u), v: Double(v), depth: d).z, 0, accuracy: 1e-5)
            }
        }
    }

    /// A red 4 cm block and a blue 2 cm block on the table: the fused heightmap shows each block's colour
    /// and top height at its centre pixel, the grey table elsewhere at height 0.
    func testFusedHeightmapShowsObjectsAtTheirPixels() {
        var scene = AnalyticScene()
        scene.boxes = [
            .init(min: SIMD3(0.48, 0.08, 0), max: SIMD3(0.52, 0.12, 0.04), color: SIMD3(255, 87, 89)),
            .init(min: SIMD3(0.60, -0.21, 0), max: SIMD3(0.62, -0.19, 0.02), color: SIMD3(78, 121, 167)),
        ]
        let cams = CameraConfig.realSenseD415
        let fused = HeightmapFusion.fuse(frames: cams.map(scene.render), cameras: cams, workspace: ws)
        XCTAssertEqual(fused.rows, 320); XCTAssertEqual(fused.cols, 160)

        let red = ws.pixel(of: SIMD3(0.5, 0.1, 0))
        XCTAssertEqual(Double(fused.height(at: red)), 0.04, accuracy: 0.005)
        XCTAssertEqual(fused.color(at: red), SIMD3(255, 87, 89))
        let blue = ws.pixel(of: SIMD3(0.61, -0.2, 0))
        XCTAssertEqual(Double(fused.height(at: blue)), 0.02, accuracy: 0.005)
        XCTAssertEqual(fused.color(at: blue), SIMD3(78, 121, 167))
        let table = ws.pixel(of: SIMD3(0.4, -0.3, 0))
        XCTAssertEqual(Double(fused.height(at: table)), 0, accuracy: 1e-4)
        XCTAssertEqual(fused.color(at: table), SIMD3(128, 128, 128))
    }

    func testFusionTakesMaxHeightAndMeanOfNonBlackColours() {
        var a = Heightmap(rows: 1, cols: 2), b = Heightmap(rows: 1, cols: 2)
        a.height = [0.01, 0]; a.color = [10, 20, 30, 0, 0, 0]
        b.height = [0.03, 0]; b.color = [11, 21, 31, 0, 0, 0]
        let f = HeightmapFusion.fuse([a, b])
        XCTAssertEqual(f.height, [0.03, 0])
        // (10+11)/2 = 10.5 rounds half to even -> 10; 20.5 -> 20; 30.5 -> 30. Black pixels stay black.
        XCTAssertEqual(f.color, [10, 20, 30, 0, 0, 0])
    }
}
