/// How `Environment.step` carries out an action's two poses (CLIPort's task `primitive`). The action type
/// stays `PickPlaceAction`: for `.push` its `pick` is the push start and its `place` the push end, as
/// CLIPort's `push(pose0, pose1)` reads the same two poses.
public enum MotionPrimitive: String, Equatable, Codable, Sendable {
    /// `PickPlace()`: suction, approach and retreat 0.32 m above (`TabletopWorld.pickPlace`).
    case pickPlace
    /// `PickPlace(height=0.02, speed=0.001)` of the rope tasks: the held bead is lifted only 2 cm and
    /// dragged (simulated) to the place, pulling the rest of the rope (`TabletopWorld.ropePickPlace`).
    case ropePickPlace
    /// `push` with the spatula (`TabletopWorld.push`).
    case push
}

/// The tool on the robot (CLIPort's task `ee`).
public enum EndEffector: String, Equatable, Codable, Sendable {
    /// The suction cup (every task but the piles).
    case suction
    /// The spatula of the piles tasks: a 5 cm wide, 5 mm thick blade used by the push primitive.
    case spatula
}
