@testable import Capture
import Dataset
import Foundation
import Geometry
import HDF5
import Sim
import TestSupport
import XCTest

/// The capture page in a real headless Chromium against real devices: the simulator's cameras and robot,
/// a camera folder fed with rendered frames, and a real TCP robot controller.
final class CaptureBrowserTests: XCTestCase {
    var server: CaptureServer?
    var service: CaptureService?
    var browser: HeadlessChromium?

    override func tearDown() {
        browser?.quit()
        server?.stop()
        service?.shutdown()
        browser = nil; server = nil; service = nil
        folders.removeAll()
    }

    let folders = TemporaryFolders(prefix: "cliport-capture")

    func temporaryFolder(_ name: String) -> String { folders.make(name) }

    /// Starts the server for `makeSession` and opens the page in Chromium (live refresh off so clicks
    /// land on a fixed view). Skips with a clear message when Chromium is missing.
    func open(query: String = "live=0", _ makeSession: @escaping () throws -> CaptureSession) throws -> (HeadlessChromium, Int) {
        guard HeadlessChromium.executable != nil else {
            throw XCTSkip("chromium is not installed: the browser tests need it (apt-get install chromium)")
        }
        let service = try CaptureService(makeSession: makeSession)
        self.service = service
        let server = CaptureServer(service: service, host: "127.0.0.1", port: 0)
        self.server = server
        let port = try server.start()
        let browser = try HeadlessChromium(url: "http://127.0.0.1:\(port)/?\(query)")
        self.browser = browser
        try browser.waitFor("!!(window.capture && window.capture.S.view > 0 && window.capture.S.colors && window.capture.S.camerasView === window.capture.S.view && document.getElementById('devices').textContent)", what: "the first view")
        return (browser, port)
    }

    /// Page coordinates of the centre of heightmap cell `p` on the canvas.
    func point(of p: Pixel, in browser: HeadlessChromium) throws -> (Double, Double) {
        let rect = try browser.evaluate("(() => { const r = document.getElementById('view').getBoundingClientRect(); return [r.left, r.top, window.capture.SCALE, window.capture.MARGIN]; })()") as! [Double]
        return (rect[0] + rect[3] + (Double(p.col) + 0.5) * rect[2], rect[1] + rect[3] + (Double(p.row) + 0.5) * rect[2])
    }

    func clickCell(_ p: Pixel, _ browser: HeadlessChromium) throws {
        let (x, y) = try point(of: p, in: browser)
        try browser.click(x: x, y: y)
    }

    func pageMessage(_ browser: HeadlessChromium) -> String {
        ((try? browser.evaluate("document.getElementById('message').textContent")) as? String) ?? ""
    }

    /// `CAPTURE_SCREENSHOT=docs/capture-screenshot.png` takes the page's screenshots for the docs; `suffix`
    /// names the others (docs/capture-screenshot-end.png, ...).
    func screenshot(_ browser: HeadlessChromium, suffix: String = "") throws {
        guard let main = ProcessInfo.processInfo.environment["CAPTURE_SCREENSHOT"] else { return }
        let path = suffix.isEmpty ? main : (main as NSString).deletingPathExtension + "-" + suffix + ".png"
        try browser.screenshot(to: path)
    }

    /// Ends the episode through the page's dialog: `E` opens it, `Y` (success) or `N` (failure) answers.
    func endEpisode(_ browser: HeadlessChromium, success: Bool = true) throws {
        try browser.press(key: "e")
        try browser.waitFor("window.capture.S.dialog === true && getComputedStyle(document.getElementById('dialog')).display !== 'none'", what: "the end dialog")
        try browser.press(key: success ? "y" : "n")
    }

    func waitForFile(_ path: String, timeout: Double = 120) {
        let deadline = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: path), Date() < deadline { usleep(100_000) }
    }

    // MARK: -

    func testClickedPickAndPlaceLandInHDF5AsThePixelsMappedThroughTheHeightmap() throws {
        let out = temporaryFolder("sim")
        let (browser, _) = try open { try CaptureSetup(source: .sim, robot: .sim, out: out).makeSession() }
        let state = service!.state
        XCTAssertEqual(state.task, "put-block-in-bowl-seen-colors")
        XCTAssertEqual(state.seed, 0)
        let block = try XCTUnwrap(state.objects.first { $0.name == "block0" })
        let bowl = try XCTUnwrap(state.objects.first { $0.name == "bowl0" })
        let pick = Pixel(row: block.row, col: block.col), place = Pixel(row: bowl.row, col: bowl.col)

        try clickCell(pick, browser)
        try clickCell(place, browser)
        // Three wheel notches turn the place rotation to bin 3 (place yaw -30 degrees).
        let (px, py) = try point(of: place, in: browser)
        for _ in 0..<3 { try browser.call("Input.dispatchMouseEvent", ["type": "mouseWheel", "x": px, "y": py, "deltaX": 0, "deltaY": 100]) }
        try browser.waitFor("window.capture.S.bin === 3 && !!window.capture.S.poses && window.capture.S.poses.place.yawDegrees < -29", what: "the pose preview")
        let shownPoses = try XCTUnwrap(browser.evaluate("document.getElementById('poses').textContent") as? String)
        XCTAssertTrue(shownPoses.contains("yaw -30 deg"), shownPoses)
        // The three cameras' colour and depth images beside the heightmap, with the depth scale.
        try browser.waitFor("window.capture.S.camerasView === window.capture.S.view && !!document.getElementById('camDepth2')", what: "the camera images")
        XCTAssertEqual(try browser.evaluate("document.getElementById('cameras').dataset.names") as? String, "front,left,right")
        // The front camera's image centre is the table (colour, not black) at 0.5..1.2 m, drawn from the ramp.
        let centre = try XCTUnwrap(browser.evaluate("""
            (() => { const c = document.getElementById('camColor0'), d = document.getElementById('camDepth0');
              const x = Math.floor(c.width / 2), y = Math.floor(c.height / 2);
              const p = c.getContext('2d').getImageData(x, y, 1, 1).data;
              const q = d.getContext('2d').getImageData(x, y, 1, 1).data;
              const cam = window.capture.S.cameras[0];
              return [p[0] + p[1] + p[2], q[0], q[1], q[2], cam.depth[y * cam.width + x], cam.width, cam.height]; })()
            """) as? [Double])
        XCTAssertGreaterThan(centre[0], 60, "the colour image shows the scene")
        XCTAssertEqual(centre[5], 213); XCTAssertEqual(centre[6], 160)  // 640 x 480 downsampled by 3
        XCTAssertGreaterThan(centre[4], 0.5); XCTAssertLessThan(centre[4], 1.2)
        let range = try XCTUnwrap(browser.evaluate("window.capture.S.depthRange") as? [Double])
        let expectedRamp = try XCTUnwrap(browser.evaluate("ramp((\(centre[4]) - \(range[0])) / (\(range[1]) - \(range[0])))") as? [Double])
        for k in 0..<3 { XCTAssertEqual(centre[1 + k], expectedRamp[k], accuracy: 1, "the depth pixel is the scale's colour for its depth") }
        let scale = try XCTUnwrap(browser.evaluate("document.getElementById('depthScaleText').textContent") as? String)
        XCTAssertTrue(scale.contains("m (near)") && scale.contains("m (far)"), scale)
        try screenshot(browser)

        let instruction = try XCTUnwrap(browser.evaluate("document.getElementById('instruction').value") as? String)
        XCTAssertEqual(instruction, service!.state.goal, "the field starts with the simulated task's goal")
        XCTAssertTrue(instruction.hasPrefix("put the "), "the simulator's instruction is suggested: \(instruction)")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 1 && !window.capture.S.busy", what: "the recorded step")
        XCTAssertTrue(pageMessage(browser).contains("step 1 recorded"), pageMessage(browser))
        let reward = service!.state.steps.first?.reward ?? 0
        XCTAssertGreaterThan(reward, 0, "the block landed in the bowl")
        // The scene (seed 0) has a second block: ending now is refused, as a failed episode is not saved, and
        // the step is kept. The second block into the second bowl completes the task.
        // E only asks: no request is sent; Enter does not answer the dialog, Escape closes it.
        try browser.press(key: "e")
        try browser.waitFor("window.capture.S.dialog === true", what: "the end dialog")
        let question = try XCTUnwrap(browser.evaluate("document.getElementById('dialogText').textContent") as? String)
        XCTAssertTrue(question.contains("scores it 0.50 of 1"), question)
        try browser.press(key: "Enter")
        try browser.press(key: "Escape")
        try browser.waitFor("window.capture.S.dialog === false && getComputedStyle(document.getElementById('dialog')).display === 'none'", what: "the closed dialog")
        XCTAssertEqual(service!.state.steps.count, 1, "the dialog sent nothing")
        XCTAssertEqual(service!.state.episode, 0)
        try endEpisode(browser)
        try browser.waitFor("document.getElementById('message').textContent.includes('is not saved')", what: "the refused end")
        XCTAssertEqual(service!.state.steps.count, 1)
        let viewAfterStep = service!.state.view
        try browser.waitFor("window.capture.S.view === \(viewAfterStep) && !!window.capture.S.colors", what: "the view after step 1")
        let block1 = try XCTUnwrap(service!.state.objects.first { $0.name == "block1" })
        let bowl1 = try XCTUnwrap(service!.state.objects.first { $0.name == "bowl1" })
        try clickCell(Pixel(row: block1.row, col: block1.col), browser)
        try clickCell(Pixel(row: bowl1.row, col: bowl1.col), browser)
        try browser.waitFor("!!window.capture.S.poses", what: "the second pose preview")
        // The operator types their own words for step 2 (what left episode 2 mislabelled before).
        _ = try browser.evaluate("document.getElementById('instruction').focus(); document.getElementById('instruction').select(); true")
        try browser.type("done placing blocks in bowls.")
        _ = try browser.evaluate("document.getElementById('instruction').blur(); true")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 2 && !window.capture.S.busy", what: "the second step")
        XCTAssertEqual(service!.state.steps[1].instruction, "done placing blocks in bowls.")
        let reward2 = service!.state.steps[1].reward
        XCTAssertEqual(reward + reward2, 1, accuracy: 1e-9, "both blocks are in bowls")
        // Saving shows its stages (each held 0.4 s here so the page's 0.2 s polling sees them) and ends with
        // the count of episodes saved so far.
        try service!.performBlocking { session in
            let report = session.progress
            session.progress = { report?($0); usleep(400_000) }
        }
        _ = try browser.evaluate("""
            window.progressSeen = []; (function watch() { const t = document.getElementById('progressText').textContent;
              if (t && !window.progressSeen.includes(t.replace(/ \\.\\.\\. [0-9.]+ s$/, ''))) window.progressSeen.push(t.replace(/ \\.\\.\\. [0-9.]+ s$/, ''));
              setTimeout(watch, 50); })(); true
            """)
        try browser.press(key: "e")
        try browser.waitFor("window.capture.S.dialog === true", what: "the end dialog")
        XCTAssertTrue((try browser.evaluate("document.getElementById('dialogText').textContent") as? String ?? "").contains("scores it 1.00 of 1 (success)"))
        try screenshot(browser, suffix: "end")
        try browser.press(key: "y")
        try browser.waitFor("document.getElementById('progressText').textContent.includes('writing the HDF5 file')", what: "the save progress")
        try screenshot(browser, suffix: "saving")
        let file = (out as NSString).appendingPathComponent("episode-000000.hdf5")
        waitForFile(file)
        try browser.waitFor("window.capture.S.state.episode === 1 && !window.capture.S.busy", what: "the next episode")
        try browser.waitFor("window.progressSeen.some((t) => t.startsWith('saved in'))", what: "the end of the save")
        let seen = try XCTUnwrap(browser.evaluate("window.progressSeen") as? [String])
        for stage in ["(1 of 4)", "(2 of 4)", "(3 of 4)", "(4 of 4)"] {
            XCTAssertTrue(seen.contains { $0.contains(stage) }, "the page showed stage \(stage): \(seen)")
        }
        XCTAssertTrue(seen.last?.hasPrefix("saved in ") == true, "\(seen)")
        XCTAssertTrue(pageMessage(browser).contains("1 episode saved this session, 1 in the folder"), pageMessage(browser))
        XCTAssertEqual(try browser.evaluate("document.getElementById('session').textContent") as? String,
                       "saved this session: 1 episode | in the folder: 1")
        // Episode 1 starts with its own goal, not the typed text of episode 0's last step.
        let episode1 = try XCTUnwrap(service!.state.goal)
        try browser.waitFor("document.getElementById('instruction').value === \(jsString(episode1))", what: "episode 1's goal in the field")

        let h5 = try HDF5File.open(file)
        let demo = try h5.group("data/demo_0")
        XCTAssertEqual(try demo.attributes.string("source"), "operator")
        XCTAssertEqual(try demo.attributes.int("num_samples"), 2)
        XCTAssertEqual(try demo.attributes.string("instruction"), instruction)
        XCTAssertEqual(try demo.attributes.int("success"), 1)
        XCTAssertEqual(try h5.dataset("data/demo_0/rewards").read(as: Double.self), [reward, reward2])
        // Step 0 is the clicked one with the turned rotation.
        let actions = Array(try h5.dataset("data/demo_0/actions").read(as: Float.self).prefix(14))
        XCTAssertEqual(Array(try h5.dataset("data/demo_0/action_dict/pick_pixel").read(as: Int32.self).prefix(2)), [Int32(pick.row), Int32(pick.col)])
        XCTAssertEqual(Array(try h5.dataset("data/demo_0/action_dict/place_pixel").read(as: Int32.self).prefix(2)), [Int32(place.row), Int32(place.col)])
        XCTAssertEqual(Array(try h5.dataset("data/demo_0/action_dict/place_rotation_bin").read(as: Int32.self).prefix(1)), [3])
        let heights = try h5.dataset("data/demo_0/obs/heightmap_height").read(row: 0, as: Float.self)
        let w = Workspace.cliport
        func expected(_ p: Pixel) -> [Double] {
            [w.xRange.lowerBound + Double(p.col) * w.pixelSize, w.yRange.lowerBound + Double(p.row) * w.pixelSize,
             Double(heights[p.row * w.cols + p.col])]
        }
        let yaw = -30 * Double.pi / 180
        let want = expected(pick) + [0, 0, 0, 1] + expected(place) + [0, 0, sin(yaw / 2), cos(yaw / 2)]
        XCTAssertEqual(actions.count, 14)
        for (a, b) in zip(actions, want) { XCTAssertEqual(Double(a), b, accuracy: 1e-7) }  // float32 storage of the same numbers
        XCTAssertGreaterThan(heights[pick.row * w.cols + pick.col], 0.03, "the pick is on the 4 cm block's top")
        let calibration = try JSONDecoder().decode(CalibrationFile.self, from: Data(try demo.attributes.string("calibration").utf8))
        XCTAssertEqual(calibration.cameras.map(\.name), ["front", "left", "right"])
        XCTAssertEqual(calibration.cameras[0].K, [450, 0, 320, 0, 450, 240, 0, 0, 1])
        try h5.close()
        // The journal is cleared once the episode is durable.
        let journal = (out as NSString).appendingPathComponent(".capture/journal")
        XCTAssertFalse(((try? FileManager.default.contentsOfDirectory(atPath: journal)) ?? []).contains { $0.hasPrefix("step-") })
    }

    func testOutsideClickAndRobotTimeoutGetMessagesAndLoseNothing() throws {
        let out = temporaryFolder("tcp")
        let controller = try RobotController(replies: 1)
        let (browser, port) = try open {
            // One camera keeps this test quick; the heightmap geometry is the same.
            let world = try SimulatorWorld(task: try TaskRegistry.task(named: "put-block-in-bowl-seen-colors"),
                                           environment: try Environment(cameras: [CameraConfig.realSenseD415[0]]))
            // The TCP robot does not reset the simulator, so the scene is set up here, as an operator would.
            try world.start(seed: 0, replaying: [])
            return try CaptureSession(camera: SimulatorCamera(world: world),
                                      robot: TCPRobotClient(host: "127.0.0.1", port: controller.port, timeout: 1.5),
                                      configuration: CaptureConfiguration(outputFolder: out, task: "put-block-in-bowl-seen-colors"))
        }
        // A click in the margin around the heightmap is outside the workspace: the server refuses it.
        let rect = try browser.evaluate("(() => { const r = document.getElementById('view').getBoundingClientRect(); return [r.left, r.top]; })()") as! [Double]
        try browser.click(x: rect[0] + 6, y: rect[1] + 6)
        try browser.waitFor("document.getElementById('message').textContent.includes('outside the workspace')", what: "the outside-click message")
        XCTAssertTrue(pageMessage(browser).contains("click inside the table image"), pageMessage(browser))
        XCTAssertEqual(try browser.evaluate("window.capture.S.pick === null") as? Bool, true, "the bad click is dropped")

        // The server checks on its own too: a hand-made request with a bad pixel or without the page's header.
        let view = service!.state.view
        let bad = try post(port: port, "/api/step", ["view": view, "pick": ["row": 400, "col": 3], "place": ["row": 1, "col": 1],
                                                     "rotationBin": 0, "instruction": "x"])
        XCTAssertEqual(bad.status, 400)
        XCTAssertTrue(bad.text.contains("outside the workspace heightmap"), bad.text)
        let foreign = try post(port: port, "/api/end", [:], header: false)
        XCTAssertEqual(foreign.status, 400)
        XCTAssertTrue(foreign.text.contains("X-Cliport-Capture"), foreign.text)
        XCTAssertEqual(controller.received.count, 0, "nothing reached the robot")

        // Step 1: the controller replies. Step 2: it stays silent and the client times out.
        let state = service!.state
        let block = Pixel(row: state.objects.first { $0.name == "block0" }!.row, col: state.objects.first { $0.name == "block0" }!.col)
        let bowl = Pixel(row: state.objects.first { $0.name == "bowl0" }!.row, col: state.objects.first { $0.name == "bowl0" }!.col)
        try clickCell(block, browser)
        try clickCell(bowl, browser)
        try browser.waitFor("!!window.capture.S.poses", what: "the pose preview")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 1 && !window.capture.S.busy", what: "step 1")
        // The clicks name the view they were made on: wait until the page shows the view after step 1 (on a
        // loaded machine the step's reply can arrive before the new view has loaded).
        let viewAfterStep = service!.state.view
        try browser.waitFor("window.capture.S.view === \(viewAfterStep) && !!window.capture.S.colors", what: "the view after step 1")
        XCTAssertEqual(controller.received.count, 1)
        let sent = try XCTUnwrap(controller.received.first)
        XCTAssertEqual(sent["type"] as? String, "pick_place")
        let pickSent = try XCTUnwrap((sent["pick"] as? [String: Any])?["position"] as? [Double])
        XCTAssertEqual(pickSent[0], 0.25 + Double(block.col) * 0.003125, accuracy: 1e-9)
        XCTAssertEqual(pickSent[1], -0.5 + Double(block.row) * 0.003125, accuracy: 1e-9)

        try clickCell(block, browser)
        try clickCell(bowl, browser)
        try browser.waitFor("!!window.capture.S.poses", what: "the second pose preview")
        try browser.click(elementID: "confirm")
        try browser.waitFor("document.getElementById('message').textContent.includes('did not reply')", what: "the timeout message")
        XCTAssertTrue(pageMessage(browser).contains("the recorded steps are kept"), pageMessage(browser))
        XCTAssertEqual(service!.state.steps.count, 1, "the timed-out step is not recorded, the first one is kept")
        let journal = (out as NSString).appendingPathComponent(".capture/journal")
        XCTAssertTrue(FileManager.default.fileExists(atPath: (journal as NSString).appendingPathComponent("step-0000.step")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: (journal as NSString).appendingPathComponent("step-0001.step")))

        // Refresh, end: the episode holds the one confirmed step.
        try browser.press(key: "r")
        try browser.waitFor("window.capture.S.state.viewOK === true && !window.capture.S.busy", what: "the refreshed view")
        try endEpisode(browser)
        let file = (out as NSString).appendingPathComponent("episode-000000.hdf5")
        waitForFile(file)
        let h5 = try HDF5File.open(file)
        XCTAssertEqual(try h5.group("data/demo_0").attributes.int("num_samples"), 1)
        XCTAssertEqual(try h5.group("data/demo_0").attributes.int("seed"), -1, "a real robot's episode has no simulator seed")
        try h5.close()
    }

    func testCameraThatStopsSendingGetsAMessageAndTheStepsAreKept() throws {
        let out = temporaryFolder("folder")
        let cameraFolder = temporaryFolder("camera")
        // Feed the folder as a camera driver would, with the simulator's front camera (depth in millimetres).
        // Rendered on the shared session thread: the process's one OpenGL context lives there.
        let (front, rendered, blockPosition) = try SessionThread.shared.sync { () -> (CameraConfig, RGBDFrame, SIMD3<Double>) in
            let world = try SimulatorWorld(task: try TaskRegistry.task(named: "put-block-in-bowl-seen-colors"))
            try world.start(seed: 0, replaying: [])
            return (world.environment.cameras[0], try world.environment.observe().frames[0], world.environment.scene!.objects[0].pose.position)
        }
        // A driver's frame has holes (no depth) and dark objects: zero depth in one patch, black colour
        // (with depth) in another.
        var frame = rendered
        for v in 200..<250 { for u in 280..<360 { frame.depth[v * frame.width + u] = 0 } }
        for v in 300..<340 { for u in 280..<360 { for k in 0..<3 { frame.color[(v * frame.width + u) * 3 + k] = 0 } } }
        var calibration = CameraCalibration(camera: front, depthScale: 0.001)
        calibration.distortion = [0, 0, 0, 0, 0]
        try JSONEncoder().encode(CalibrationFile(cameras: [calibration]))
            .write(to: URL(fileURLWithPath: (cameraFolder as NSString).appendingPathComponent("calibration.json")))
        try FolderCameraSource.write(frame, camera: calibration, to: cameraFolder)
        let block = Workspace.cliport.pixel(of: blockPosition)

        let (browser, _) = try open {
            try CaptureSetup(source: .folder(cameraFolder), robot: .manual, out: out, task: "operator-pick-place", staleAfter: 30).makeSession()
        }
        XCTAssertEqual(try browser.evaluate("document.getElementById('confirm').textContent") as? String, "CapturedEnter")
        let state = service!.state
        XCTAssertTrue(state.objects.isEmpty, "a real camera knows no objects")
        XCTAssertNil(state.goal)
        XCTAssertEqual(try browser.evaluate("document.getElementById('instruction').value") as? String, "", "a real source has no goal to suggest")

        // Cells no camera saw are striped; cells seen black stay black.
        let (coverage, colors) = try service!.performBlocking { ($0.coverage!, $0.current!.heightmap.color) }
        let cols = Workspace.cliport.cols
        let unseen = try XCTUnwrap((0..<coverage.count).first { coverage[$0] == 0 && $0 / cols > 20 && $0 % cols > 20 && $0 % cols < cols - 20 })
        let dark = try XCTUnwrap((0..<coverage.count).first { coverage[$0] == 1 && colors[3 * $0] == 0 && colors[3 * $0 + 1] == 0 && colors[3 * $0 + 2] == 0 },
                                 "the black patch is seen")
        XCTAssertGreaterThan(coverage.filter { $0 == 0 }.count, 100, "the depth hole leaves cells unseen")
        func canvasPixel(_ cell: Int) throws -> [Double] {
            let (x, y) = try point(of: Pixel(row: cell / cols, col: cell % cols), in: browser)
            return try XCTUnwrap(browser.evaluate("""
                (() => { const r = document.getElementById('view').getBoundingClientRect();
                  return Array.from(document.getElementById('view').getContext('2d').getImageData(\(x) - r.left, \(y) - r.top, 1, 1).data).slice(0, 3); })()
                """) as? [Double])
        }
        let stripes = [[170.0, 60, 170], [60.0, 30, 60]]
        let unseenPixel = try canvasPixel(unseen)
        XCTAssertTrue(stripes.contains(unseenPixel), "an unseen cell is drawn striped: \(unseenPixel)")
        XCTAssertEqual(try canvasPixel(dark), [0, 0, 0], "a dark object the camera saw stays black")
        try browser.waitFor("!!document.getElementById('camDepth0')", what: "the camera image")
        let hole = try XCTUnwrap(browser.evaluate("""
            (() => { const d = document.getElementById('camDepth0'); return Array.from(d.getContext('2d').getImageData(Math.floor(300 / 3), Math.floor(220 / 3), 1, 1).data).slice(0, 3); })()
            """) as? [Double])
        XCTAssertEqual(hole, [0, 0, 0], "no depth is drawn black in the depth image")
        _ = try browser.evaluate("document.getElementById('instruction').value = 'put the block in the bowl'; true")
        try clickCell(Pixel(row: 160, col: 80), browser)
        try clickCell(Pixel(row: min(block.row, 319), col: min(block.col, 159)), browser)
        try browser.waitFor("!!window.capture.S.poses", what: "the pose preview")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 1 && !window.capture.S.busy", what: "the captured step")

        // The driver stops: its newest frames are a minute old.
        let old = Date().addingTimeInterval(-60)
        for path in [FolderCameraSource.colorPath(folder: cameraFolder, camera: "front"), FolderCameraSource.depthPath(folder: cameraFolder, camera: "front")] {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        }
        try browser.press(key: "r")
        try browser.waitFor("document.getElementById('message').textContent.includes('stopped sending')", what: "the stopped-camera message")
        XCTAssertTrue(pageMessage(browser).contains("camera front"), pageMessage(browser))
        try browser.waitFor("document.getElementById('device').textContent.includes('stopped sending')", what: "the device banner")
        XCTAssertEqual(service!.state.steps.count, 1, "the recorded step is kept")
        XCTAssertFalse(service!.state.viewOK)
        // Ending now is refused (no final view) and keeps the step.
        try endEpisode(browser)
        try browser.waitFor("document.getElementById('message').textContent.includes('final observation')", what: "the refused end")
        XCTAssertEqual(service!.state.steps.count, 1)

        // The driver comes back: refresh, end; the episode has the step and the driver's calibration.
        try FolderCameraSource.write(frame, camera: calibration, to: cameraFolder)
        try browser.press(key: "r")
        try browser.waitFor("window.capture.S.state.viewOK === true && !window.capture.S.busy", what: "the refreshed view")
        try endEpisode(browser)
        let file = (out as NSString).appendingPathComponent("episode-000000.hdf5")
        waitForFile(file)
        let h5 = try HDF5File.open(file)
        let demo = try h5.group("data/demo_0")
        XCTAssertEqual(try demo.attributes.int("num_samples"), 1)
        XCTAssertEqual(try demo.attributes.string("task"), "operator-pick-place")
        XCTAssertEqual(try demo.attributes.strings("object_names"), [])
        let stored = try JSONDecoder().decode(CalibrationFile.self, from: Data(try demo.attributes.string("calibration").utf8))
        XCTAssertEqual(stored.cameras.first?.depth_scale, 0.001)
        XCTAssertEqual(stored.cameras.first?.distortion, [0, 0, 0, 0, 0])
        XCTAssertEqual(try h5.dataset("data/demo_0/action_dict/pick_pixel").read(as: Int32.self), [160, 80])
        try h5.close()

        // Episode 1 starts with an empty instruction ("keep" is not ticked) and the session count.
        try browser.waitFor("window.capture.S.state.episode === 1 && document.getElementById('instruction').value === ''", what: "the cleared instruction")
        XCTAssertEqual(try browser.evaluate("document.getElementById('session').textContent") as? String,
                       "saved this session: 1 episode | in the folder: 1")
        // With "keep" ticked the operator's text carries over; a failed episode is set apart, not lost.
        try browser.click(elementID: "keep")
        _ = try browser.evaluate("document.getElementById('instruction').focus(); true")
        try browser.type("stack the cups")
        _ = try browser.evaluate("document.getElementById('instruction').blur(); true")
        try clickCell(Pixel(row: 150, col: 70), browser)
        try clickCell(Pixel(row: 170, col: 90), browser)
        try browser.waitFor("!!window.capture.S.poses", what: "the pose preview of episode 1")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 1 && !window.capture.S.busy", what: "episode 1's step")
        XCTAssertEqual(service!.state.steps.first?.instruction, "stack the cups")
        try endEpisode(browser, success: false)
        let failed = (out as NSString).appendingPathComponent("failed/episode-000000.hdf5")
        waitForFile(failed)
        try browser.waitFor("window.capture.S.state.steps.length === 0 && !window.capture.S.busy && document.getElementById('session').textContent.includes('set apart')", what: "the set-apart episode")
        XCTAssertEqual(service!.state.episode, 1, "episode 1 is recorded again")
        XCTAssertFalse(FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("episode-000001.hdf5")))
        XCTAssertEqual(try browser.evaluate("document.getElementById('instruction').value") as? String, "stack the cups", "kept")
        XCTAssertEqual(try browser.evaluate("document.getElementById('session').textContent") as? String,
                       "saved this session: 1 episode (+ 1 set apart as failed) | in the folder: 1")
        let f5 = try HDF5File.open(failed)
        XCTAssertEqual(try f5.group("data/demo_0").attributes.int("success"), 0)
        XCTAssertEqual(try f5.dataset("data/demo_0/rewards").read(as: Double.self), [0])
        try f5.close()
        let report = DatasetChecker.check(out, deep: true)  // failed/ does not spoil the dataset folder
        XCTAssertEqual(report.problems.map { "\($0.file): \($0.problem)" }, [])
        XCTAssertEqual(report.episodes, 1)
    }

    /// With the live view refreshing every 150 ms, clicks made at arbitrary moments (many while a refresh
    /// is in flight) are all accepted: the page keeps the clicked picture and the server accepts a click on
    /// any view taken since the robot last moved.
    func testLiveRefreshNeverInvalidatesAClick() throws {
        let out = temporaryFolder("live")
        let (browser, _) = try open(query: "live=1&every=150") {
            // One camera keeps the refreshes quick; the simulator's robot makes the step real.
            let world = try SimulatorWorld(task: try TaskRegistry.task(named: "put-block-in-bowl-seen-colors"),
                                           environment: try Environment(cameras: [CameraConfig.realSenseD415[0]]))
            return try CaptureSession(camera: SimulatorCamera(world: world), robot: SimulatorRobot(world: world),
                                      configuration: CaptureConfiguration(outputFolder: out, task: "put-block-in-bowl-seen-colors"))
        }
        _ = try browser.evaluate("""
            window.capture.clicksDuringRefresh = 0;
            document.getElementById('view').addEventListener('mousedown', () => { if (window.capture.S.refreshing || window.capture.S.loadingView) window.capture.clicksDuringRefresh++; }, true); true
            """)
        let state = service!.state
        let block = try XCTUnwrap(state.objects.first { $0.name == "block0" })
        let bowl = try XCTUnwrap(state.objects.first { $0.name == "bowl0" })
        let pick = Pixel(row: block.row, col: block.col), place = Pixel(row: bowl.row, col: bowl.col)
        let firstView = state.view
        // Fixed pauses (ms) that fall at different phases of the 150 ms refresh cycle.
        let pauses: [UInt32] = [0, 40, 95, 130, 10, 75, 160, 55, 115, 25, 200, 85, 140, 5, 60, 170]
        for (i, pause) in pauses.enumerated() {
            usleep(pause * 1000)
            try clickCell(pick, browser)
            usleep(pauses[(i + 5) % pauses.count] * 1000)
            try clickCell(place, browser)
            try browser.waitFor("!!window.capture.S.poses || document.getElementById('message').textContent.includes('view changed')", what: "click pair \(i)")
            XCTAssertFalse(pageMessage(browser).contains("view changed"), "click pair \(i): \(pageMessage(browser))")
            if i < pauses.count - 1 { try browser.press(key: "Escape") }
        }
        XCTAssertGreaterThanOrEqual(service!.state.view - firstView, 4, "the view really refreshed during the clicks")
        let raced = try XCTUnwrap(browser.evaluate("window.capture.clicksDuringRefresh") as? Double)
        XCTAssertGreaterThan(raced, 0, "some clicks landed while a refresh or a new view was on its way")
        // The last pair is confirmed: the step is the clicked pixels, with the simulator's reward.
        let clickedView = try XCTUnwrap(browser.evaluate("window.capture.S.view") as? Double)
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 1 && !window.capture.S.busy", what: "the recorded step")
        XCTAssertFalse(pageMessage(browser).contains("view changed"), pageMessage(browser))
        let step = try XCTUnwrap(service!.state.steps.first)
        XCTAssertEqual(step.pick, .init(row: pick.row, col: pick.col))
        XCTAssertEqual(step.place, .init(row: place.row, col: place.col))
        XCTAssertGreaterThan(step.reward, 0, "the block landed in the bowl")
        XCTAssertGreaterThan(Double(service!.state.view), clickedView, "a new view follows the step")
    }

    /// `--pick-rotation`: a drag from the pick point turns the gripper; the pick pose stored in the episode
    /// carries that yaw.
    func testADragFromThePickSetsTheGripperAngle() throws {
        let out = temporaryFolder("pick-rotation")
        let (browser, _) = try open {
            var setup = CaptureSetup(source: .sim, robot: .sim, out: out)
            setup.pickRotation = true
            return try setup.makeSession()
        }
        XCTAssertEqual(service!.state.pickRotation, true)
        let state = service!.state
        let block = try XCTUnwrap(state.objects.first { $0.name == "block0" })
        let bowl = try XCTUnwrap(state.objects.first { $0.name == "bowl0" })
        let (x, y) = try point(of: Pixel(row: block.row, col: block.col), in: browser)
        // Press on the block, drag 40 px up the screen (world -y), release: yaw -90 degrees, bin 9.
        try browser.call("Input.dispatchMouseEvent", ["type": "mouseMoved", "x": x, "y": y])
        try browser.call("Input.dispatchMouseEvent", ["type": "mousePressed", "x": x, "y": y, "button": "left", "clickCount": 1])
        for k in 1...4 { try browser.call("Input.dispatchMouseEvent", ["type": "mouseMoved", "x": x, "y": y - Double(10 * k), "button": "left"]) }
        try browser.call("Input.dispatchMouseEvent", ["type": "mouseReleased", "x": x, "y": y - 40, "button": "left", "clickCount": 1])
        try browser.waitFor("window.capture.S.pickBin === 9 && !window.capture.S.dragging", what: "the dragged pick angle")
        XCTAssertTrue((try browser.evaluate("document.getElementById('phase').textContent") as? String ?? "").contains("Gripper at bin 9"))
        try clickCell(Pixel(row: bowl.row, col: bowl.col), browser)
        try browser.waitFor("!!window.capture.S.poses && window.capture.S.poses.pick.yawDegrees < -89", what: "the preview with the pick yaw")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 1 && !window.capture.S.busy", what: "the recorded step")
        let pickPose = try service!.performBlocking { $0.steps[0].action.pickPose }
        XCTAssertEqual(pickPose.rotation.yaw, -Double.pi / 2, accuracy: 1e-9)
        XCTAssertEqual(pickPose.rotation.z, -(0.5).squareRoot(), accuracy: 1e-9)
    }

    // MARK: - helpers

    func jsString(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [s]), as: UTF8.self).dropFirst().dropLast().description
    }

    func post(port: Int, _ path: String, _ body: [String: Any], header: Bool = true) throws -> (status: Int, text: String) {
        let reply = RawHTTP.request(port: port, method: "POST", path: path,
                                    headers: header ? ["Content-Type": "application/json", "X-Cliport-Capture": "1"] : ["Content-Type": "application/json"],
                                    body: try JSONSerialization.data(withJSONObject: body))
        return (reply?.status ?? 0, reply.map { String(decoding: $0.body, as: UTF8.self) } ?? "no reply")
    }
}

/// A real robot controller on a TCP port that speaks the capture tool's JSON-lines protocol: it answers
/// the first `replies` commands with ok (the motion itself is not simulated) and then stays silent, as a
/// hung controller would.
final class RobotController: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var commands: [[String: Any]] = []

    var received: [[String: Any]] { lock.lock(); defer { lock.unlock() }; return commands }

    init(replies: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        listen(fd, 4)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let listener = fd
        Thread { [self] in
            var answered = 0
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                var pending: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { break }
                    pending += chunk[..<n]
                    while let newline = pending.firstIndex(of: 10) {
                        let line = Data(pending[..<newline])
                        pending.removeSubrange(...newline)
                        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { continue }
                        lock.lock(); commands.append(object); lock.unlock()
                        if answered < replies {
                            answered += 1
                            let reply = Array("{\"id\":\(object["id"] as? Int ?? 0),\"ok\":true,\"message\":\"moved\"}\n".utf8)
                            _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        }
                    }
                }
                close(connection)
            }
        }.start()
    }

    deinit { close(listener) }
}
