import Foundation
import Geometry

/// CLIPort's `PickPlace(height=0.02, speed=0.001)` of the rope tasks.
extension TabletopWorld {
    /// Lift height above the pick and place poses while dragging the rope.
    public static let ropeLiftHeight = 0.02
    /// Cup travel per physics step while a bead is held (1 mm at 2 ms = 0.5 m/s).
    public static let ropeDragStep = 0.001

    /// Approach 0.32 m above the pick (kinematic), descend until the cup touches a bead, attach it,
    /// lift it 2 cm and drag it to 2 cm above the place (simulated: the held bead pulls the rest of the
    /// rope through the links), descend until it touches, release, retreat 0.32 m above the place, and
    /// settle. If nothing was attached: return above the pick and settle.
    public func ropePickPlace(pick: Pose, place: Pose) throws -> PickPlaceOutcome {
        try suctionPickPlace(pick: pick, place: place) { _, pickSteps, placeSteps in
            let lift = SIMD3<Double>(0, 0, Self.ropeLiftHeight)
            pickSteps += try self.sweepMocap(self.cupBody, to: Pose(position: pick.position + lift, rotation: pick.rotation),
                                             stepLength: Self.ropeDragStep)
            placeSteps += try self.sweepMocap(self.cupBody, to: Pose(position: place.position + lift, rotation: place.rotation),
                                              stepLength: Self.ropeDragStep)
        }
    }
}
