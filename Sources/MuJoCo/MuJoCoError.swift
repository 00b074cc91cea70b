/// Everything that can go wrong in the MuJoCo wrapper, with what to do about it.
public enum MuJoCoError: Error, CustomStringConvertible, Equatable {
    case modelLoad(String)
    case unknownName(kind: String, name: String)
    case notAFreeBody(String)
    case notAMocapBody(String)
    case notAWeld(String)
    case unstable(step: Int, warning: String)
    case egl(String)
    case renderer(String)

    public var description: String {
        switch self {
        case .modelLoad(let m):
            return "MuJoCo could not compile the MJCF model: \(m). Fix the generated XML (the message names the element)."
        case .unknownName(let kind, let name):
            return "MuJoCo model has no \(kind) named '\(name)'. Check the name against the generated MJCF."
        case .notAFreeBody(let n):
            return "body '\(n)' has no free joint, so its pose cannot be set or read as qpos. Give it a <freejoint/> in the MJCF."
        case .notAMocapBody(let n):
            return "body '\(n)' is not a mocap body. Declare it with mocap=\"true\" in the MJCF."
        case .notAWeld(let n):
            return "equality '\(n)' is not a weld constraint. Declare it as <weld body1=... body2=.../>."
        case .unstable(let step, let w):
            return "MuJoCo simulation failed at step \(step) (\(w)). For bad qacc/qpos/qvel: lower the timestep or check for interpenetrating objects at reset; for a full contact or constraint list: raise <size nconmax njmax>."
        case .egl(let m):
            return "EGL (headless OpenGL) failed: \(m). Install libegl-mesa0 (make setup); no display is needed."
        case .renderer(let m):
            return "MuJoCo offscreen rendering failed: \(m)."
        }
    }
}
