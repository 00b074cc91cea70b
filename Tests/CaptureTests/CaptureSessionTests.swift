@testable import Capture
import Dataset
import Foundation
import Geometry
import HDF5
import Sim
import TestSupport
import XCTest

/// The session without a browser: resuming after a crash, undo, the journal's format, the click-to-pose
/// mapping, calibration parsing and the command-line device specs.
final class CaptureSessionTests: XCTestCase {
    override func tearDown() {
        folders.removeAll()
    }

    let folders = TemporaryFolders(prefix: "cliport-capture")

    func temporaryFolder(_ name: String) -> String { folders.make(name) }

    func testAStoppedServerResumesTheJournaledEpisodeAndUndoReplaysTheSimulator() throws {
        let out = temporaryFolder("resume")
        let setup = CaptureSetup(source: .sim, robot: .sim, out: out)
        var service: CaptureService? = try CaptureService(makeSession: setup.makeSession)
        let first = service!.state
        let block = first.objects.first { $0.name == "block0" }!, bowl = first.objects.first { $0.name == "bowl0" }!
        let click = ClickedAction(pick: Pixel(row: block.row, col: block.col), place: Pixel(row: bowl.row, col: bowl.col), rotationBin: 0)
        let afterStep = try service!.performBlocking { session -> Heightmap in
            try session.record(click, view: session.view, instruction: "put the blocks in a bowl")
            return session.current!.heightmap
        }
        // "Crash": the service goes away without ending the episode.
        service!.shutdown()
        service = nil

        let resumed = try CaptureService(makeSession: setup.makeSession)
        defer { resumed.shutdown() }
        XCTAssertNil(resumed.state.error)
        XCTAssertTrue(resumed.state.viewOK)
        XCTAssertTrue(resumed.state.resumed)
        XCTAssertEqual(resumed.state.episode, 0)
        XCTAssertEqual(resumed.state.steps.count, 1)
        XCTAssertEqual(resumed.state.steps[0].pick, .init(row: block.row, col: block.col))
        XCTAssertEqual(resumed.state.steps[0].instruction, "put the blocks in a bowl")
        // The simulator was reset to the seed and the step replayed: the view is the one after the step.
        let replayed = try resumed.performBlocking { $0.current?.heightmap }
        XCTAssertTrue(replayed == afterStep, "the replayed view equals the view after the step")

        try resumed.performBlocking { try $0.undo() }
        XCTAssertEqual(resumed.state.steps.count, 0)
        XCTAssertThrowsError(try resumed.performBlocking { try $0.undo() }) {
            XCTAssertEqual($0 as? CaptureError, .nothingToUndo)
        }
        XCTAssertThrowsError(try resumed.performBlocking { try $0.endEpisode() }) {
            XCTAssertEqual($0 as? CaptureError, .emptyEpisode)
        }
        let journal = (out as NSString).appendingPathComponent(".capture/journal")
        XCTAssertFalse(FileManager.default.fileExists(atPath: (journal as NSString).appendingPathComponent("step-0000.step")))
    }

    func testAFailedSimulatedEpisodeIsNotSavedAndTheFolderPassesDatasetCheck() throws {
        let out = temporaryFolder("failed")
        let service = try CaptureService(makeSession: CaptureSetup(source: .sim, robot: .sim, out: out).makeSession)
        defer { service.shutdown() }
        func pixel(_ name: String) throws -> Pixel {
            let marker = try XCTUnwrap(service.state.objects.first { $0.name == name }, name)
            return Pixel(row: marker.row, col: marker.col)
        }
        // Episode 0 succeeds: block i into bowl i (the task has at least as many bowls as blocks).
        let blocks = service.state.objects.map(\.name).filter { $0.hasPrefix("block") }
        XCTAssertFalse(blocks.isEmpty)
        for (i, block) in blocks.enumerated() {
            let click = ClickedAction(pick: try pixel(block), place: try pixel("bowl\(i)"), rotationBin: 0)
            _ = try service.performBlocking { try $0.record(click, view: $0.view, instruction: "put the blocks in a bowl") }
        }
        XCTAssertEqual(service.state.steps.map(\.reward).reduce(0, +), 1, accuracy: 1e-9)
        _ = try service.performBlocking { try $0.endEpisode() }

        // Episode 1 fails: the block is put back where it was. Ending it is refused and keeps the step.
        XCTAssertEqual(service.state.episode, 1)
        let block = try pixel("block0")
        _ = try service.performBlocking { try $0.record(ClickedAction(pick: block, place: block, rotationBin: 0), view: $0.view, instruction: "put it down") }
        XCTAssertEqual(service.state.steps.map(\.reward), [0])
        XCTAssertThrowsError(try service.performBlocking { try $0.endEpisode() }) {
            XCTAssertEqual($0 as? CaptureError, .unsuccessfulEpisode(totalReward: 0))
            XCTAssertTrue("\($0)".contains("is not saved"), "\($0)")
            XCTAssertEqual(($0 as? CaptureError)?.httpStatus, 400)
        }
        XCTAssertEqual(service.state.steps.count, 1, "the step is kept for undo or more steps")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/.capture/journal/step-0000.step"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".hdf5") }, ["episode-000000.hdf5"])

        // What `cliport dataset check` runs: the folder is a valid dataset of the one successful episode.
        let report = DatasetChecker.check(out, deep: true)
        XCTAssertEqual(report.problems.map { "\($0.file): \($0.problem)" }, [])
        XCTAssertEqual(report.episodes, 1)

        // Discarding re-records episode 1 from its start.
        try service.performBlocking { try $0.discard() }
        XCTAssertEqual(service.state.episode, 1)
        XCTAssertEqual(service.state.steps.count, 0)
    }

    /// A click names its view: a live refresh in between does not invalidate it (the robot has not moved),
    /// the step records the picture clicked on; once the robot acts, views before it are refused.
    func testAClickOnAnEarlierViewOfTheSameSceneIsAcceptedUntilTheRobotMoves() throws {
        let out = temporaryFolder("views")
        let service = try CaptureService(makeSession: CaptureSetup(source: .sim, robot: .sim, out: out).makeSession)
        defer { service.shutdown() }
        let state = service.state
        let block = state.objects.first { $0.name == "block0" }!, bowl = state.objects.first { $0.name == "bowl0" }!
        let click = ClickedAction(pick: Pixel(row: block.row, col: block.col), place: Pixel(row: bowl.row, col: bowl.col), rotationBin: 0)
        let clicked = state.view
        let (clickedMap, refreshed) = try service.performBlocking { s -> (Heightmap, Int) in
            let map = s.current!.heightmap
            XCTAssertTrue(s.refresh()); XCTAssertTrue(s.refresh())
            return (map, s.view)
        }
        XCTAssertEqual(refreshed, clicked + 2)
        let preview = try service.performBlocking { try $0.preview(click, view: clicked) }
        XCTAssertEqual(preview.pick.position.z, Double(clickedMap.height(at: click.pick)), accuracy: 1e-9)
        try service.performBlocking { try $0.record(click, view: clicked, instruction: "put the blue block in the yellow bowl") }
        XCTAssertEqual(service.state.steps.count, 1)
        let recorded = try service.performBlocking { $0.steps[0].observation.heightmap }
        XCTAssertTrue(recorded == clickedMap, "the step records the picture that was clicked on")
        // The robot moved: the views before the step no longer show the scene.
        XCTAssertThrowsError(try service.performBlocking { try $0.preview(click, view: refreshed) }) {
            XCTAssertEqual($0 as? CaptureError, .viewChanged(clicked: refreshed, current: refreshed + 1))
        }
    }

    /// `--workspace`: the heightmap follows the bounds, the episode stores them, the loader serves that size,
    /// and a folder recorded with other bounds is refused with one message.
    func testAConfiguredWorkspaceIsStoredLoadedAndKeptPerFolder() throws {
        XCTAssertEqual(try CaptureSetup.parseWorkspace("0.25,0.75,-0.5,0.5,0,0.28"), .cliport)
        for bad in ["0.25,0.75,-0.5,0.5,0", "0.75,0.25,-0.5,0.5,0,0.28", "0.25,0.751,-0.5,0.5,0,0.28", "a,b,c,d,e,f"] {
            XCTAssertThrowsError(try CaptureSetup.parseWorkspace(bad)) { XCTAssertTrue("\($0)".contains("--workspace"), "\($0)") }
        }
        XCTAssertThrowsError(try CaptureSetup.parseWorkspace("0.25,0.751,-0.5,0.5,0,0.28")) {
            XCTAssertTrue("\($0)".contains("e.g. x1 = 0.75"), "the message suggests a bound on the pixel grid: \($0)")
        }
        let narrow = try CaptureSetup.parseWorkspace("0.25,0.75,-0.3,0.3,0,0.28")
        XCTAssertEqual(narrow.rows, 192); XCTAssertEqual(narrow.cols, 160)

        let out = temporaryFolder("workspace")
        var setup = CaptureSetup(source: .sim, robot: .sim, out: out)
        setup.workspace = narrow
        let service = try CaptureService(makeSession: setup.makeSession)
        XCTAssertEqual(service.state.rows, 192)
        XCTAssertEqual(service.state.bounds[1], [-0.3, 0.3])
        let pixel = Pixel(row: 100, col: 80)
        let click = ClickedAction(pick: pixel, place: Pixel(row: 120, col: 90), rotationBin: 0)
        let pose = try service.performBlocking { try $0.preview(click, view: $0.view) }
        XCTAssertEqual(pose.pick.position.y, -0.3 + 100 * 0.003125, accuracy: 1e-12, "pixels map through the configured bounds")
        try service.performBlocking { try $0.record(click, view: $0.view, instruction: "move it") }
        // The simulator judges this episode unfinished: it is set apart, with the configured header.
        let path = try service.performBlocking { try $0.endEpisode(outcome: .failure) }
        service.shutdown()
        let header = try XCTUnwrap(DatasetReader(path: path).headers.first)
        XCTAssertEqual(header.workspace, narrow)
        let listed = try TaskDataset(path: (out as NSString).appendingPathComponent("failed"))
        XCTAssertEqual([listed.heightmapSize.rows, listed.heightmapSize.cols], [192, 160], "the loader serves the configured size")

        // A folder whose episodes have other bounds is refused before anything is recorded.
        let folder = (out as NSString).appendingPathComponent("failed")
        XCTAssertThrowsError(try CaptureService(makeSession: CaptureSetup(source: .sim, robot: .sim, out: folder).makeSession)) {
            XCTAssertTrue("\($0)".contains("was recorded with --workspace 0.25,0.75,-0.3,0.3,0,0.28 (a 192x160 heightmap)"), "\($0)")
        }
    }

    func testJournalStepRoundTripsExactly() throws {
        let frame = RGBDFrame(width: 3, height: 2, color: Array(0..<18), depth: [0, 0.5, 1.25, 2, 3.5, 0.001])
        var heightmap = Heightmap(rows: 2, cols: 2)
        heightmap.height = [0, 0.04, 0.1234567, 0.28]
        heightmap.color = Array(100..<112)
        let pick = Pose(position: SIMD3(0.5, -0.1, 0.04)), place = Pose(position: SIMD3(0.6, 0.2, 0.01), rotation: Quaternion(yaw: -0.5))
        let step = StepRecord(observation: ObservationRecord(frames: [frame], heightmap: heightmap, objectPoses: [pick, place]),
                              action: ActionRecord(pickPose: pick, placePose: place, workspace: .cliport),
                              reward: 0.5, done: false, instruction: "put the red block in the blue bowl")
        let folder = temporaryFolder("journal")
        let journal = try EpisodeJournal(folder: folder)
        try journal.begin(.init(episode: 4, seed: 8, objectNames: ["a", "b"], started: "now"))
        try journal.append(step, index: 0)
        try journal.append(step, index: 1)
        journal.removeStep(1)
        let loaded = try XCTUnwrap(journal.load())
        XCTAssertEqual(loaded.header.episode, 4)
        XCTAssertEqual(loaded.header.objectNames, ["a", "b"])
        XCTAssertEqual(loaded.steps, [step])
        try journal.clear()
        XCTAssertNil(try journal.load())
        // A damaged step file is reported, not silently dropped.
        try journal.begin(.init(episode: 0, seed: 0, objectNames: [], started: "now"))
        try Data("junk".utf8).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("step-0000.step")))
        XCTAssertThrowsError(try journal.load()) { XCTAssertTrue("\($0)".contains("damaged"), "\($0)") }
    }

    func testClicksMapThroughTheHeightmapAndBadClicksAreRefused() throws {
        let w = Workspace.cliport
        var heightmap = Heightmap(rows: w.rows, cols: w.cols)
        heightmap.height[10 * w.cols + 20] = 0.04
        heightmap.height[300 * w.cols + 150] = 0.01
        let action = try ClickedAction(pick: Pixel(row: 10, col: 20), place: Pixel(row: 300, col: 150), rotationBin: 9)
            .poses(heightmap: heightmap, workspace: w, rotationBins: 36)
        XCTAssertEqual(action.pick.position.x, 0.25 + 20 * 0.003125, accuracy: 1e-12)
        XCTAssertEqual(action.pick.position.y, -0.5 + 10 * 0.003125, accuracy: 1e-12)
        XCTAssertEqual(action.pick.position.z, 0.04, accuracy: 1e-7)
        XCTAssertEqual(action.pick.rotation, .identity)
        XCTAssertEqual(action.place.position.x, 0.25 + 150 * 0.003125, accuracy: 1e-12)
        XCTAssertEqual(action.place.position.y, -0.5 + 300 * 0.003125, accuracy: 1e-12)
        XCTAssertEqual(action.place.rotation.yaw, -.pi / 2, accuracy: 1e-12, "bin 9 is -90 degrees")
        // The stored labels give back the clicked pixels and bin.
        let labels = ActionRecord(pickPose: action.pick, placePose: action.place, workspace: w)
        XCTAssertEqual(labels.pickPixel, Pixel(row: 10, col: 20))
        XCTAssertEqual(labels.placePixel, Pixel(row: 300, col: 150))
        XCTAssertEqual(labels.rotationBin, 9)

        for (pick, place, bin) in [(Pixel(row: -1, col: 0), Pixel(row: 0, col: 0), 0), (Pixel(row: 0, col: 0), Pixel(row: 0, col: 160), 0),
                                   (Pixel(row: 320, col: 0), Pixel(row: 0, col: 0), 0)] {
            XCTAssertThrowsError(try ClickedAction(pick: pick, place: place, rotationBin: bin).poses(heightmap: heightmap, workspace: w, rotationBins: 36)) {
                XCTAssertTrue("\($0)".contains("outside the workspace heightmap (320 rows x 160 columns)"), "\($0)")
            }
        }
        XCTAssertThrowsError(try ClickedAction(pick: Pixel(row: 0, col: 0), place: Pixel(row: 0, col: 0), rotationBin: 36)
            .poses(heightmap: heightmap, workspace: w, rotationBins: 36))
        // The guard in front of every robot refuses poses outside the bounds, and NaNs.
        let guardrail = WorkspaceGuard(workspace: w)
        XCTAssertThrowsError(try guardrail.check(Pose(position: SIMD3(0.8, 0, 0.1)), what: "pick")) {
            XCTAssertTrue("\($0)".contains("the robot is not commanded"), "\($0)")
        }
        XCTAssertThrowsError(try guardrail.check(Pose(position: SIMD3(0.5, 0, .nan)), what: "pick"))
        XCTAssertThrowsError(try guardrail.check(Pose(position: SIMD3(0.5, 0, 0.5)), what: "place"))
        XCTAssertNoThrow(try guardrail.check(Pose(position: SIMD3(0.75, 0.5, 0.28)), what: "place"))
    }

    func testCalibrationAcceptsAMatrixOrAQuaternionAndUndistortionWithZeroCoefficientsIsIdentity() throws {
        let camera = CameraConfig.realSenseD415[1]
        let fromPose = try CameraCalibration(camera: camera, depthScale: 0.001).cameraConfig(path: "test")
        XCTAssertEqual(fromPose.pose.position, camera.pose.position)
        var matrixOnly = CameraCalibration(camera: camera, depthScale: 0.001)
        matrixOnly.base_T_cam.position = nil
        matrixOnly.base_T_cam.orientation_xyzw = nil
        let fromMatrix = try matrixOnly.cameraConfig(path: "test").pose
        for axis in [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)] {
            let a = fromMatrix.rotation.rotate(axis), b = camera.pose.rotation.rotate(axis)
            XCTAssertEqual(((a - b) * (a - b)).sum(), 0, accuracy: 1e-20)
        }
        var bad = CameraCalibration(camera: camera, depthScale: 0)
        XCTAssertThrowsError(try bad.cameraConfig(path: "c.json")) { XCTAssertTrue("\($0)".contains("depth_scale"), "\($0)") }
        bad.depth_scale = 0.001
        bad.name = "../escape"
        XCTAssertThrowsError(try bad.cameraConfig(path: "c.json")) { XCTAssertTrue("\($0)".contains("camera name"), "\($0)") }

        var small = CameraCalibration(camera: camera, depthScale: 0.001)
        small.width = 4; small.height = 3; small.K = [2, 0, 1.5, 0, 2, 1, 0, 0, 1]
        let frame = RGBDFrame(width: 4, height: 3, color: Array(0..<36), depth: (0..<12).map { Float($0) })
        XCTAssertEqual(LensUndistortion(calibration: small).apply(frame), frame)
        small.distortion = [0.1, 0, 0, 0, 0]
        XCTAssertEqual(LensUndistortion(calibration: small).apply(frame).depth[5], frame.depth[5], "the principal point stays")
    }

    func testDeviceSpecsParseAndMismatchedPairsAreRefused() throws {
        XCTAssertEqual(try CaptureSetup.parseSource("sim"), .sim)
        XCTAssertEqual(try CaptureSetup.parseSource("folder:/data/cam"), .folder("/data/cam"))
        XCTAssertEqual(try CaptureSetup.parseRobot("tcp:192.168.1.10:5005"), .tcp(host: "192.168.1.10", port: 5005))
        XCTAssertEqual(try CaptureSetup.parseRobot("tcp:[::1]:80"), .tcp(host: "::1", port: 80))
        XCTAssertEqual(try CaptureSetup.parseRobot("manual"), .manual)
        XCTAssertThrowsError(try CaptureSetup.parseRobot("tcp:host"))
        XCTAssertThrowsError(try CaptureSetup.parseSource("webcam"))
        XCTAssertThrowsError(try CaptureSetup(source: .sim, robot: .manual, out: "/tmp/x").validate())
        XCTAssertThrowsError(try CaptureSetup(source: .folder("/x"), robot: .sim, out: "/tmp/x").validate())
        XCTAssertThrowsError(try CaptureSetup(source: .folder(temporaryFolder("empty")), robot: .manual, out: temporaryFolder("o")).makeSession()) {
            XCTAssertTrue("\($0)".contains("calibration.json"), "\($0)")
        }
    }
}
