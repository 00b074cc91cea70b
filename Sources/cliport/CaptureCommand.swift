import ArgumentParser
import Capture
import Foundation
import Sim
import Trainer

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Record operator demonstrations by clicking pick and place on a live top-down view in the browser.",
        discussion: """
        Serves a web page (http://HOST:PORT/) showing the top-down heightmap fused from the camera(s). Click the pick \
        point, click the place point, turn the place rotation (wheel or drag), confirm: the robot acts, the next view is \
        captured and the step is journaled. Each finished episode is written at once to <out>/episode-NNNNNN.hdf5 \
        (atomic, fsynced); after a crash the episode in progress resumes. See docs/capture.md.

        --source sim --robot sim
            the simulator (testing, demos)
        --source folder:DIR --robot tcp:HOST:PORT
            a camera driver writing PNGs to DIR, a robot controller over TCP
        --source folder:DIR --robot manual
            move the objects by hand and click "Captured"
        """)

    @Option(help: "sim, or folder:DIR (colour PNG, 16-bit depth PNG and calibration.json written by a camera driver).")
    var source: String
    @Option(help: "sim, tcp:HOST:PORT (JSON lines to a robot controller) or manual.") var robot: String
    @Option(help: "Folder for the episode files.") var out: String
    @Option(help: "Task name stored with the episodes (the simulated task with --source sim).") var task: String?
    @Option(parsing: .unconditional, help: "Port of the web page (0: any free port).") var port: Int = 8080
    @Option(help: "Address to listen on; keep 127.0.0.1 unless the page must be reached from another machine.")
    var host: String = "127.0.0.1"
    @Option(help: "Seconds to wait for the robot controller's reply.") var robotTimeout: Double = 30
    @Option(help: "Seconds after which a camera folder's frames count as stopped.") var staleAfter: Double = 5
    @Option(help: "A checkpoint written by `cliport train` (RUN/checkpoints/…hdf5): the agent's proposed pick and place are drawn on every view.")
    var checkpoint: String?
    @Option(help: "The table volume the heightmap covers, x0,x1,y0,y1,z0,z1 in metres (robot base frame), stored with every episode; each side a whole number of 3.125 mm pixels. Default CLIPort's 0.25,0.75,-0.5,0.5,0,0.28 (320x160).")
    var workspace: String?
    @Flag(help: "Also record a pick rotation (parallel-jaw grippers): a drag from the pick point sets the gripper's angle.")
    var pickRotation = false
    @OptionGroup var look: SceneLookOptions

    func validate() throws {
        try requireOption("--port", port, in: 0...65535)
        for (option, seconds) in [("--robot-timeout", robotTimeout), ("--stale-after", staleAfter)] where !(seconds > 0 && seconds <= 86_400) {
            throw ValidationError("\(option) must be above 0 and at most 86400 seconds (got \(seconds))")
        }
    }

    func run() throws {
        try reportingErrors {
            if let checkpoint { _ = try TrainingCheckpoint.info(checkpoint) }  // a bad path fails here, before serving
            let makeProposer: (@Sendable () throws -> any ActionProposer)? = checkpoint.map { path in { try AgentActionProposer(checkpoint: path) } }
            var setup = CaptureSetup(source: try CaptureSetup.parseSource(source), robot: try CaptureSetup.parseRobot(robot), out: out,
                                     task: task, robotTimeout: robotTimeout, staleAfter: staleAfter, makeProposer: makeProposer,
                                     look: look.look)
            if let workspace { setup.workspace = try CaptureSetup.parseWorkspace(workspace) }
            setup.pickRotation = pickRotation
            try setup.validate()
            // Recording works at any size; training the CLIP agents later needs sides that are multiples of 32.
            if (try? AgentModel.cliport.checkImageSize(rows: setup.workspace.rows, cols: setup.workspace.cols, cropSize: 64)) == nil {
                print("capture: note: the \(setup.workspace.rows)x\(setup.workspace.cols) heightmap of this --workspace trains only the agents "
                    + "without a CLIP stream (transporter, ...); the CLIP agents need rows and columns that are multiples of 32")
            }
            let service = try CaptureService(makeSession: setup.makeSession)
            let server = CaptureServer(service: service, host: host, port: port)
            let bound = try server.start()
            let state = service.state
            print("capture: open \(server.pageURLs(port: bound).joined(separator: " or "))  (camera: \(state.camera); robot: \(state.robot))")
            print("capture: episodes go to \(out)/episode-NNNNNN.hdf5; \(state.message)")
            if let error = state.error { print("capture: \(error)") }
            print("capture: press Ctrl-C to stop (the episode in progress is journaled and resumes next time)")
            fflush(stdout)
            while true { sleep(3600) }
        }
    }
}
