import Dataset
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PNG
import Recorder
@testable import Serve
import TestSupport
@testable import Trainer
import XCTest

/// Issue 19 item 4: `cliport serve` against a simulated dataset and a run folder, its pages rendered by a
/// real headless Chromium (scripts run; the DOM is read back with --dump-dom).
final class ServeBrowserTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-serve")
    var server: ServeServer?
    override func tearDown() {
        server?.stop()
        folders.removeAll()
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The page's DOM after its scripts ran.
    func dom(_ url: String) throws -> String {
        let exe = try XCTUnwrap(Self.chromium, "chromium is not installed (apt-get install chromium)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        let profile = folders.path("chromium")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(profile)", "--virtual-time-budget=3000", "--dump-dom", url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func get(_ url: String, host: String? = nil) throws -> (status: Int, body: Data) {
        final class Box: @unchecked Sendable { var status = 0; var body = Data() }
        let done = DispatchSemaphore(value: 0), box = Box()
        var request = URLRequest(url: URL(string: url)!)
        if let host { request.setValue(host, forHTTPHeaderField: "Host") }
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.body = data ?? Data()
            done.signal()
        }.resume()
        done.wait()
        return (box.status, box.body)
    }

    /// The text of the first element with `id` (no nested tags).
    func text(_ dom: String, id: String) -> String? {
        guard let r = dom.range(of: #"id="\#(id)"[^>]*>([^<]*)<"#, options: .regularExpression) else { return nil }
        let match = String(dom[r])
        return String(match[match.index(after: match.firstIndex(of: ">")!)...].dropLast())
    }

    func attribute(_ dom: String, id: String, _ name: String) -> String? {
        guard let r = dom.range(of: #"<[a-z]+ [^>]*id="\#(id)"[^>]*>"#, options: .regularExpression) else { return nil }
        let tag = String(dom[r])
        guard let a = tag.range(of: #" \#(name)="[^"]*""#, options: .regularExpression) else { return nil }
        return String(tag[a].dropFirst(name.count + 3).dropLast())
    }

    /// A run folder: 20 logged steps with known losses, validation at 10 and 20, eval results, a picture.
    func makeRun() throws -> String {
        let run = folders.make("runs") + "/bi"
        try FileManager.default.createDirectory(atPath: run + "/eval/pictures", withIntermediateDirectories: true)
        let log = try MetricsLog(path: run + "/metrics.jsonl", resumingAfter: 0)
        for step in 1...20 {
            let loss: Double = 2.0 - 0.05 * Double(step)
            let validation: Double? = step % 10 == 0 ? 1.9 - 0.03 * Double(step) : nil
            let half: Double = loss / 2
            let metrics = StepMetrics(step: step, pickLoss: half, placeLoss: half, pickCrossEntropy: 1, placeCrossEntropy: 1, loss: loss,
                                      stepsPerSecond: 1, elapsedSeconds: Double(step), dataWaitSeconds: 0, tasks: ["block-insertion"],
                                      validationLoss: validation, validationLossByTask: nil)
            log.append(metrics)
        }
        let episode = { (seed: Int, reward: Double) in Evaluator.Episode(seed: seed, reward: reward, steps: 1, instruction: "insert", failure: nil) }
        let results = Evaluator.Results(task: "block-insertion", split: .val, n: 2, checkpoints: [
            .init(checkpoint: "steps=00020.hdf5", step: 20, episodes: [episode(1, 1), episode(3, 1)]),
            .init(checkpoint: "steps=00010.hdf5", step: 10, episodes: [episode(1, 1), episode(3, 0)]),
        ])
        try JSONEncoder().encode(results).write(to: URL(fileURLWithPath: run + "/eval/block-insertion-val.json"))
        try PNGImage(width: 4, height: 2, pixels: .rgb8([UInt8](repeating: 200, count: 24)))
            .write(to: run + "/eval/pictures/block-insertion-val-steps=00020-ep0-step0.png")
        try Data("{\"model\": \"transporter\"}".utf8).write(to: URL(fileURLWithPath: run + "/config.json"))
        return run
    }

    func testDatasetPlayerAndRunCurvesInChromium() throws {
        var generator = DemoGenerator(options: .init(task: "put-block-in-bowl-seen-colors", split: .train, count: 1, out: folders.make("data")))
        generator.showProgress = false
        let dataset = try generator.run().dataset
        let run = try makeRun()
        let reader = try DatasetReader(path: dataset)
        let episode = try reader.episode(0)
        let n = episode.steps.count

        // Parent folders are searched one level down.
        let library = try ServeLibrary(data: [(dataset as NSString).deletingLastPathComponent], runs: [(run as NSString).deletingLastPathComponent])
        XCTAssertEqual(library.datasets.map(\.name), ["put-block-in-bowl-seen-colors-train"])
        XCTAssertEqual(library.runs.map(\.name), ["bi"])
        let server = ServeServer(library: library, port: 0)
        self.server = server
        let port = try server.start()
        let base = "http://127.0.0.1:\(port)"

        let index = try dom(base + "/")
        XCTAssertTrue(index.contains(">put-block-in-bowl-seen-colors-train</a>"), index)
        XCTAssertTrue(index.contains("block-insertion val: 100.0"), "the best eval score is listed")

        let list = try dom(base + "/data/0")
        XCTAssertTrue(list.contains("<td>\(episode.metadata.instruction)</td>"), list)
        XCTAssertTrue(list.contains("<td class=\"num\">\(episode.metadata.seed)</td>"), list)
        XCTAssertTrue(list.contains("<td class=\"ok\">yes</td>"), "a successful oracle episode")

        // The player at step 2 (#step=2): its label, instruction, pictures and marks.
        let player = try dom(base + "/data/0/episodes/0#step=2")
        XCTAssertEqual(text(player, id: "label"), "step 2 of \(n) · reward \(String(format: "%.2f", episode.steps[1].reward))", player)
        XCTAssertEqual(text(player, id: "instruction"), episode.steps[1].instruction)
        XCTAssertEqual(attribute(player, id: "heightmap", "src"), "/data/0/episodes/0/1/heightmap.png")
        XCTAssertEqual(attribute(player, id: "camera2", "src"), "/data/0/episodes/0/1/camera2.png")
        let pick = episode.steps[1].action.pickPixel
        XCTAssertEqual(attribute(player, id: "pick", "cx"), "\(Double(pick.col) + 0.5)".replacingOccurrences(of: ".0", with: ""))
        XCTAssertEqual(attribute(player, id: "pick", "cy"), "\(Double(pick.row) + 0.5)".replacingOccurrences(of: ".0", with: ""))
        let final = try dom(base + "/data/0/episodes/0#step=\(n + 1)")
        XCTAssertEqual(text(final, id: "label"), "final observation (after step \(n))")

        // The pictures are the dataset's: the heightmap PNG decodes to the step's heightmap colour.
        let png = try get(base + "/data/0/episodes/0/1/heightmap.png")
        XCTAssertEqual(png.status, 200)
        let file = folders.make("png") + "/h.png"
        try png.body.write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(try PNGImage.read(file, as: .rgb8).pixels, .rgb8(episode.steps[1].observation.heightmap.color))
        XCTAssertEqual(try get(base + "/data/0/episodes/0/\(n + 1)/heightmap.png").status, 404, "no position past the final one")
        XCTAssertEqual(try get(base + "/data/0/episodes/1").status, 404)

        // The run: a 20-point loss line from (step 1, 1.95) to (step 20, 1.0) on a y axis over 1.0...1.95 padded by
        // 5% (plot 76...704 x 16...264 px), 2 validation dots; scores per checkpoint.
        let runPage = try dom(base + "/runs/0")
        XCTAssertTrue(runPage.contains(#"class="train" data-name="training loss" data-count="20" fill="none" points="76.0,27.3 "#), runPage)
        XCTAssertTrue(runPage.contains(#" 704.0,252.7">"#), runPage)
        XCTAssertEqual(runPage.components(separatedBy: "<circle class=\"validation\"").count - 1, 2)
        XCTAssertTrue(runPage.contains(#"<td class="num score">50.0</td>"#) && runPage.contains(#"<td class="num score">100.0</td>"#), runPage)
        XCTAssertTrue(runPage.contains(#"<tr class="best"><td>steps=00020.hdf5</td>"#), "the best checkpoint is marked")
        XCTAssertTrue(runPage.contains("<figcaption>block-insertion-val-steps=00020-ep0-step0.png</figcaption>"))
        let picture = try get(base + "/runs/0/pictures/block-insertion-val-steps=00020-ep0-step0.png")
        XCTAssertEqual(picture.status, 200)
        XCTAssertEqual(picture.body, FileManager.default.contents(atPath: run + "/eval/pictures/block-insertion-val-steps=00020-ep0-step0.png"))
        XCTAssertEqual(try get(base + "/runs/0/pictures/..%2Fconfig.json").status, 404, "only listed pictures are served")

        // A page of another site that a rebinding DNS points here sends its own Host: refused.
        let foreign = try get(base + "/data/0", host: "attacker.example:\(port)")
        // (421 Misdirected Request; Foundation's curl-based client keeps no body for it, so only the status is checked.)
        XCTAssertEqual(foreign.status, 421)
        XCTAssertEqual(try get(base + "/data/0", host: "localhost:\(port)").status, 200, "this machine's names are answered")
    }

    func testBadFoldersGetOneClearMessage() throws {
        let missing = try BuiltProgram.run(["serve", "--data", "/nonexistent/datasets", "--port", "0"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/datasets does not exist; give a folder written by `cliport demos`"), missing.stderr)
        let nothing = try BuiltProgram.run(["serve"])
        XCTAssertNotEqual(nothing.status, 0)
        XCTAssertTrue(nothing.stderr.contains("nothing to serve; give --data DIR (datasets) and/or --runs DIR (training runs)"), nothing.stderr)
        let empty = folders.make("empty")
        XCTAssertThrowsError(try ServeLibrary(data: [empty], runs: [])) {
            XCTAssertEqual($0 as? ServeError, .noDatasets(path: empty))
        }
        XCTAssertThrowsError(try ServeLibrary(data: [], runs: [empty + "/nope"])) {
            XCTAssertEqual($0 as? ServeError, .missing(path: empty + "/nope"))
        }
    }
}
