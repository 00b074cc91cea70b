import Foundation

/// One line of progress for long work: done/total, successes and failures, rate and ETA.
/// On a terminal it rewrites itself in place; in a log it prints a new line at most every few seconds.
public struct ProgressLine {
    public let label: String
    public let total: Int
    public let unit: String
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0

    public init(label: String, total: Int, unit: String = "episodes") {
        self.label = label
        self.total = total
        self.unit = unit
    }

    /// Reports progress; `detail` is appended (e.g. failures by reason).
    public mutating func update(done: Int, detail: String = "", force: Bool = false) {
        let now = Date()
        guard force || now.timeIntervalSince(lastPrint) >= (interactive ? 0.2 : 5) else { return }
        lastPrint = now
        let line = Self.format(label: label, done: done, total: total, unit: unit,
                               elapsed: now.timeIntervalSince(start), detail: detail)
        FileHandle.standardError.write(((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")).data(using: .utf8)!)
    }

    /// Ends the line on a terminal.
    public func finish() {
        if interactive { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    }

    /// "label 12/100 (12%) 3.4 episodes/s ETA 0:26 detail"
    public static func format(label: String, done: Int, total: Int, unit: String, elapsed: TimeInterval, detail: String) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let percent = total > 0 ? 100 * done / total : 100
        let eta = rate > 0 ? Double(max(total - done, 0)) / rate : .nan
        var s = "\(label) \(done)/\(total) (\(percent)%) \(String(format: "%.2f", rate)) \(unit)/s ETA \(formatDuration(eta))"
        if !detail.isEmpty { s += " " + detail }
        return s
    }

    public static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
