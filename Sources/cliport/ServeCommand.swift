import ArgumentParser
import Foundation
import Serve

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse datasets and training runs in a web browser (read-only).",
        discussion: """
        Serves a local web page (http://HOST:PORT/): each dataset's episodes (task, seed, instruction, success) and a
        step-by-step player of an episode's cameras and heightmap with the pick and place marked; each training run's
        loss and validation curves (metrics.jsonl), eval scores per checkpoint (eval/*.json) and affordance pictures
        (eval/pictures). --data and --runs each take a dataset or run folder, or a folder of them (searched one level
        down), and may be repeated. See docs/serve.md.
        """)

    @Option(name: .customLong("data"), parsing: .upToNextOption, help: "Dataset folders (cliport demos / capture output), or folders holding them.")
    var data: [String] = []
    @Option(name: .customLong("runs"), parsing: .upToNextOption, help: "Training run folders (cliport train --out), or folders holding them.")
    var runs: [String] = []
    @Option(parsing: .unconditional, help: "Port of the web page (0: any free port).") var port: Int = 8090
    @Option(help: "Address to listen on; keep 127.0.0.1 unless the page must be reached from another machine.")
    var host: String = "127.0.0.1"

    func validate() throws {
        try requireOption("--port", port, in: 0...65535)
        if data.isEmpty && runs.isEmpty { throw ValidationError("nothing to serve; give --data DIR (datasets) and/or --runs DIR (training runs)") }
    }

    func run() throws {
        try reportingErrors {
            let library = try ServeLibrary(data: data, runs: runs)
            let server = ServeServer(library: library, host: host, port: port)
            let bound = try server.start()
            print("serve: open \(server.pageURLs(port: bound).joined(separator: " or "))  "
                + "(\(library.datasets.count) dataset\(library.datasets.count == 1 ? "" : "s"), \(library.runs.count) run\(library.runs.count == 1 ? "" : "s"))")
            print("serve: press Ctrl-C to stop")
            fflush(stdout)
            while true { sleep(3600) }
        }
    }
}
