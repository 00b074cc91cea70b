/// Which MuJoCo constraint solver a scene uses. MuJoCo 2.2's default Newton solver factors a dense
/// nv x nv matrix every iteration, so its cost grows with the cube of the number of free bodies (6 dof
/// each): right for a few blocks or the rope's 20 beads, far too slow for the piles' 50 blocks. The
/// conjugate-gradient solver costs about linearly in the contacts instead.
public enum ContactSolver: String, Equatable, Codable, Sendable {
    /// MuJoCo's default (Newton, 100 iterations, tolerance 1e-8).
    case newton
    /// Conjugate gradient with a bounded iteration count, for scenes of many small bodies.
    case conjugateGradient
}

extension MJCFBuilder {
    /// Extra `<option>` attributes for the solver.
    func solverAttributes(_ solver: ContactSolver) -> String {
        switch solver {
        case .newton: return ""
        case .conjugateGradient:
            return " solver=\"CG\" iterations=\"\(Self.iterativeSolverIterations)\" tolerance=\"\(Self.iterativeSolverTolerance)\""
        }
    }

    static let iterativeSolverIterations = 15
    static let iterativeSolverTolerance = 1e-5

    /// `<size>` attributes: room for the contacts and constraint rows of the scene's free objects (a
    /// resting box has 4 table contacts of 4 rows each, plus contacts with its neighbours), at least
    /// MuJoCo's 1000 rows and 300 contacts.
    func sizeAttributes(_ scene: Scene) -> String {
        let free = scene.objects.filter { !$0.isFixed }.count
        return "njmax=\"\(max(1000, 50 * free))\" nconmax=\"\(max(300, 12 * free))\""
    }
}
