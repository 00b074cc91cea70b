import Core
import Foundation

/// RUN/metrics.jsonl: one JSON object per step (and per validation), appended and flushed as training
/// goes. A resumed run first drops lines past the step it resumes from, so the log reads as one run.
final class MetricsLog {
    private let handle: FileHandle

    init(path: String, resumingAfter step: Int) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path), let text = fm.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) {
            let kept = text.split(separator: "\n").filter { line in
                guard let data = line.data(using: .utf8),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let s = object["step"] as? Int else { return false }
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

    func append(_ fields: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        handle.write(data + Data("\n".utf8))
    }

    deinit { try? handle.close() }
}
