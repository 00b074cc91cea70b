/// Failures of the simulator and its tasks. Each message names the problem and what to do.
public enum SimError: Error, CustomStringConvertible, Equatable {
    case unknownObject(String)
    case neverSettled(steps: Int, movingObject: String, speed: Double)
    case noFreeSpace(object: String, placed: Int)
    case objectNotVisible(String)
    case unknownTask(String, known: [String])
    case noEpisode
    case episodeOver
    case duplicateObjectName(String)
    case badMesh(name: String, detail: String)

    public var description: String {
        switch self {
        case .unknownObject(let n):
            return "the scene has no object named '\(n)'. Use a name from Scene.objects."
        case .neverSettled(let steps, let o, let v):
            return "objects never came to rest after \(steps) physics steps ('\(o)' still moves at \(String(format: "%.4f", v)) m/s, limit 0.005). The scene is probably interpenetrating or unstable; the episode is dropped."
        case .noFreeSpace(let o, let placed):
            return "no free space on the table for '\(o)' after placing \(placed) objects. Use fewer or smaller objects; the episode is dropped instead of looping."
        case .objectNotVisible(let o):
            return "the oracle cannot see '\(o)' from above (fully occluded), so it has no pixel to pick; the demonstration is abandoned (CLIPort: 'Object for pick is not visible')."
        case .unknownTask(let n, let known):
            return "unknown task '\(n)'. Known tasks: \(known.joined(separator: ", "))."
        case .noEpisode:
            return "no episode is running. Call Environment.reset(task:seed:split:) first."
        case .episodeOver:
            return "the episode is over (done). Call Environment.reset(task:seed:split:) to start another."
        case .duplicateObjectName(let n):
            return "two scene objects are named '\(n)'. Give every object a unique name."
        case .badMesh(let n, let detail):
            return "the mesh of '\(n)' cannot be read (\(detail)). Use a Wavefront OBJ file with 'v' vertex and 'f' face lines."
        }
    }
}
