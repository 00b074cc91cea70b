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
    /// The table volume the heightmap covers (`--workspace`; CLIPort's by default).
    public var workspace: Workspace = .cliport
    /// Record a pick rotation (`--pick-rotation`, parallel-jaw grippers).
    public var pickRotation = false

    public init(source: Source, robot: Robot, out: String, task: String? = nil, robotTimeout: Double = 30,
                staleAfter: Double = 5, makeProposer: (@Sendable () throws -> any ActionProposer)? = nil, look: SceneLook = .cliport) {
        self.source = source; self.robot = robot; self.out = out; self.task = task
        self.robotTimeout = robotTimeout; self.staleAfter = staleAfter; self.makeProposer = makeProposer
        self.look = look
    }

    /// `--workspace x0,x1,y0,y1,z0,z1` (metres, robot base frame) at CLIPort's pixel size (3.125 mm); each
    /// side must be a whole number of pixels.
    public static func parseWorkspace(_ text: String) throws -> Workspace {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        let pixel = Workspace.cliport.pixelSize
        guard values.count == 6, let v = values as? [Double], v.allSatisfy(\.isFinite), v[0] < v[1], v[2] < v[3], v[4] < v[5] else {
            throw CaptureError.invalidOption("--workspace '\(text)' is not x0,x1,y0,y1,z0,z1 in metres with x0 < x1, y0 < y1, z0 < z1 "
                + "(CLIPort's: \(describe(.cliport)))")
        }
        for (axis, lo, hi) in [("x", v[0], v[1]), ("y", v[2], v[3])] {
            let n = (hi - lo) / pixel
            guard abs(n - n.rounded()) < 1e-6, n.rounded() <= 4096 else {
                let suggested = lo + max(1, min(4096, n.rounded())) * pixel
                throw CaptureError.invalidOption("--workspace: the \(axis) side (\(hi - lo) m) is not a whole number of \(pixel * 1000) mm pixels "
                    + "(at most 4096); e.g. \(axis)1 = \(String(format: "%.6g", suggested))")
            }
        }
        return Workspace(xRange: v[0]...v[1], yRange: v[2]...v[3], zRange: v[4]...v[5], pixelSize: pixel)
    }

    /// A workspace as `--workspace` takes it.
    public static func describe(_ w: Workspace) -> String {
        [w.xRange.lowerBound, w.xRange.upperBound, w.yRange.lowerBound, w.yRange.upperBound, w.zRange.lowerBound, w.zRange.upperBound]
            .map { String(format: "%g", $0) }.joined(separator: ",")
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
        let configuration = CaptureConfiguration(outputFolder: out, task: taskName, workspace: workspace, pickRotation: pickRotation)
        let session = try CaptureSession(camera: camera, robot: robot, configuration: configuration, proposer: proposer)
        return session
    }
}
