/// How the simulator draws its scenes. The task rules, physics and cameras are the same in both; only the
/// pictures differ.
public enum SceneLook: String, CaseIterable, Codable, Sendable {
    /// CLIPort's look: the UR5 arm, a directional light with shadows, CLIPort's table and object shading.
    case cliport
    /// The flat look: no arm, no shadows, objects in exactly their palette colour (cheapest to render).
    case plain
}
