import Core
import Foundation

/// RUN/metrics.jsonl: one `StepMetrics` JSON object per step, appended and flushed as training goes. A
/// resumed run first drops lines past the step it resumes from, so the log reads as one run.
final class MetricsLog {
    private let handle: FileHandle
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Just the step of a line (lines of older runs may hold other keys).
    private struct Step: Decodable { var step: Int }

    init(path: String, resumingAfter step: Int) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path), let text = fm.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) {
            let decoder = JSONDecoder()
            let kept = text.split(separator: "\n").filter { line in
                guard let s = try? decoder.decode(Step.self, from: Data(line.utf8)).step else { return false }
                return s <= step
            }
            try DurableFile.write(Data((kept.map { $0 + "\n" }.joined()).utf8), to: path)
        } else {
            guard fm.createFile(atPath: path, contents: nil) else {
                throw TrainerError.badOption("cannot create \(path); check that the run folder is writable")
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
    }

    /// Appends `metrics` (a line that cannot be written as JSON, a non-finite loss, is left out).
    func append(_ metrics: StepMetrics) {
        guard let data = try? encoder.encode(metrics) else { return }
        handle.write(data + Data("\n".utf8))
    }

    deinit { try? handle.close() }
}
