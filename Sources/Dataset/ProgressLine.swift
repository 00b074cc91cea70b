import Foundation

/// One line of progress for long work. On a terminal it rewrites itself in place; in a log it prints a new
/// line at most every few seconds.
public struct ProgressLine {
    public let label: String
    private var lastPrint = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0

    public init(label: String) {
        self.label = label
    }

    /// Shows `text` after the label (throttled unless `force`).
    public mutating func show(_ text: String, force: Bool = false) {
        let now = Date()
        guard force || now.timeIntervalSince(lastPrint) >= (interactive ? 0.2 : 5) else { return }
        lastPrint = now
        let line = label + " " + text
        FileHandle.standardError.write(((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")).data(using: .utf8)!)
    }

    /// Ends the line on a terminal.
    public func finish() {
        if interactive { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    }

    /// `seconds` as m:ss or h:mm:ss; "--:--" when unknown (not finite or negative), "> 99999 h" when longer
    /// than any run (an ETA over a huge step count; converting it to Int would trap).
    public static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        guard seconds < 99_999 * 3600 else { return "> 99999 h" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
