import Foundation
import Geometry

/// CLIPort's oracle expert (`Task.oracle`) for pick-and-place goals.
public enum Oracle {
    /// 1. Without `replace`, objects already on a target are skipped and that target is taken.
    /// 2. Each remaining object's nearest allowed target; the object farthest from its target goes first.
    /// 3. Pick: a uniformly random visible pixel of that object in the top-down view, lifted to the surface
    ///    height there, identity orientation.
    /// 4. Place = target * (object^-1 * pick), with the object pose reduced to yaw, so the object lands on
    ///    the target with the suction offset kept; identity orientation if the goal ignores rotations.
    ///    With `keepsFullOrientation` (CLIPort's `sixdof`) the object pose keeps its roll and pitch.
    /// Throws `SimError.objectNotVisible` if no candidate object has a visible pixel.
    public static func act(goal: Goal, scene: Scene, poses: [Pose], raster: TopDownRaster, workspace: Workspace,
                           keepsFullOrientation: Bool = false, rng: inout SeededGenerator) throws -> PickPlaceAction {
        var matches = goal.matches
        if !goal.replace {
            for (i, object) in goal.objects.enumerated() {
                for j in goal.targets.indices where matches[i][j] {
                    if goal.isMatch(poses[object], goal.targets[j], symmetry: goal.symmetries[i]) {
                        for jj in goal.targets.indices { matches[i][jj] = false }
                        for ii in goal.objects.indices { matches[ii][j] = false }
                        break
                    }
                }
            }
        }
        var nearest: [(distance: Double, target: Int)] = []
        for (i, object) in goal.objects.enumerated() {
            var best = (distance: 0.0, target: -1)
            for j in goal.targets.indices where matches[i][j] {
                // CLIPort computes this in float32 over full xyz.
                let d = SIMD3<Float>(goal.targets[j].position) - SIMD3<Float>(poses[object].position)
                let distance = Double((d * d).sum().squareRoot())
                if best.target < 0 || distance < best.distance { best = (distance, j) }
            }
            nearest.append(best)
        }
        let order = goal.objects.indices
            .filter { nearest[$0].distance > 0 }
            .sorted { nearest[$0].distance > nearest[$1].distance }
        for i in order {
            let object = goal.objects[i]
            let pixels = raster.pixels(of: object)
            guard !pixels.isEmpty else { continue }
            let pixel = pixels[min(Int(rng.uniform() * Double(pixels.count)), pixels.count - 1)]
            let pick = Pose(position: workspace.point(at: pixel, height: Double(raster.height(at: pixel))))
            let objectPose = keepsFullOrientation ? poses[object] : poses[object].yawOnly
            let pickInObject = objectPose.inverse * pick
            var place = goal.targets[nearest[i].target] * pickInObject
            if !goal.rotations { place.rotation = .identity }
            return PickPlaceAction(pick: pick, place: place)
        }
        let name = order.first.map { scene.objects[goal.objects[$0]].name } ?? "no unmatched object"
        throw SimError.objectNotVisible(name)
    }
}
