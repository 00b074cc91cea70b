import Foundation
import Trainer

/// What a training run folder holds, as `cliport serve` shows it: the logged steps of `metrics.jsonl`, the
/// rollout results of `eval/*.json` and the affordance pictures of `eval/pictures/`.
struct RunRecords {
    /// The keys of a `StepMetrics` line the pages draw; read alone so that runs logged by other versions
    /// (with more or fewer keys) still show their curves.
    struct LoggedStep: Decodable {
        var step: Int
        var loss: Double
        var validationLoss: Double?
        enum CodingKeys: String, CodingKey { case step, loss, validationLoss = "validation_loss" }
    }

    var metrics: [LoggedStep]
    /// Lines of metrics.jsonl that did not parse (a line cut by a crash, another version's keys).
    var unreadableLines: Int
    var evaluations: [(file: String, results: Evaluator.Results)]
    var pictures: [String]
    var configuration: String?

    init(path: String) {
        let run = TrainingRun(path: path)
        var metrics: [LoggedStep] = [], unreadable = 0
        if let data = FileManager.default.contents(atPath: run.metricsFile) {
            let decoder = JSONDecoder()
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                if let m = try? decoder.decode(LoggedStep.self, from: Data(line)) { metrics.append(m) } else { unreadable += 1 }
            }
        }
        self.metrics = metrics
        unreadableLines = unreadable
        let evalNames = ((try? FileManager.default.contentsOfDirectory(atPath: run.evalFolder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        evaluations = evalNames.compactMap { name in
            FileManager.default.contents(atPath: run.evalFolder + "/" + name)
                .flatMap { try? JSONDecoder().decode(Evaluator.Results.self, from: $0) }
                .map { (name, $0) }
        }
        pictures = Self.pictureNames(run: path)
        configuration = FileManager.default.contents(atPath: run.configurationFile).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The PNG names in RUN/eval/pictures, sorted: the only picture names a request may ask for.
    static func pictureNames(run path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: TrainingRun(path: path).evalFolder + "/pictures")) ?? [])
            .filter { $0.hasSuffix(".png") && !$0.hasPrefix(".") }.sorted()
    }
}
