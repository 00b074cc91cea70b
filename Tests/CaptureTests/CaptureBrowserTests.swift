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
    func open(_ makeSession: @escaping () throws -> CaptureSession) throws -> (HeadlessChromium, Int) {
        guard HeadlessChromium.executable != nil else {
            throw XCTSkip("chromium is not installed: the browser tests need it (apt-get install chromium)")
        }
        let service = try CaptureService(makeSession: makeSession)
        self.service = service
        let server = CaptureServer(service: service, host: "127.0.0.1", port: 0)
        self.server = server
        let port = try server.start()
        let browser = try HeadlessChromium(url: "http://127.0.0.1:\(port)/?live=0")
        self.browser = browser
        try browser.waitFor("!!(window.capture && window.capture.S.view > 0 && window.capture.S.colors)", what: "the first view")
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
        if let shot = ProcessInfo.processInfo.environment["CAPTURE_SCREENSHOT"] { try browser.screenshot(to: shot) }

        let instruction = try XCTUnwrap(browser.evaluate("document.getElementById('instruction').value") as? String)
        XCTAssertTrue(instruction.hasPrefix("put the "), "the simulator's instruction is suggested: \(instruction)")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 1 && !window.capture.S.busy", what: "the recorded step")
        XCTAssertTrue(pageMessage(browser).contains("step 1 recorded"), pageMessage(browser))
        let reward = service!.state.steps.first?.reward ?? 0
        XCTAssertGreaterThan(reward, 0, "the block landed in the bowl")
        // The scene (seed 0) has a second block: ending now is refused, as a failed episode is not saved, and
        // the step is kept. The second block into the second bowl completes the task.
        try browser.press(key: "e")
        try browser.waitFor("document.getElementById('message').textContent.includes('is not saved')", what: "the refused end")
        XCTAssertEqual(service!.state.steps.count, 1)
        let viewAfterStep = service!.state.view
        try browser.waitFor("window.capture.S.view === \(viewAfterStep) && !!window.capture.S.colors", what: "the view after step 1")
        let block1 = try XCTUnwrap(service!.state.objects.first { $0.name == "block1" })
        let bowl1 = try XCTUnwrap(service!.state.objects.first { $0.name == "bowl1" })
        try clickCell(Pixel(row: block1.row, col: block1.col), browser)
        try clickCell(Pixel(row: bowl1.row, col: bowl1.col), browser)
        try browser.waitFor("!!window.capture.S.poses", what: "the second pose preview")
        try browser.click(elementID: "confirm")
        try browser.waitFor("window.capture.S.state.steps.length === 2 && !window.capture.S.busy", what: "the second step")
        let reward2 = service!.state.steps[1].reward
        XCTAssertEqual(reward + reward2, 1, accuracy: 1e-9, "both blocks are in bowls")
        try browser.press(key: "e")
        let file = (out as NSString).appendingPathComponent("episode-000000.hdf5")
        waitForFile(file)
        try browser.waitFor("window.capture.S.state.episode === 1", what: "the next episode")

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
        try browser.press(key: "e")
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
        let (front, frame, blockPosition) = try SessionThread.shared.sync { () -> (CameraConfig, RGBDFrame, SIMD3<Double>) in
            let world = try SimulatorWorld(task: try TaskRegistry.task(named: "put-block-in-bowl-seen-colors"))
            try world.start(seed: 0, replaying: [])
            return (world.environment.cameras[0], try world.environment.observe().frames[0], world.environment.scene!.objects[0].pose.position)
        }
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
        try browser.press(key: "e")
        try browser.waitFor("document.getElementById('message').textContent.includes('final observation')", what: "the refused end")
        XCTAssertEqual(service!.state.steps.count, 1)

        // The driver comes back: refresh, end; the episode has the step and the driver's calibration.
        try FolderCameraSource.write(frame, camera: calibration, to: cameraFolder)
        try browser.press(key: "r")
        try browser.waitFor("window.capture.S.state.viewOK === true && !window.capture.S.busy", what: "the refreshed view")
        try browser.press(key: "e")
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
    }

    // MARK: - helpers

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
