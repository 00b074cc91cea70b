import XCTest
@testable import Geometry

final class QuaternionTests: XCTestCase {
    func assertClose(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ tol: Double = 1e-3, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<3 { XCTAssertEqual(a[i], b[i], accuracy: tol, "component \(i): \(a) vs \(b)", file: file, line: line) }
    }

    /// Look and up directions from reference/cliport.md §3, "Cameras" (R = Rz(yaw) Ry(pitch) Rx(roll)).
    func testRealSenseCameraDirectionsMatchCLIPort() {
        let cams = CameraConfig.realSenseD415
        XCTAssertEqual(cams.map(\.name), ["front", "left", "right"])
        assertClose(cams[0].lookDirection, SIMD3(-0.707, 0, -0.707))
        assertClose(cams[0].upDirection, SIMD3(-0.707, 0, 0.707))
        assertClose(cams[1].lookDirection, SIMD3(0.4545, -0.4545, -0.766))
        assertClose(cams[1].upDirection, SIMD3(0.542, -0.542, 0.643))
        assertClose(cams[2].lookDirection, SIMD3(0.4545, 0.4545, -0.766))
        assertClose(cams[2].upDirection, SIMD3(0.542, 0.542, 0.643))
        // Where each optical axis meets the table.
        let hits: [SIMD3<Double>] = [SIMD3(0.25, 0, 0), SIMD3(0.445, 0.055, 0), SIMD3(0.445, -0.055, 0)]
        for (cam, expected) in zip(cams, hits) {
            let d = cam.lookDirection, p = cam.pose.position
            assertClose(p + d * (-p.z / d.z), expected, 2e-3)
        }
        XCTAssertEqual(cams[0].intrinsics.verticalFOVDegrees, 56.145, accuracy: 1e-3)
    }

    func testQuaternionAlgebra() {
        let q = Quaternion(axis: SIMD3(1, 2, 3), angle: 0.7)
        let r = Quaternion(roll: 0.3, pitch: -0.2, yaw: 1.1)
        let v = SIMD3<Double>(0.3, -1.2, 0.5)
        assertClose((q * r).rotate(v), q.rotate(r.rotate(v)), 1e-12)
        assertClose(q.conjugate.rotate(q.rotate(v)), v, 1e-12)
        XCTAssertEqual(Quaternion(yaw: 1.25).yaw, 1.25, accuracy: 1e-12)
        XCTAssertEqual(Quaternion(roll: 0, pitch: 0, yaw: -2.5).yaw, -2.5, accuracy: 1e-12)
    }

    func testPoseComposeAndInverse() {
        let a = Pose(position: SIMD3(0.5, -0.1, 0.02), rotation: Quaternion(yaw: 0.4))
        let b = Pose(position: SIMD3(0.01, 0.02, 0.03), rotation: Quaternion(axis: SIMD3(0, 1, 0), angle: 0.2))
        let p = SIMD3<Double>(0.1, 0.2, 0.3)
        assertClose((a * b).transform(p), a.transform(b.transform(p)), 1e-12)
        assertClose((a.inverse * a).position, .zero, 1e-12)
        XCTAssertEqual(Pose(components: a.components), a)
    }

    func testRotationBinsFollowCLIPortLabels() {
        let pick = Pose(position: .zero)
        // theta = yaw(pick) - yaw(place): a place yaw of -30 degrees is bin 3.
        XCTAssertEqual(RotationBins.bin(pick: pick, place: Pose(position: .zero, rotation: Quaternion(yaw: -.pi / 6))), 3)
        XCTAssertEqual(RotationBins.bin(pick: pick, place: Pose(position: .zero, rotation: Quaternion(yaw: .pi / 6))), 33)
        XCTAssertEqual(RotationBins.bin(pick: pick, place: pick), 0)
        for i in 0..<36 {
            let place = Pose(position: .zero, rotation: Quaternion(yaw: RotationBins.placeYaw(bin: i)))
            XCTAssertEqual(RotationBins.bin(pick: pick, place: place), i)
        }
    }

    func testSeededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let xs = (0..<5).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<5).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<5).map { _ in c.next() })
        var g = SeededGenerator(seed: 7)
        let normals = (0..<20000).map { _ in g.normal() }
        let mean = normals.reduce(0, +) / 20000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}
