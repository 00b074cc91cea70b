import Foundation
import Geometry
import Sim

/// `--source` and `--robot` as given on the command line, and the session they make.
public struct CaptureSetup: Sendable {
    public enum Source: Equatable, Sendable {
        case sim
        case folder(String)
    }

    public enum Robot: Equatable, Sendable {
        case sim
        case tcp(host: String, port: Int)
        case manual
    }

    public var source: Source
    public var robot: Robot
    public var out: String
    /// The task stored with each episode; for the simulator also the scene (default put-block-in-bowl-seen-colors).
    public var task: String?
    public var robotTimeout: Double
    public var staleAfter: Double
    /// Makes the agent whose proposals the page draws (`--checkpoint`); called once per session, on the
    /// session's thread. The capture module knows no agents: the command line builds one from a checkpoint.
    public var makeProposer: (@Sendable () throws -> any ActionProposer)?
    /// How the simulator draws its scenes with `--source sim` (`--look`).
    public var look: SceneLook

    public init(source: Source, robot: Robot, out: String, task: String? = nil, robotTimeout: Double = 30,
                staleAfter: Double = 5, makeProposer: (@Sendable () throws -> any ActionProposer)? = nil, look: SceneLook = .cliport) {
        self.source = source; self.robot = robot; self.out = out; self.task = task
        self.robotTimeout = robotTimeout; self.staleAfter = staleAfter; self.makeProposer = makeProposer
        self.look = look
    }

    public static let defaultSimTask = "put-block-in-bowl-seen-colors"
    public static let defaultRealTask = "operator-pick-place"

    public static func parseSource(_ text: String) throws -> Source {
        if text == "sim" { return .sim }
        if text.hasPrefix("folder:"), text.count > "folder:".count { return .folder(String(text.dropFirst("folder:".count))) }
        throw CaptureError.invalidOption("--source '\(text)' is not sim or folder:DIR (a folder a camera driver writes PNG frames and calibration.json to)")
    }

    public static func parseRobot(_ text: String) throws -> Robot {
        if text == "sim" { return .sim }
        if text == "manual" { return .manual }
        if text.hasPrefix("tcp:") {
            let rest = text.dropFirst(4)
            if let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port),
               colon > rest.startIndex {
                var host = String(rest[..<colon])
                if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                return .tcp(host: host, port: port)
            }
        }
        throw CaptureError.invalidOption("--robot '\(text)' is not sim, manual or tcp:HOST:PORT (e.g. tcp:192.168.1.10:5005)")
    }

    /// Checks the combination before anything is opened.
    public func validate() throws {
        switch (source, robot) {
        case (.sim, .sim), (.folder, .tcp), (.folder, .manual): break
        case (.sim, _):
            throw CaptureError.invalidOption("--source sim needs --robot sim (the simulated cameras see only the simulated robot's world)")
        case (.folder, .sim):
            throw CaptureError.invalidOption("--robot sim needs --source sim (a real camera cannot see the simulator)")
        }
        guard robotTimeout > 0, staleAfter > 0 else { throw CaptureError.invalidOption("--robot-timeout and --stale-after must be positive") }
    }

    /// Makes the devices and the session. Call on the session thread (the simulator's GL context lives there).
    public func makeSession() throws -> CaptureSession {
        try validate()
        let camera: any CameraSource
        let robot: any RobotClient
        let taskName: String
        switch source {
        case .sim:
            let simTask = try TaskRegistry.task(named: task ?? Self.defaultSimTask)
            let world = try SimulatorWorld(task: simTask, look: look)
            camera = SimulatorCamera(world: world)
            robot = SimulatorRobot(world: world)
            taskName = simTask.name
        case let .folder(folder):
            camera = try FolderCameraSource(folder: folder, staleAfter: staleAfter)
            switch self.robot {
            case let .tcp(host, port): robot = TCPRobotClient(host: host, port: port, timeout: robotTimeout)
            default: robot = ManualRobot()
            }
            taskName = task ?? Self.defaultRealTask
        }
        let proposer = try makeProposer?()
        let session = try CaptureSession(camera: camera, robot: robot, configuration: CaptureConfiguration(outputFolder: out, task: taskName),
                                         proposer: proposer)
        return session
    }
}
