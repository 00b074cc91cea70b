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
        let up = SIMD3<Double>(0, 0, Self.approachHeight)
        let prepick = Pose(position: pick.position + up, rotation: pick.rotation)
        try teleportCup(to: prepick)
        try teleportCup(to: Pose(position: pick.position + SIMD3(0, 0, Self.pickSlowZone), rotation: pick.rotation))
        var pickSteps = 0, placeSteps = 0
        let touched = try descendUntilContact(expectedZ: pick.position.z, probe: cupBody, steps: &pickSteps)
        guard let held = try activateSuction(touching: touched) else {
            try release()
            try teleportCup(to: prepick)
            var outcome = PickPlaceOutcome(grasped: nil, placedOnContact: false)
            outcome.pickDescentSteps = pickSteps
            outcome.settleSteps = try settle().steps
            return outcome
        }
        let lift = SIMD3<Double>(0, 0, Self.ropeLiftHeight)
        pickSteps += try sweepMocap(cupBody, to: Pose(position: pick.position + lift, rotation: pick.rotation),
                                    stepLength: Self.ropeDragStep)
        placeSteps += try sweepMocap(cupBody, to: Pose(position: place.position + lift, rotation: place.rotation),
                                     stepLength: Self.ropeDragStep)
        let landed = try descendUntilContact(expectedZ: place.position.z, probe: objectBodies[held], steps: &placeSteps) != nil
        try release()
        try teleportCup(to: Pose(position: place.position + up, rotation: place.rotation))
        var outcome = PickPlaceOutcome(grasped: scene.objects[held].name, placedOnContact: landed)
        outcome.pickDescentSteps = pickSteps
        outcome.placeDescentSteps = placeSteps
        outcome.settleSteps = try settle().steps
        return outcome
    }
}
