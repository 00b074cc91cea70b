import Geometry
import Sim
import XCTest

/// On generated put-block-in-bowl episodes, the fused heightmap at every visible object's pixel shows
/// that object's colour and its surface height (within 5 mm), using the exact top-down view as truth.
final class EpisodeHeightmapTests: XCTestCase {
    func testFusedHeightmapAgreesWithSceneOnEpisodes() throws {
        let env = try Environment(look: .plain)  // objects in exactly their palette colour
        let task = PutBlockInBowl(colors: .full)
        var checkedObjects = 0
        for seed in [0, 2] {
            var observations = [try env.reset(task: task, seed: seed, split: .train)]
            var views = [try XCTUnwrap(env.topDownView())]
            while let action = try env.oracleAction() {
                let r = try env.step(action)
                observations.append(r.observation)
                views.append(try XCTUnwrap(env.topDownView()))
                if r.done { break }
            }
            for (obs, view) in zip(observations, views) {
                let map = HeightmapFusion.fuse(frames: obs.frames, cameras: env.cameras, workspace: env.workspace)
                for (i, object) in obs.objects.enumerated() {
                    let p = env.workspace.pixel(of: object.pose.position)
                    guard env.workspace.contains(p), view.object(at: p) == i else { continue }
                    XCTAssertEqual(map.height(at: p), view.height(at: p), accuracy: 0.005, "seed \(seed) \(object.name)")
                    let expected = try XCTUnwrap(NamedColor.all.first { $0.name == object.colorName }).rgb
                    let got = map.color(at: p)
                    for k in 0..<3 {
                        XCTAssertEqual(Int(got[k]), Int(expected[k]), accuracy: 8, "seed \(seed) \(object.name) channel \(k)")
                    }
                    checkedObjects += 1
                }
            }
        }
        XCTAssertGreaterThan(checkedObjects, 20)
    }
}
